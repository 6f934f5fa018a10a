/**
 * Segmentation evaluation on the magnetic-tile layout:
 *
 *   node --import tsx tools/eval/segment.ts --pred PRED.jsonl --data ../shared/data/magnetic-tile \
 *     --split tools/train/splits/magnetic-tile.json [--json OUT.json] [--far 0.01] [--classes a,b,...]
 *
 * For every val image, each class's predicted detections are rasterized
 * (their RLE when present, else their polygon) and compared pixel by pixel
 * with the ground-truth mask, which belongs to the class named by the file's
 * prefix (`crack__...`); `free__` images have no defect pixels. Pixels are
 * pooled over the split per class (IoU, Dice). Image-level recall uses each
 * line's `defect_score` at the given false-alarm rate on the free images.
 * As in detect.ts, a val image without a prediction line is an error (exit 2).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { z } from 'zod';
import { decodeRle, rasterizePolygon } from '../../src/core/inference/masks.ts';
import { InputError, exitOnInputError, imageId, parseJsonLine, requireAll, runIfMain, warnUnscored } from './detect.ts';
import {
  accumulatePixels,
  recallAtFalseAlarm,
  scoresFromCounts,
  type FalseAlarmResult,
  type PixelCounts,
  type SegmentationReport,
} from './metrics.ts';

export const MAGNETIC_TILE_CLASSES = ['blowhole', 'break', 'crack', 'fray', 'uneven'] as const;
const FREE = 'free';

// ---------------------------------------------------------------- predictions

const SegDetection = z.object({
  class: z.string(),
  score: z.number().optional(),
  polygon: z.array(z.tuple([z.number(), z.number()])).optional(),
  rle: z
    .object({ size: z.tuple([z.number().int(), z.number().int()]), counts: z.array(z.number().int().nonnegative()) })
    .optional(),
});

const SegLine = z.object({
  file: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  defect_score: z.number(),
  detections: z.array(SegDetection),
});

export type SegPrediction = z.infer<typeof SegLine>;

/** JSON-lines predictions for the wanted names; other lines are skipped, a repeated name is an error. */
export function parseSegPredictions(text: string, wanted: ReadonlySet<string>): Map<string, SegPrediction> {
  const byImage = new Map<string, SegPrediction>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const parsed = SegLine.safeParse(parseJsonLine(line, i + 1));
    if (!parsed.success) throw new InputError(`predictions line ${i + 1}: ${z.prettifyError(parsed.error)}`);
    const id = imageId(parsed.data.file);
    if (!wanted.has(id)) return;
    if (byImage.has(id)) throw new InputError(`predictions line ${i + 1}: image ${id} appears twice`);
    byImage.set(id, parsed.data);
  });
  return byImage;
}

/**
 * Union of the class's detections as a 0/1 mask (null when none). RLE is
 * preferred because it is the exact mask; the polygon is only the outer ring
 * of a component and loses holes. A detection with neither is counted in
 * `skipped` so the caller can warn rather than silently score it as empty.
 */
export function predictedMask(
  pred: SegPrediction,
  cls: string,
  width: number,
  height: number,
  skipped: { count: number },
): Uint8Array | null {
  let mask: Uint8Array | null = null;
  for (const det of pred.detections) {
    if (det.class !== cls) continue;
    const part = detectionMask(det, width, height, pred.file);
    if (part === null) {
      skipped.count++;
      continue;
    }
    if (mask === null) mask = part;
    else for (let i = 0; i < mask.length; i++) mask[i]! |= part[i]!;
  }
  return mask;
}

function detectionMask(det: z.infer<typeof SegDetection>, width: number, height: number, file: string): Uint8Array | null {
  if (det.rle !== undefined) {
    const [h, w] = det.rle.size;
    if (h !== height || w !== width) {
      throw new InputError(`${file}: RLE size ${w}x${h} differs from the image ${width}x${height}`);
    }
    try {
      return decodeRle({ size: [h, w], counts: det.rle.counts });
    } catch (err) {
      throw new InputError(`${file}: ${(err as Error).message}`);
    }
  }
  if (det.polygon !== undefined) return rasterizePolygon(det.polygon, width, height);
  return null;
}

// ---------------------------------------------------------------- dataset

/** Class of a magnetic-tile name: the prefix before `__`. */
export function classOf(name: string): string {
  const cut = name.indexOf('__');
  if (cut <= 0) throw new InputError(`image name ${name} has no "<class>__" prefix`);
  return name.slice(0, cut);
}

async function readValNames(splitFile: string): Promise<string[]> {
  const text = await readFile(splitFile, 'utf8').catch(() => {
    throw new InputError(`cannot read split file ${splitFile}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${splitFile}: not JSON (${(err as Error).message})`);
  }
  const parsed = z.object({ val: z.array(z.string()).min(1) }).safeParse(json);
  if (!parsed.success) throw new InputError(`${splitFile}: ${z.prettifyError(parsed.error)}`);
  return parsed.data.val;
}

/** Ground-truth mask as 0/1 (grey >= 128 is defect, as the dataset specifies). */
export async function readMask(file: string): Promise<{ mask: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(file)
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: Error) => {
      throw new InputError(`cannot read mask ${file}: ${err.message}`);
    });
  // greyscale() keeps an alpha channel if there is one; take the first channel.
  const stride = info.channels;
  const mask = new Uint8Array(info.width * info.height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i * stride]! >= 128 ? 1 : 0;
  return { mask, width: info.width, height: info.height };
}

// ---------------------------------------------------------------- evaluation

export interface SegEvaluation {
  report: SegmentationReport;
  recall: FalseAlarmResult;
  images: number;
  skippedDetections: number;
}

/** Scores the val images one at a time (only one image's masks are held at once). */
export async function evaluateSegmentation(
  data: string,
  names: readonly string[],
  preds: ReadonlyMap<string, SegPrediction>,
  classes: readonly string[],
  far: number,
): Promise<SegEvaluation> {
  const acc = new Map<string, PixelCounts>();
  const scores: Array<{ score: number; defective: boolean }> = [];
  const skipped = { count: 0 };
  for (const name of names) {
    const cls = classOf(name);
    if (cls !== FREE && !classes.includes(cls)) throw new InputError(`${name}: class ${cls} is not among ${classes.join(', ')}`);
    const pred = preds.get(name)!;
    const gt = await readMask(path.join(data, 'masks', `${name}.png`));
    if (pred.width !== gt.width || pred.height !== gt.height) {
      throw new InputError(`${name}: prediction is ${pred.width}x${pred.height}, mask ${gt.width}x${gt.height}`);
    }
    for (const c of classes) {
      const predMask = predictedMask(pred, c, gt.width, gt.height, skipped);
      accumulatePixels(acc, { class: c, pred: predMask, gt: c === cls ? gt.mask : null });
    }
    scores.push({ score: pred.defect_score, defective: cls !== FREE });
  }
  let recall: FalseAlarmResult;
  try {
    recall = recallAtFalseAlarm(scores, far);
  } catch (err) {
    throw new InputError(`image-level recall: ${(err as Error).message}`);
  }
  return {
    report: scoresFromCounts(acc, classes),
    recall,
    images: names.length,
    skippedDetections: skipped.count,
  };
}

// ---------------------------------------------------------------- output

const fmt = (v: number | null): string => (v === null ? '-' : v.toFixed(4));

export function formatTable(e: SegEvaluation, classes: readonly string[], far: number): string {
  const width = Math.max(5, ...classes.map((c) => c.length));
  const row = (name: string, iou: string, dice: string, gt: string) =>
    `${name.padEnd(width)}  ${iou.padStart(7)}  ${dice.padStart(7)}  ${gt.padStart(10)}`;
  const lines = [row('class', 'IoU', 'Dice', 'gt pixels')];
  for (const c of classes) {
    const r = e.report.perClass[c]!;
    lines.push(row(c, fmt(r.iou), fmt(r.dice), String(r.tp + r.fn)));
  }
  lines.push(row('mean', fmt(e.report.meanIou), fmt(e.report.meanDice), ''));
  const r = e.recall;
  lines.push(
    `image recall at false-alarm ${far}: ${r.recall.toFixed(4)} (${r.detected}/${r.positives} defective flagged, ` +
      `${r.falseAlarms}/${r.negatives} free flagged, defect_score >= ${r.threshold})`,
  );
  return lines.join('\n');
}

export function reportJson(e: SegEvaluation, classes: readonly string[], far: number, split: string) {
  const r = e.recall;
  return {
    per_class: Object.fromEntries(classes.map((c) => [c, e.report.perClass[c]!])),
    mean_iou: e.report.meanIou,
    mean_dice: e.report.meanDice,
    recall_at_far: {
      far,
      recall: r.recall,
      threshold: r.threshold,
      false_alarm_rate: r.falseAlarmRate,
      false_alarms: r.falseAlarms,
      negatives: r.negatives,
      detected: r.detected,
      positives: r.positives,
    },
    images: e.images,
    split,
  };
}

// ---------------------------------------------------------------- main

const USAGE = 'usage: segment.ts --pred PRED.jsonl --data DIR --split SPLIT.json [--json OUT.json] [--far 0.01] [--classes a,b,...]';

/** Runs the CLI; returns the exit status (2 for bad inputs). */
export function main(argv: string[]): Promise<number> {
  return exitOnInputError('segment', async () => {
    const { values } = parseArgs({
      args: argv,
      options: {
        pred: { type: 'string' },
        data: { type: 'string' },
        split: { type: 'string' },
        json: { type: 'string' },
        far: { type: 'string', default: '0.01' },
        classes: { type: 'string' },
      },
    });
    if (values.pred === undefined || values.data === undefined || values.split === undefined) throw new InputError(USAGE);
    const far = Number(values.far);
    if (!(far >= 0 && far <= 1)) throw new InputError(`--far must be a number in [0, 1], got ${values.far}`);
    const classes = values.classes !== undefined ? values.classes.split(',').map((c) => c.trim()).filter(Boolean) : [...MAGNETIC_TILE_CLASSES];
    const names = await readValNames(values.split);
    const predText = await readFile(values.pred, 'utf8').catch(() => {
      throw new InputError(`cannot read predictions ${values.pred}`);
    });
    const preds = parseSegPredictions(predText, new Set(names));
    requireAll(names, preds, 'val');
    warnUnscored('detections', [...preds.values()].flatMap((p) => p.detections), classes);
    const e = await evaluateSegmentation(values.data, names, preds, classes, far);
    if (e.skippedDetections > 0) console.error(`segment: ${e.skippedDetections} detections had neither rle nor polygon and were ignored`);
    console.log(`val: ${names.length} images, predictions ${values.pred}`);
    console.log(formatTable(e, classes, far));
    if (values.json !== undefined) {
      await writeFile(values.json, `${JSON.stringify(reportJson(e, classes, far, values.split), null, 2)}\n`);
    }
    return 0;
  });
}

await runIfMain(import.meta.url, main);
