import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Core } from '../core/app/core-api.ts';
import { ChittiError } from '../core/app/errors.ts';
import type { ReportFile } from '../core/report/report-service.ts';
import type { SigningKey } from '../core/report/sign.ts';
import { writeFileAtomic } from '../core/store/atomic-write.ts';
import { ReportFormatSchema, type ReportFormat } from '../shared/contract/index.ts';
import { promptHidden } from './prompt.ts';

type Run = (fn: (core: Core, opts: { json?: boolean }) => Promise<number | void>) => Promise<void>;

interface ReportOptions {
  out: string;
  format?: ReportFormat;
  sign?: string;
  passphraseEnv?: string;
}

/** --format, else the extension of --out (.json, .csv), else PDF. */
export function reportFormat(o: Pick<ReportOptions, 'out' | 'format'>): ReportFormat {
  if (o.format) return o.format;
  const ext = path.extname(o.out).slice(1).toLowerCase();
  const parsed = ReportFormatSchema.safeParse(ext);
  return parsed.success ? parsed.data : 'pdf';
}

/**
 * The PKCS#12 file and its passphrase: from the environment variable named
 * by --passphrase-env, or asked on the terminal (never an argument, which
 * other users could read in the process list, and never stored).
 */
async function signingKey(o: ReportOptions, env: NodeJS.ProcessEnv): Promise<SigningKey | undefined> {
  if (!o.sign) {
    if (o.passphraseEnv) throw new ChittiError('INVALID_INPUT', '--passphrase-env goes with --sign FILE.p12.');
    return undefined;
  }
  let p12: Buffer;
  try {
    p12 = await readFile(o.sign);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChittiError(code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_INPUT', `The signing file ${o.sign} cannot be read (${code ?? 'error'}).`);
  }
  let passphrase: string;
  if (o.passphraseEnv) {
    const value = env[o.passphraseEnv];
    if (value === undefined) throw new ChittiError('INVALID_INPUT', `The environment variable ${o.passphraseEnv} (--passphrase-env) is not set.`);
    passphrase = value;
  } else if (process.stdin.isTTY && process.stderr.isTTY) {
    passphrase = await promptHidden(`Passphrase of ${path.basename(o.sign)}: `);
  } else {
    throw new ChittiError('INVALID_INPUT', '--sign needs the PKCS#12 passphrase: run the command in a terminal, or name an environment variable that holds it with --passphrase-env VAR.');
  }
  return { p12, passphrase };
}

/** Writes the report so that a full disk or a kill leaves the old file or none, never half a report. */
async function writeReport(out: string, body: Buffer): Promise<void> {
  try {
    await writeFileAtomic(out, body);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new ChittiError('DISK_FULL', `The disk is full: ${out} was not written (nothing was left behind).`);
    if (code === 'ENOENT') throw new ChittiError('NOT_FOUND', `The folder of ${out} does not exist.`);
    if (code === 'EISDIR') throw new ChittiError('INVALID_INPUT', `${out} is a folder: give a file name.`);
    throw new ChittiError('INVALID_INPUT', `${out} cannot be written (${code ?? 'error'}).`);
  }
}

function describe(file: ReportFile, out: string): string {
  const s = file.summary;
  const size = file.body.length >= 1024 ** 2 ? `${(file.body.length / 1024 ** 2).toFixed(1)} MB` : `${Math.ceil(file.body.length / 1024)} KB`;
  return [
    `Wrote ${out} (${file.format.toUpperCase()}, ${size}${file.signer ? `, signed by ${file.signer}` : ''}).`,
    `${s.images} image${s.images === 1 ? '' : 's'}; findings: ${s.accepted + s.edited} accepted (${s.edited} edited), ${s.rejected} rejected.`,
    `sha256 ${file.sha256}`,
  ].join('\n');
}

/** `chitti report <jobId> --out FILE [--format pdf|json|csv] [--sign FILE.p12 [--passphrase-env VAR]]`. */
export function registerReportCommand(program: Command, run: Run, env: NodeJS.ProcessEnv = process.env): void {
  program
    .command('report <jobId>')
    .description('export a job\'s inspection report: PDF (optionally signed), JSON or CSV')
    .requiredOption('--out <file>', 'where to write the report (replaced if it exists)')
    .addOption(new Option('--format <format>', 'pdf, json or csv (default: from the --out extension, else pdf)').choices(ReportFormatSchema.options))
    .option('--sign <file.p12>', 'sign the PDF with this PKCS#12 (.p12/.pfx) certificate and key')
    .option('--passphrase-env <VAR>', 'read the PKCS#12 passphrase from this environment variable (default: ask on the terminal)')
    .action(async (jobId: string, o: ReportOptions) => {
      const format = reportFormat(o);
      const out = path.resolve(o.out);
      if (o.sign && format !== 'pdf') throw new ChittiError('INVALID_INPUT', `Only a PDF report can be signed, not ${format.toUpperCase()}.`);
      const signing = await signingKey(o, env);
      await run(async (core, opts) => {
        const r = await core.exportReport(jobId, { format, signing });
        if (!r.ok) throw new ChittiError(r.error.code, r.error.message);
        const file = r.result;
        await writeReport(out, file.body);
        const { body: _body, ...rest } = file;
        process.stdout.write(`${opts.json ? JSON.stringify({ file: out, bytes: file.body.length, ...rest }, null, 2) : describe(file, o.out)}\n`);
        if (file.summary.proposed > 0) {
          process.stderr.write(`chitti: note: ${file.summary.proposed} finding${file.summary.proposed === 1 ? '' : 's'} still await review; the report counts them but does not list them.\n`);
        }
      });
    });
}
