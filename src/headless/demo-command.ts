import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Core } from '../core/app/core-api.ts';
import { ChittiError } from '../core/app/errors.ts';
import { writeFileAtomic } from '../core/store/atomic-write.ts';
import type { ProcedureName, ProcedureOutput } from '../shared/contract/index.ts';
import { EXIT } from './exit-codes.ts';
import { openHeadlessCore, stderrLogger } from './host.ts';
import { watchTask } from './import-progress.ts';

/**
 * `chitti demo`: the main job end to end on the bundled samples, in a
 * workspace of its own (so a user's data is never touched): import the
 * sample images and report → detect defects → a demo reviewer accepts the
 * confident proposals (a person does this in real use; the audit trail names
 * the demo as the actor) → review the report against a checklist → write
 * the inspection report PDF and the checklist review PDF.
 */

export const SAMPLES_DIR = fileURLToPath(new URL('../../resources/samples', import.meta.url));
const DEMO_ACTOR = 'chitti-demo';
/** Findings scoring at least this are accepted by the demo reviewer; the rest stay for a person. */
const DEMO_ACCEPT_SCORE = 0.5;
const DEMO_CHECKLIST = 'inspection-report-general';

interface DemoOptions {
  out: string;
  embeddings: boolean;
}

async function call<N extends ProcedureName>(core: Core, name: N, input: unknown): Promise<ProcedureOutput<N>> {
  const r = await core.dispatch(name, input);
  if (!r.ok) throw new ChittiError(r.error.code, r.error.message);
  return r.result;
}

async function sampleFiles(): Promise<string[]> {
  const names = (await readdir(SAMPLES_DIR)).filter((n) => /\.(jpe?g|png|tiff?|pdf|docx|txt)$/i.test(n)).sort();
  if (names.length === 0) throw new ChittiError('NOT_FOUND', `No samples in ${SAMPLES_DIR}: the installation is incomplete.`);
  return names.map((n) => path.join(SAMPLES_DIR, n));
}

async function runDemo(o: DemoOptions, json: boolean): Promise<number> {
  const out = path.resolve(o.out);
  const dataDir = path.join(out, 'workspace');
  await mkdir(out, { recursive: true });
  // A fresh machine may have no OS keyring: the demo workspace's key is protected by a passphrase kept next to it.
  const passphrase = randomBytes(18).toString('base64url');
  const say = (line: string) => {
    if (!json) process.stdout.write(`${line}\n`);
  };
  const previousActor = process.env.CHITTI_ACTOR;
  process.env.CHITTI_ACTOR = DEMO_ACTOR;
  let core: Core | null = null;
  try {
    core = await openHeadlessCore({
      dataDir, create: 'exclusive', logger: stderrLogger(),
      key: { env: { CHITTI_PASSPHRASE: passphrase }, interactive: false, preferPassphrase: true },
    });
    await writeFile(path.join(out, 'workspace-passphrase.txt'), `${passphrase}\n`, { mode: 0o600 });
    say(`Demo workspace: ${dataDir} (passphrase in ${path.join(out, 'workspace-passphrase.txt')})`);

    const job = await call(core, 'jobs.create', {
      name: 'Demo: hot-rolled steel strip and tank T-204', client: 'Harbour Chemicals plc (fictional)', site: 'Eastport',
      component: 'Steel strip coupons; storage tank T-204', procedure: 'Visual surface inspection; NIS-UT-07', inspector: DEMO_ACTOR,
    });
    const files = await sampleFiles();
    const imported = await watchTask(core, await call(core, 'assets.import', { jobId: job.id, paths: files }), { progress: !json });
    say(`1. Imported ${imported.imported} sample files into job ${job.id}.`);

    const detected = await watchTask(core, await call(core, 'detect.start', { jobId: job.id }), { progress: !json });
    const found = await call(core, 'findings.query', { jobId: job.id, limit: 1 });
    say(`2. Detected defects on ${detected.analysed} images: ${found.total} proposals.`);

    const accepted = await call(core, 'findings.bulk', { jobId: job.id, action: 'accept', filter: { minScore: DEMO_ACCEPT_SCORE } });
    say(`3. The demo reviewer accepted ${accepted.count} proposals scoring ≥ ${DEMO_ACCEPT_SCORE}; ${found.total - accepted.count} stay for a person (in real use a person decides each one).`);

    const reviewTask = await watchTask(core, await call(core, 'reviews.start', { jobId: job.id, checklistId: DEMO_CHECKLIST, embeddings: o.embeddings }), { progress: !json });
    const { reviews } = await call(core, 'reviews.list', { jobId: job.id });
    const review = reviews.find((r) => r.taskId === reviewTask.id && r.status === 'done');
    if (!review) throw new ChittiError('INTERNAL', 'The sample report could not be reviewed.');
    const counts = Object.values(review.summary).reduce((a, c) => ({ met: a.met + c.met, partial: a.partial + c.partial, notMet: a.notMet + c.not_met }), { met: 0, partial: 0, notMet: 0 });
    say(`4. Reviewed ${review.documentName} against ${review.framework.title}: ${counts.met} met, ${counts.partial} partial, ${counts.notMet} not met.`);
    for (const w of review.warnings) say(`   Note: ${w}`);

    const reportFile = path.join(out, 'demo-report.pdf');
    const report = await core.exportReport(job.id, { format: 'pdf' });
    if (!report.ok) throw new ChittiError(report.error.code, report.error.message);
    await writeFileAtomic(reportFile, report.result.body);
    const reviewFile = path.join(out, 'demo-checklist-review.pdf');
    const reviewPdf = await core.fetchResource('review.report', { reviewId: review.id, format: 'pdf' });
    if (!reviewPdf.ok) throw new ChittiError(reviewPdf.error.code, reviewPdf.error.message);
    await writeFileAtomic(reviewFile, Buffer.from(reviewPdf.result.body));
    say(`5. Wrote ${reportFile} and ${reviewFile}.`);
    say(`Open the demo in the app: chitti --data-dir ${dataDir} serve  (passphrase: CHITTI_PASSPHRASE=$(cat ${path.join(out, 'workspace-passphrase.txt')}))`);
    if (json) {
      process.stdout.write(`${JSON.stringify({
        workspace: dataDir, jobId: job.id, imported: imported.imported, analysed: detected.analysed, proposals: found.total,
        accepted: accepted.count, review: { id: review.id, summary: review.summary, layers: review.layers, warnings: review.warnings }, report: reportFile, checklistReview: reviewFile,
      }, null, 2)}\n`);
    }
    return EXIT.OK;
  } finally {
    await core?.close();
    if (previousActor === undefined) delete process.env.CHITTI_ACTOR;
    else process.env.CHITTI_ACTOR = previousActor;
  }
}

/** `chitti demo [--out DIR] [--no-embeddings]`. */
export function registerDemoCommand(program: Command, standalone: (fn: (json: boolean) => Promise<number>) => Promise<void>): void {
  program
    .command('demo')
    .description('run the main job end to end on the bundled samples, in a new workspace: import → detect → review → report PDF')
    .option('--out <dir>', 'folder for the demo workspace and its reports (must not hold a workspace yet)', 'chitti-demo')
    .option('--no-embeddings', 'review the sample report with rules and keywords only (faster)')
    .action((o: DemoOptions) => standalone((json) => runDemo(o, json)));
}
