/**
 * Review benchmark: `npm run bench` (or `node --import tsx tools/bench/findings.ts`).
 *
 * Seeds one job with 100,000 findings (1,000 images × 100, each image with a
 * superseded analysis of 20 more findings that must be left out, 10 % of the
 * current ones already decided, plus reviewer-added ones) by direct inserts
 * in one transaction, then times through the real core (encrypted database,
 * dispatch, output validation): the first page of `findings.query` in each
 * sort and with filters (first call, i.e. cold statement cache, and the
 * median of 10), `jobs.review`, and a `findings.bulk` accepting 1,000.
 * It prints numbers and asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { newId } from '../../src/core/ids.ts';
import { openHeadlessCore } from '../../src/headless/host.ts';
import { openWorkspaceDb } from '../../tests/helpers/db.ts';
import { PASSPHRASE } from '../../tests/helpers/workspace.ts';

const IMAGES = 1000;
const PER_IMAGE = 100;
const STALE_PER_IMAGE = 20;
const CLASSES = ['crazing', 'inclusion', 'patches', 'pitted_surface', 'rolled-in_scale', 'scratches'];

const dir = await mkdtemp(path.join(os.tmpdir(), 'chitti-bench-findings-'));
const open = (create: boolean) =>
  openHeadlessCore({ dataDir: dir, create, key: { env: { CHITTI_PASSPHRASE: PASSPHRASE }, interactive: false }, logger: { debug() {}, info() {}, warn() {}, error: console.error } });

async function call<T>(core: Awaited<ReturnType<typeof open>>, name: Parameters<typeof core.dispatch>[0], input: unknown): Promise<T> {
  const r = await core.dispatch(name, input);
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.result as T;
}

try {
  let core = await open(true);
  const { id: jobId } = await call<{ id: string }>(core, 'jobs.create', { name: 'bench: 100k findings' });
  await core.close();

  // Seed directly, in one transaction.
  const seedStart = performance.now();
  const db = await openWorkspaceDb(dir);
  let rng = 42;
  const random = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  db.transaction(() => {
    const t0 = new Date(Date.UTC(2026, 0, 1)).getTime();
    const iso = (ms: number) => new Date(t0 + ms).toISOString();
    const asset = db.prepare(`INSERT INTO assets (id, job_id, kind, mime, size, sha256, original_name, status, created_at) VALUES (?, ?, 'image', 'image/jpeg', 1000, ?, ?, 'ready', ?)`);
    const task = db.prepare(`INSERT INTO tasks (id, kind, job_id, status, params, created_at) VALUES (?, 'detect', ?, 'done', '{}', ?)`);
    const analysis = db.prepare(
      `INSERT INTO analyses (id, job_id, asset_id, task_id, model_id, model_version, model_sha256, settings, status, width, height, created_at)
       VALUES (?, ?, ?, ?, 'neu-det-fcos-mnv2', '1', ?, '{"threshold":null,"scoreThreshold":0.3,"classThresholds":{}}', 'done', 2000, 2000, ?)`,
    );
    const finding = db.prepare(
      `INSERT INTO findings (id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, status, created_at, source, version, decided_by, decided_at, model_class, model_box)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const [oldTask, newTask] = [newId('tsk'), newId('tsk')];
    task.run(oldTask, jobId, iso(0));
    task.run(newTask, jobId, iso(1));
    for (let i = 0; i < IMAGES; i++) {
      const assetId = newId('ast');
      asset.run(assetId, jobId, i.toString(16).padStart(64, '0'), `plate-${String(i).padStart(4, '0')}.jpg`, iso(i));
      const stale = newId('ana');
      const current = newId('ana');
      analysis.run(stale, jobId, assetId, oldTask, 'f'.repeat(64), iso(10_000 + i));
      analysis.run(current, jobId, assetId, newTask, 'f'.repeat(64), iso(20_000 + i));
      const add = (analysisId: string | null, n: number) => {
        for (let k = 0; k < n; k++) {
          const x = Math.floor(random() * 1900);
          const y = Math.floor(random() * 1900);
          const cls = CLASSES[Math.floor(random() * CLASSES.length)]!;
          const box = [x, y, x + 50, y + 40];
          const reviewer = analysisId === null;
          const decided = reviewer || random() < 0.1;
          const status = reviewer ? 'accepted' : !decided ? 'proposed' : random() < 0.7 ? 'accepted' : 'rejected';
          finding.run(
            newId('fnd'), analysisId, jobId, assetId, cls, reviewer ? 1 : random(), ...box, status, iso(30_000 + i),
            reviewer ? 'reviewer' : 'model', decided ? 2 : 1, decided ? 'bench' : null, decided ? iso(40_000 + i) : null,
            reviewer ? null : cls, reviewer ? null : JSON.stringify(box),
          );
        }
      };
      add(stale, STALE_PER_IMAGE);
      add(current, PER_IMAGE);
      if (i % 50 === 0) add(null, 1);
    }
  })();
  const { n } = db.prepare('SELECT count(*) AS n FROM findings').get() as { n: number };
  db.close();
  console.log(`seeded ${n} findings (${IMAGES * PER_IMAGE} current + ${IMAGES / 50} reviewer-added, ${IMAGES * STALE_PER_IMAGE} superseded) on ${IMAGES} images in ${(performance.now() - seedStart).toFixed(0)} ms`);

  core = await open(false);
  const time = async (label: string, name: Parameters<typeof core.dispatch>[0], input: unknown, runs = 10) => {
    const first = performance.now();
    const result = await call<{ total?: number; count?: number }>(core, name, input);
    const firstMs = performance.now() - first;
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      await call(core, name, input);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? firstMs;
    const what = result.total !== undefined ? `total ${result.total}` : result.count !== undefined ? `count ${result.count}` : '';
    console.log(`${label.padEnd(52)} first ${firstMs.toFixed(1).padStart(7)} ms   median ${median.toFixed(1).padStart(7)} ms   ${what}`);
  };
  await time('findings.query score-desc, first page of 100', 'findings.query', { jobId, limit: 100 });
  await time('findings.query score-asc, first page of 100', 'findings.query', { jobId, sort: 'score-asc', limit: 100 });
  await time('findings.query image, first page of 100', 'findings.query', { jobId, sort: 'image', limit: 100 });
  await time('findings.query status proposed, minScore 0.8', 'findings.query', { jobId, status: 'proposed', minScore: 0.8, limit: 100 });
  await time('findings.query class patches, score-asc', 'findings.query', { jobId, class: 'patches', sort: 'score-asc', limit: 100 });
  await time('findings.query score-desc, page at offset 50,000', 'findings.query', { jobId, limit: 100, offset: 50_000 });
  const { assets } = await call<{ assets: Array<{ id: string }> }>(core, 'assets.list', { jobId, limit: 1, offset: 500 });
  await time('findings.query one image', 'findings.query', { jobId, assetId: assets[0]!.id, limit: 100 });
  await time('jobs.review (1,000 images)', 'jobs.review', { jobId }, 5);
  await time('findings.bulk accept ≥ 0.99 (about 1,000)', 'findings.bulk', { jobId, action: 'accept', filter: { minScore: 0.99, status: 'proposed' } }, 0);
  await core.close();
} finally {
  if (process.env.BENCH_KEEP) console.log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
