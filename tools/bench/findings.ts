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
import { openHeadlessCore } from '../../src/headless/host.ts';
import { openWorkspaceDb } from '../../tests/helpers/db.ts';
import { PASSPHRASE } from '../../tests/helpers/workspace.ts';
import { seedFindings } from './seed-findings.ts';

const IMAGES = 1000;
const PER_IMAGE = 100;
const STALE_PER_IMAGE = 20;

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

  // Seed directly, in one transaction (seed-findings.ts).
  const seedStart = performance.now();
  const db = await openWorkspaceDb(dir);
  seedFindings(db, jobId, { images: IMAGES, perImage: PER_IMAGE, stalePerImage: STALE_PER_IMAGE });
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
