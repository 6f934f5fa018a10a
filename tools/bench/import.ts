/**
 * Import benchmark: `npm run bench`.
 *
 * Imports (a) 600 small real photos (NEU-DET, ../shared/data) and (b) one
 * 512 MiB file, through the real core: workers, content check, encryption,
 * database and audit writes. Baseline, measured in the same run: reading the
 * same files and hashing them with sha256 in one thread (= 1.0), the least any
 * import must do. Prints time, throughput, ratio and peak RSS. Asserts nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openHeadlessCore } from '../../src/headless/host.ts';

const NEU = path.resolve(import.meta.dirname, '../../../shared/data/neu-det/images');
const SMALL_FILES = 600;
const BIG_BYTES = 512 * 1024 * 1024;

async function hashAll(files: string[]): Promise<void> {
  for (const f of files) {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(f, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer);
    h.digest();
  }
}

async function bytesOf(files: string[]) {
  let n = 0;
  for (const f of files) n += (await stat(f)).size;
  return n;
}

async function importAll(dataDir: string, paths: string[]): Promise<number> {
  const core = await openHeadlessCore({ dataDir, create: true, key: { env: { CHITTI_PASSPHRASE: 'bench passphrase' }, interactive: false } });
  try {
    const job = await core.dispatch('jobs.create', { name: 'bench' });
    if (!job.ok) throw new Error(job.error.message);
    const start = performance.now();
    const task = await core.dispatch('assets.import', { jobId: job.result.id, paths });
    if (!task.ok) throw new Error(task.error.message);
    await core.idle();
    const ms = performance.now() - start;
    const done = await core.dispatch('tasks.get', { taskId: task.result.id });
    if (!done.ok || done.result.imported === 0) throw new Error('nothing imported');
    return ms;
  } finally {
    await core.close();
  }
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chitti-import-bench-'));
  try {
    console.log(`Chitti import bench: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
    const small = path.join(dir, 'small');
    await mkdir(small);
    const names = (await readdir(NEU)).sort().slice(0, SMALL_FILES);
    for (const n of names) await copyFile(path.join(NEU, n), path.join(small, n));
    const big = path.join(dir, 'big.tif');
    await writeFile(big, Buffer.concat([Buffer.from('II*\0'), randomBytes(BIG_BYTES - 4)]));

    for (const [label, files] of [[`${names.length} photos`, names.map((n) => path.join(small, n))], ['one 512 MiB file', [big]]] as const) {
      const bytes = await bytesOf([...files]);
      const t0 = performance.now();
      await hashAll([...files]);
      const baseline = performance.now() - t0;
      const rss0 = process.memoryUsage().rss;
      const ms = await importAll(path.join(dir, `ws-${label.length}`), label.startsWith('one') ? [big] : [small]);
      const rss = process.memoryUsage().rss;
      console.log(`${label.padEnd(18)} baseline read+sha256 ${baseline.toFixed(0).padStart(6)} ms | import ${ms.toFixed(0).padStart(6)} ms  ${(ms / baseline).toFixed(2)}x | ${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s, ${(files.length / (ms / 1000)).toFixed(0)} files/s | RSS ${((rss - rss0) / 1024 / 1024).toFixed(0)} MiB more`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
