/**
 * Seeds one job of a benchmark workspace with many findings, by direct
 * inserts in one transaction (running a model on 1,000 images would take
 * the benchmark's whole time): `images` images with `perImage` current
 * findings each, plus a superseded analysis of `stalePerImage` more per image
 * (which the current findings must leave out), about 10 % of the current ones
 * already decided, and one reviewer-added finding every 50 images. Scores
 * come from a fixed pseudo-random sequence, so every run seeds the same job.
 */
import { newId } from '../../src/core/ids.ts';
import type { Db } from '../../src/core/db/open.ts';

export const BENCH_CLASSES = ['crazing', 'inclusion', 'patches', 'pitted_surface', 'rolled-in_scale', 'scratches'];

export interface SeedOptions {
  images: number;
  perImage: number;
  stalePerImage: number;
}

export interface Seeded {
  /** Current findings: the latest analyses' and the reviewer-added ones. */
  current: number;
  /** Every finding row, superseded ones included. */
  rows: number;
}

export function seedFindings(db: Db, jobId: string, { images, perImage, stalePerImage }: SeedOptions): Seeded {
  let rng = 42;
  const random = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let reviewerAdded = 0;
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
    for (let i = 0; i < images; i++) {
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
          const cls = BENCH_CLASSES[Math.floor(random() * BENCH_CLASSES.length)]!;
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
      add(stale, stalePerImage);
      add(current, perImage);
      if (i % 50 === 0) {
        add(null, 1);
        reviewerAdded++;
      }
    }
  })();
  const { n } = db.prepare('SELECT count(*) AS n FROM findings WHERE job_id = ?').get(jobId) as { n: number };
  return { current: images * perImage + reviewerAdded, rows: n };
}
