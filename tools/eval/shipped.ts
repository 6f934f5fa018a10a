/**
 * Measures the shipped models the way users get them and writes the numbers
 * into their manifests (`metrics`), so `chitti models info` shows what the
 * app itself achieves, pre- and post-processing included:
 *
 *   node --import tsx tools/eval/shipped.ts [detect|segment ...]
 *
 * Detector: `chitti detect` (the engine) on every NEU-DET val image with a
 * 0.01 threshold (AP needs the whole ranking) → tools/eval/detect.ts. The
 * per-class operating thresholds in the manifest are the best-F1 points of
 * this run (they do not change AP, only what is shown by default).
 * Segmenter: `chitti detect --model <seg>` on the val split of
 * tools/train/splits/magnetic-tile.json at the manifest's thresholds →
 * tools/eval/segment.ts.
 * Only manifest.json changes; model.onnx and so its sha256 stay as exported.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ModelCatalog } from '../../src/core/inference/catalog.ts';
import { detectFiles } from '../../src/headless/detect-command.ts';
import { BUILT_IN_MODELS, headlessEngine } from '../../src/headless/models.ts';
import { main as evalDetect } from './detect.ts';
import { main as evalSegment } from './segment.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const DATA = path.resolve(REPO, '../shared/data');
const MODELS = process.env.CHITTI_MODELS_DIR ? path.resolve(process.env.CHITTI_MODELS_DIR) : BUILT_IN_MODELS;
const catalog = new ModelCatalog([{ dir: MODELS, origin: 'built-in' }]);
const engine = headlessEngine(catalog);
const work = await mkdtemp(path.join(os.tmpdir(), 'chitti-eval-'));
const today = new Date().toISOString().slice(0, 10);

async function updateManifest(id: string, edit: (m: Record<string, unknown>) => void) {
  const file = path.join(MODELS, id, 'manifest.json');
  const m = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(m);
  await writeFile(file, JSON.stringify(m, null, 2) + '\n');
}

async function detector() {
  const model = await catalog.defaultFor('detect');
  const neu = path.join(DATA, 'neu-det');
  const ids = (await readFile(path.join(neu, 'val.txt'), 'utf8')).split('\n').map((s) => s.trim()).filter(Boolean);
  const pred = path.join(work, 'detect.jsonl');
  const json = path.join(work, 'detect.json');
  await detectFiles(engine, ids.map((id) => path.join(neu, 'images', `${id}.jpg`)), { model: model.manifest.id, format: 'json', out: pred, threshold: '0.01' });
  if ((await evalDetect(['--pred', pred, '--data', neu, '--split', 'val', '--json', json])) !== 0) throw new Error('detection evaluation failed');
  const r = JSON.parse(await readFile(json, 'utf8')) as { map50: number; map50_95: number; per_class: Record<string, { ap50: number; ap50_95: number; best_f1_threshold: number | null }> };
  await updateManifest(model.manifest.id, (m) => {
    m.metrics = {
      map50: r.map50, map50_95: r.map50_95,
      per_class: Object.fromEntries(Object.entries(r.per_class).map(([c, v]) => [c, { ap50: v.ap50, ap50_95: v.ap50_95 }])),
      split: 'NEU-DET val.txt (216 images)', measured: today,
      measured_with: 'node --import tsx tools/eval/shipped.ts detect (chitti detect --threshold 0.01, then tools/eval/detect.ts)',
    };
    const post = m.postprocess as Record<string, unknown>;
    // Best-F1 operating points, never below 0.1 (a lower default would flood the reviewer).
    post.class_thresholds = Object.fromEntries(Object.entries(r.per_class).filter(([, v]) => v.best_f1_threshold !== null)
      .map(([c, v]) => [c, Math.max(0.1, Number(v.best_f1_threshold!.toFixed(3)))]));
  });
  console.log(`detector: mAP@0.5 ${r.map50.toFixed(3)}, mAP@0.5:0.95 ${r.map50_95.toFixed(3)}`);
}

async function segmenter() {
  const model = await catalog.defaultFor('segment');
  const tiles = path.join(DATA, 'magnetic-tile');
  const splitFile = path.join(REPO, 'tools/train/splits/magnetic-tile.json');
  const split = JSON.parse(await readFile(splitFile, 'utf8')) as { val: string[] };
  const pred = path.join(work, 'segment.jsonl');
  const json = path.join(work, 'segment.json');
  await detectFiles(engine, split.val.map((n) => path.join(tiles, 'images', `${n}.jpg`)), { model: model.manifest.id, format: 'json', out: pred });
  if ((await evalSegment(['--pred', pred, '--data', tiles, '--split', splitFile, '--json', json, '--far', '0.01'])) !== 0) throw new Error('segmentation evaluation failed');
  const r = JSON.parse(await readFile(json, 'utf8')) as { mean_iou: number; mean_dice: number; per_class: Record<string, { iou: number; dice: number }>; recall_at_far: { recall: number; far: number; threshold: number } };
  await updateManifest(model.manifest.id, (m) => {
    m.metrics = {
      mean_iou: r.mean_iou, mean_dice: r.mean_dice,
      per_class: Object.fromEntries(Object.entries(r.per_class).map(([c, v]) => [c, { iou: v.iou, dice: v.dice }])),
      recall_at_far: r.recall_at_far.recall, far: r.recall_at_far.far, image_threshold_at_far: r.recall_at_far.threshold,
      split: 'tools/train/splits/magnetic-tile.json val (215 images, 20 % of each class, seed 4321)', measured: today,
      measured_with: 'node --import tsx tools/eval/shipped.ts segment (chitti detect, then tools/eval/segment.ts)',
    };
  });
  console.log(`segmenter: mean IoU ${r.mean_iou.toFixed(3)}, mean Dice ${r.mean_dice.toFixed(3)}, recall at 1 % false alarms ${r.recall_at_far.recall.toFixed(3)}`);
}

const which = process.argv.slice(2);
try {
  if (which.length === 0 || which.includes('detect')) await detector();
  if (which.length === 0 || which.includes('segment')) await segmenter();
} finally {
  await engine.close();
  await rm(work, { recursive: true, force: true });
}
