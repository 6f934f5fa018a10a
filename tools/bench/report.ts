/**
 * Report benchmark: `npm run bench`.
 *
 * A job of 200 generated images (640×480 grey PNGs with a few dark marks,
 * imported through the real core), each with a latest analysis by the shipped
 * detector and findings in every review state, inserted directly in the
 * database (running the model is not what is measured). Then the report is
 * exported as PDF, signed PDF, JSON and CSV, each in a fresh process (as
 * `chitti report` runs), which prints its time and its peak RSS
 * (getrusage maxrss). Asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { KEY_FILE_NAME, loadMasterKey } from '../../src/core/crypto/key-file.ts';
import { deriveKey } from '../../src/core/crypto/derive.ts';
import { openDatabase } from '../../src/core/db/open.ts';
import { newId } from '../../src/core/ids.ts';
import { DB_FILE_NAME } from '../../src/core/index.ts';
import { headlessKeyStore } from '../../src/headless/key-store.ts';
import { openHeadlessCore } from '../../src/headless/host.ts';
import { BUILT_IN_MODELS } from '../../src/headless/models.ts';
import { selfSignedP12 } from '../../tests/helpers/p12.ts';

const IMAGES = 200;
const WIDTH = 640;
const HEIGHT = 480;
const PASSPHRASE = 'bench passphrase';
const MODEL_ID = 'neu-det-fcos-mnv2';
const key = { env: { CHITTI_PASSPHRASE: PASSPHRASE }, interactive: false };

/** A deterministic pseudo-random sequence (the same job every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function makeImages(dir: string): Promise<void> {
  const rand = rng(42);
  for (let i = 0; i < IMAGES; i++) {
    const marks = Array.from({ length: 3 }, () => {
      const x = Math.round(rand() * (WIDTH - 80)) + 40;
      const y = Math.round(rand() * (HEIGHT - 80)) + 40;
      return `<ellipse cx="${x}" cy="${y}" rx="${8 + Math.round(rand() * 30)}" ry="${4 + Math.round(rand() * 12)}" fill="#303030"/>`;
    }).join('');
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">${marks}</svg>`);
    await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 150, g: 150, b: 150 }, noise: { type: 'gaussian', mean: 150, sigma: 10 } } })
      .composite([{ input: svg }])
      .toColourspace('b-w')
      .png()
      .toFile(path.join(dir, `plate-${String(i + 1).padStart(3, '0')}.png`));
  }
}

/** Imports the images, then gives each a done analysis and findings in every review state. */
async function seed(dataDir: string, imagesDir: string): Promise<{ jobId: string; findings: number }> {
  const core = await openHeadlessCore({ dataDir, create: true, key });
  let jobId: string;
  try {
    const job = await core.dispatch('jobs.create', { name: 'Report bench: 200 plates', client: 'Bench client', site: 'Bench site', inspector: 'Bench inspector' });
    if (!job.ok) throw new Error(job.error.message);
    jobId = job.result.id;
    const task = await core.dispatch('assets.import', { jobId, paths: [imagesDir] });
    if (!task.ok) throw new Error(task.error.message);
    await core.idle();
  } finally {
    await core.close();
  }

  const manifest = JSON.parse(await readFile(path.join(BUILT_IN_MODELS, MODEL_ID, 'manifest.json'), 'utf8')) as { version: string; sha256: string; classes: string[] };
  const master = await loadMasterKey(path.join(dataDir, KEY_FILE_NAME), headlessKeyStore(key));
  const db = openDatabase(path.join(dataDir, DB_FILE_NAME), deriveKey(master.key, 'db'), { create: false });
  master.key.fill(0);
  let findings = 0;
  try {
    db.transaction(() => {
      const at = new Date().toISOString();
      const taskId = newId('tsk');
      db.prepare(`INSERT INTO tasks (id, kind, job_id, status, params, created_at) VALUES (?, 'detect', ?, 'done', '{}', ?)`).run(taskId, jobId, at);
      const assets = db.prepare('SELECT id FROM assets WHERE job_id = ? ORDER BY created_at, id').all(jobId) as Array<{ id: string }>;
      const analysis = db.prepare(
        `INSERT INTO analyses (id, job_id, asset_id, task_id, model_id, model_version, model_sha256, settings, status, duration_ms, width, height, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'done', 40, ?, ?, ?)`,
      );
      const finding = db.prepare(
        `INSERT INTO findings (id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, status, created_at, source, version, note, reject_reason, decided_by, decided_at, model_class, model_box)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'model', 2, ?, ?, ?, ?, ?, ?)`,
      );
      const rand = rng(7);
      const settings = JSON.stringify({ threshold: null, scoreThreshold: 0.3, classThresholds: {} });
      assets.forEach(({ id: assetId }, i) => {
        const analysisId = newId('ana');
        analysis.run(analysisId, jobId, assetId, taskId, MODEL_ID, manifest.version, manifest.sha256, settings, WIDTH, HEIGHT, at);
        // Every 20th image: one rejected proposal only (it lands on the contact sheet); the others: 2 accepted, 1 edited, 1 rejected, every 10th one still proposed.
        const states = i % 20 === 0 ? ['rejected'] : ['accepted', 'accepted', 'edited', 'rejected', ...(i % 10 === 5 ? ['proposed'] : [])];
        for (const status of states) {
          const cls = manifest.classes[Math.floor(rand() * manifest.classes.length)]!;
          const x1 = Math.round(rand() * (WIDTH - 120));
          const y1 = Math.round(rand() * (HEIGHT - 90));
          const box = [x1, y1, x1 + 20 + Math.round(rand() * 100), y1 + 15 + Math.round(rand() * 70)];
          const decided = status !== 'proposed';
          finding.run(
            newId('fnd'), analysisId, jobId, assetId, cls, 0.3 + rand() * 0.7, ...box, status, at,
            status === 'accepted' && rand() < 0.3 ? 'Confirmed on site.' : null, status === 'rejected' ? 'Surface mark' : null,
            decided ? 'bench-reviewer' : null, decided ? at : null,
            status === 'edited' ? manifest.classes[0]! : cls, JSON.stringify(status === 'edited' ? box.map((v) => v + 3) : box),
          );
          findings++;
        }
      });
    })();
  } finally {
    db.close();
  }
  return { jobId, findings };
}

/** The child: one export, like `chitti report`, then its time and peak RSS as a JSON line. */
async function exportOnce(dataDir: string, jobId: string, format: 'pdf' | 'json' | 'csv', p12File?: string): Promise<void> {
  const core = await openHeadlessCore({ dataDir, key });
  try {
    const signing = p12File ? { p12: await readFile(p12File), passphrase: PASSPHRASE } : undefined;
    const openRssKiB = process.resourceUsage().maxRSS;
    const start = performance.now();
    const r = await core.exportReport(jobId, { format, signing });
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    const ms = performance.now() - start;
    const maxRssKiB = process.resourceUsage().maxRSS;
    const out = path.join(dataDir, '..', `report.${format}`);
    await writeFile(out, r.result.body);
    process.stdout.write(`${JSON.stringify({ ms, bytes: r.result.body.length, openRssKiB, maxRssKiB, file: out })}\n`);
  } finally {
    await core.close();
  }
}

async function main() {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === '--export') {
    await exportOnce(args[0]!, args[1]!, args[2] as 'pdf' | 'json' | 'csv', args[3]);
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chitti-report-bench-'));
  try {
    console.log(`Chitti report bench: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
    const imagesDir = path.join(dir, 'images');
    await mkdir(imagesDir);
    let t = performance.now();
    await makeImages(imagesDir);
    const dataDir = path.join(dir, 'ws');
    const { jobId, findings } = await seed(dataDir, imagesDir);
    if (process.env.CHITTI_BENCH_KEEP) console.log(`workspace kept: ${dataDir} (job ${jobId})`);
    console.log(`setup: ${IMAGES} images ${WIDTH}×${HEIGHT} PNG, ${findings} findings, in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const p12 = path.join(dir, 'bench.p12');
    await writeFile(p12, selfSignedP12({ commonName: 'Bench Signer', passphrase: PASSPHRASE }));

    const self = fileURLToPath(import.meta.url);
    for (const [label, format, sign] of [['PDF', 'pdf', false], ['PDF, signed', 'pdf', true], ['JSON', 'json', false], ['CSV', 'csv', false]] as const) {
      t = performance.now();
      const line = execFileSync(process.execPath, ['--import', 'tsx', self, '--export', dataDir, jobId, format, ...(sign ? [p12] : [])], { encoding: 'utf8', env: { ...process.env, CHITTI_MODELS_DIR: BUILT_IN_MODELS } });
      const r = JSON.parse(line.trim().split('\n').at(-1)!) as { ms: number; bytes: number; openRssKiB: number; maxRssKiB: number; file: string };
      const pages = format === 'pdf' ? ` ${/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [r.file], { encoding: 'utf8' }))?.[1] ?? '?'} pages,` : '';
      console.log(
        `${label.padEnd(12)} ${(r.ms / 1000).toFixed(2).padStart(6)} s (${(r.ms / IMAGES).toFixed(1)} ms/image),${pages} ${(r.bytes / 1024 / 1024).toFixed(1)} MiB | ` +
          `peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB (${(r.openRssKiB / 1024).toFixed(0)} MiB with the core open, before the export) | process total ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    if (!process.env.CHITTI_BENCH_KEEP) await rm(dir, { recursive: true, force: true });
  }
}

await main();
