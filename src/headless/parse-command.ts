import path from 'node:path';
import { Option, type Command } from 'commander';
import { ChittiError } from '../core/app/errors.ts';
import { writeFileAtomic } from '../core/store/atomic-write.ts';
import { buildDocumentModel, toMarkdown, type DocumentModel } from '../core/structure/index.ts';
import { parseDocumentInWorker, readDocumentFile } from './document-input.ts';
import { EXIT } from './exit-codes.ts';

/**
 * `chitti parse FILE [--format json|md] [--out FILE] [--no-ocr]`: reads one
 * document and prints what Chitti sees in it (headings, sections, fields,
 * tables). It needs no workspace and no key: nothing is stored.
 */

type Standalone = (fn: () => Promise<number | void>) => Promise<void>;

export type ParseOutputFormat = 'json' | 'md';

interface ParseCommandOptions {
  format?: ParseOutputFormat;
  out?: string;
  ocr: boolean;
}

/** --format, else the extension of --out (.md, .markdown, .json), else JSON with the global --json, else Markdown. */
export function parseOutputFormat(o: Pick<ParseCommandOptions, 'format' | 'out'>, json: boolean): ParseOutputFormat {
  if (o.format) return o.format;
  const ext = o.out ? path.extname(o.out).toLowerCase() : '';
  if (ext === '.json') return 'json';
  if (ext === '.md' || ext === '.markdown') return 'md';
  return json ? 'json' : 'md';
}

async function writeOutput(out: string, body: string): Promise<void> {
  try {
    await writeFileAtomic(out, body);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new ChittiError('DISK_FULL', `The disk is full: ${out} was not written.`);
    if (code === 'ENOENT') throw new ChittiError('NOT_FOUND', `The folder of ${out} does not exist.`);
    if (code === 'EISDIR') throw new ChittiError('INVALID_INPUT', `${out} is a folder: give a file name.`);
    throw new ChittiError('INVALID_INPUT', `${out} cannot be written (${code ?? 'error'}).`);
  }
}

function summary(model: DocumentModel): string {
  const count = (kind: string) => model.blocks.filter((b) => b.kind === kind).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    plural(model.pageCount, 'page'), plural(count('heading'), 'heading'), plural(count('field'), 'field'), plural(count('table'), 'table'),
  ].join(', ');
}

export function registerParseCommand(program: Command, standalone: Standalone): void {
  program
    .command('parse <file>')
    .description('read a document (PDF, DOCX, TXT, RTF or a page image) and print its structure: sections, fields, tables (needs no workspace)')
    .addOption(new Option('--format <format>', 'json or md (default: from the --out extension, else md; json with --json)').choices(['json', 'md']))
    .option('--out <file>', 'write to this file instead of printing (replaced if it exists)')
    .option('--no-ocr', 'do not OCR pages that have no text layer (faster; their text is missing)')
    .action((file: string, o: ParseCommandOptions) =>
      standalone(async () => {
        const format = parseOutputFormat(o, Boolean(program.opts<{ json?: boolean }>().json));
        const model = buildDocumentModel(await parseDocumentInWorker(await readDocumentFile(file), o.ocr));
        const body = format === 'json' ? `${JSON.stringify(model, null, 2)}\n` : toMarkdown(model);
        if (o.out) {
          await writeOutput(path.resolve(o.out), body);
          process.stderr.write(`Wrote ${o.out} (${format === 'json' ? 'JSON' : 'Markdown'}): ${summary(model)}.\n`);
        } else {
          process.stdout.write(body);
        }
        for (const w of model.warnings) process.stderr.write(`chitti: note: ${w}\n`);
        // Some pages could not be read: the rest is there, but the caller should know.
        return model.unreadablePages.length > 0 ? EXIT.PARTIAL : EXIT.OK;
      }),
    );
}
