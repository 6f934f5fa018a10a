/**
 * Evaluation metrics for the detection and segmentation models. Pure: the
 * CLIs (detect.ts, segment.ts) do the reading and printing.
 *
 * Boxes are [x1, y1, x2, y2] in continuous pixel coordinates with exclusive
 * right/bottom edges (the engine's convention), so width is x2 - x1 with no +1.
 */

export type Box = [number, number, number, number];

export interface GroundTruthBox {
  image: string;
  class: string;
  box: Box;
  /** VOC "difficult": neither required (not counted in recall) nor penalised when detected. */
  difficult?: boolean;
}

export interface PredictedBox {
  image: string;
  class: string;
  score: number;
  box: Box;
}

export interface ClassDetectionResult {
  /** AP at IoU 0.5, VOC2010+ all-point interpolation; null when the class has no (non-difficult) ground truth. */
  ap50: number | null;
  /** COCO mAP over IoU 0.50:0.05:0.95, 101-point interpolation; null when no ground truth. */
  ap50_95: number | null;
  /** COCO 101-point AP at each IoU of IOU_THRESHOLDS. */
  apPerIou: Array<number | null>;
  /** Non-difficult ground-truth boxes. */
  gt: number;
  predictions: number;
  /** At IoU 0.5, the operating point (score threshold) with the highest F1. */
  bestF1: OperatingPoint;
}

export interface OperatingPoint {
  f1: number;
  precision: number;
  recall: number;
  /** Keep predictions with score >= this; null when no prediction is a true positive. */
  scoreThreshold: number | null;
}

export interface DetectionReport {
  perClass: Record<string, ClassDetectionResult>;
  /** Means over classes with ground truth (as VOC and pycocotools do). */
  map50: number | null;
  map50_95: number | null;
  gt: number;
  predictions: number;
  /** Best-F1 point with all classes' predictions pooled in one score ranking (class-aware matching). */
  bestF1: OperatingPoint;
}

/** 0.50, 0.55, ..., 0.95, computed from integers so 0.7 is exactly 0.7. */
export const IOU_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => (50 + 5 * i) / 100);

/** Pascal VOC bndbox (1-based, inclusive xmin..xmax) to [x1, y1, x2, y2) in 0-based exclusive-edge pixels. */
export function vocToBox(xmin: number, ymin: number, xmax: number, ymax: number): Box {
  return [xmin - 1, ymin - 1, xmax, ymax];
}

export function boxIou(a: Box, b: Box): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

// ---------------------------------------------------------------- matching

export type Outcome = 'tp' | 'fp' | 'ignored';

/**
 * Predictions sorted by descending score. The sort is stable, so ties keep
 * input order (pycocotools uses a stable mergesort too, so the two agree when
 * given predictions in the same order).
 */
export function rankPredictions<T extends { score: number }>(preds: readonly T[]): T[] {
  return preds
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p.score - a.p.score || a.i - b.i)
    .map(({ p }) => p);
}

/**
 * Greedy matching of ranked predictions (one class) at one IoU threshold: each
 * prediction, best score first, takes the still-unmatched non-difficult
 * ground truth of its image with the highest IoU >= threshold (TP). Failing
 * that, overlapping a difficult box (IoU >= threshold, matched or not) makes
 * it 'ignored', as VOC does; otherwise, including a duplicate of an
 * already-matched box, it is a false positive.
 */
export function matchRanked(
  ranked: readonly PredictedBox[],
  gtByImage: ReadonlyMap<string, readonly GroundTruthBox[]>,
  iouThreshold: number,
): Outcome[] {
  const taken = new Map<string, boolean[]>();
  return ranked.map((pred) => {
    const gts = gtByImage.get(pred.image) ?? [];
    let used = taken.get(pred.image);
    if (used === undefined) taken.set(pred.image, (used = gts.map(() => false)));
    const best = bestUnmatched(pred.box, gts, used, iouThreshold);
    if (best >= 0) {
      used[best] = true;
      return 'tp';
    }
    const hitsDifficult = gts.some((g) => g.difficult === true && boxIou(pred.box, g.box) >= iouThreshold);
    return hitsDifficult ? 'ignored' : 'fp';
  });
}

function bestUnmatched(box: Box, gts: readonly GroundTruthBox[], used: readonly boolean[], threshold: number): number {
  let best = -1;
  let bestIou = threshold;
  for (let k = 0; k < gts.length; k++) {
    const g = gts[k]!;
    if (used[k] === true || g.difficult === true) continue;
    const iou = boxIou(box, g.box);
    if (iou >= bestIou && (best < 0 || iou > bestIou)) {
      best = k;
      bestIou = iou;
    }
  }
  return best;
}

// ---------------------------------------------------------------- curves

export interface PrCurve {
  recall: number[];
  precision: number[];
  /** Score of the prediction at each point of the curve. */
  scores: number[];
}

/** Cumulative precision/recall along the ranking; ignored predictions are dropped. */
export function precisionRecall(outcomes: readonly Outcome[], scores: readonly number[], positives: number): PrCurve {
  const curve: PrCurve = { recall: [], precision: [], scores: [] };
  let tp = 0;
  let fp = 0;
  outcomes.forEach((o, i) => {
    if (o === 'ignored') return;
    if (o === 'tp') tp++;
    else fp++;
    curve.recall.push(positives > 0 ? tp / positives : 0);
    curve.precision.push(tp / (tp + fp));
    curve.scores.push(scores[i]!);
  });
  return curve;
}

/** Precision made non-increasing in recall (each point takes the best precision at any higher recall). */
function envelope(precision: readonly number[]): number[] {
  const env = [...precision];
  for (let i = env.length - 2; i >= 0; i--) env[i] = Math.max(env[i]!, env[i + 1]!);
  return env;
}

/**
 * VOC2010+ AP: exact area under the precision envelope, summed over the
 * recall steps (the devkit's VOCap: recall padded with 0 and 1, precision
 * with 0 at both ends).
 */
export function vocAp(recall: readonly number[], precision: readonly number[]): number {
  const mrec = [0, ...recall, 1];
  const mpre = envelope([0, ...precision, 0]);
  let ap = 0;
  for (let i = 1; i < mrec.length; i++) ap += (mrec[i]! - mrec[i - 1]!) * mpre[i]!;
  return ap;
}

/**
 * COCO AP as pycocotools computes it: the precision envelope read at the 101
 * recall points 0, 0.01, ..., 1 (the first curve point with recall >= r, i.e.
 * searchsorted side='left'; 0 beyond the highest recall reached), averaged.
 */
export function cocoAp(recall: readonly number[], precision: readonly number[]): number {
  const env = envelope(precision);
  let sum = 0;
  let k = 0;
  for (let i = 0; i <= 100; i++) {
    const r = i / 100;
    while (k < recall.length && recall[k]! < r) k++;
    if (k < recall.length) sum += env[k]!;
  }
  return sum / 101;
}

/** Highest-F1 point of the curve (first one on ties, i.e. the highest score threshold). */
export function bestF1(curve: PrCurve): OperatingPoint {
  let best: OperatingPoint = { f1: 0, precision: 0, recall: 0, scoreThreshold: null };
  curve.recall.forEach((r, i) => {
    const p = curve.precision[i]!;
    const f1 = p + r > 0 ? (2 * p * r) / (p + r) : 0;
    if (f1 > best.f1) best = { f1, precision: p, recall: r, scoreThreshold: curve.scores[i]! };
  });
  return best;
}

// ---------------------------------------------------------------- detection

function groupByImage(gts: readonly GroundTruthBox[]): Map<string, GroundTruthBox[]> {
  const byImage = new Map<string, GroundTruthBox[]>();
  for (const g of gts) {
    const list = byImage.get(g.image);
    if (list === undefined) byImage.set(g.image, [g]);
    else list.push(g);
  }
  return byImage;
}

function evaluateClass(gts: readonly GroundTruthBox[], preds: readonly PredictedBox[]): ClassDetectionResult {
  const positives = gts.filter((g) => g.difficult !== true).length;
  const ranked = rankPredictions(preds);
  const scores = ranked.map((p) => p.score);
  const byImage = groupByImage(gts);
  const curves = IOU_THRESHOLDS.map((t) => precisionRecall(matchRanked(ranked, byImage, t), scores, positives));
  const apPerIou = curves.map((c) => (positives > 0 ? cocoAp(c.recall, c.precision) : null));
  const at50 = curves[0]!;
  return {
    ap50: positives > 0 ? vocAp(at50.recall, at50.precision) : null,
    ap50_95: positives > 0 ? mean(apPerIou) : null,
    apPerIou,
    gt: positives,
    predictions: preds.length,
    bestF1: bestF1(at50),
  };
}

/** Mean of the non-null values; null when there are none. */
export function mean(values: ReadonlyArray<number | null>): number | null {
  const kept = values.filter((v): v is number => v !== null);
  return kept.length > 0 ? kept.reduce((a, b) => a + b, 0) / kept.length : null;
}

/**
 * Pooled best-F1 over all classes at IoU 0.5: one ranking of every
 * prediction, each matched within its own class, recall over all ground truth.
 */
function pooledBestF1(gts: readonly GroundTruthBox[], preds: readonly PredictedBox[], classes: readonly string[]): OperatingPoint {
  // Matching within a class == matching within an image whose key includes the class.
  const byClassImage = groupByImage(gts.map((g) => ({ ...g, image: `${g.class}\u0000${g.image}` })));
  const keyed = rankPredictions(preds.filter((p) => classes.includes(p.class))).map((p) => ({
    ...p,
    image: `${p.class}\u0000${p.image}`,
  }));
  const positives = gts.filter((g) => g.difficult !== true).length;
  const outcomes = matchRanked(keyed, byClassImage, 0.5);
  return bestF1(precisionRecall(outcomes, keyed.map((p) => p.score), positives));
}

/**
 * Per-class and overall detection metrics. Only `classes` are scored: ground
 * truth and predictions of other classes are left out. Unlike pycocotools
 * there is no area split and no cap of 100 detections per image.
 */
export function evaluateDetections(
  gt: readonly GroundTruthBox[],
  preds: readonly PredictedBox[],
  classes: readonly string[],
): DetectionReport {
  const perClass: Record<string, ClassDetectionResult> = {};
  for (const cls of classes) {
    perClass[cls] = evaluateClass(
      gt.filter((g) => g.class === cls),
      preds.filter((p) => p.class === cls),
    );
  }
  const results = classes.map((c) => perClass[c]!);
  const scoredGt = gt.filter((g) => classes.includes(g.class));
  return {
    perClass,
    map50: mean(results.map((r) => r.ap50)),
    map50_95: mean(results.map((r) => r.ap50_95)),
    gt: results.reduce((n, r) => n + r.gt, 0),
    predictions: results.reduce((n, r) => n + r.predictions, 0),
    bestF1: pooledBestF1(scoredGt, preds, classes),
  };
}

// ---------------------------------------------------------------- segmentation

/** One image's masks for one class; null stands for an all-zero mask. */
export interface MaskPair {
  class: string;
  pred: Uint8Array | null;
  gt: Uint8Array | null;
}

export interface PixelCounts {
  tp: number;
  fp: number;
  fn: number;
}

export interface ClassSegmentationResult extends PixelCounts {
  /** TP / (TP + FP + FN) over the whole dataset; null when the class never appears in prediction or truth. */
  iou: number | null;
  /** 2TP / (2TP + FP + FN); null likewise. */
  dice: number | null;
}

export interface SegmentationReport {
  perClass: Record<string, ClassSegmentationResult>;
  meanIou: number | null;
  meanDice: number | null;
}

/**
 * Adds one mask pair's pixel counts to `acc` (non-zero = foreground). Pixels
 * are pooled over the dataset rather than averaging per-image IoU, so a tiny
 * defect missed on one image does not weigh as much as a whole large one.
 */
export function accumulatePixels(acc: Map<string, PixelCounts>, pair: MaskPair): void {
  const counts = acc.get(pair.class) ?? { tp: 0, fp: 0, fn: 0 };
  acc.set(pair.class, counts);
  const { pred, gt } = pair;
  if (pred !== null && gt !== null && pred.length !== gt.length) {
    throw new RangeError(`${pair.class}: prediction has ${pred.length} pixels, ground truth ${gt.length}`);
  }
  const n = pred?.length ?? gt?.length ?? 0;
  for (let i = 0; i < n; i++) {
    const p = pred !== null && pred[i] !== 0;
    const g = gt !== null && gt[i] !== 0;
    if (p && g) counts.tp++;
    else if (p) counts.fp++;
    else if (g) counts.fn++;
  }
}

/** IoU and Dice per class from accumulated counts, with means over `classes`. */
export function scoresFromCounts(acc: ReadonlyMap<string, PixelCounts>, classes: readonly string[]): SegmentationReport {
  const perClass: Record<string, ClassSegmentationResult> = {};
  for (const cls of classes) {
    const { tp, fp, fn } = acc.get(cls) ?? { tp: 0, fp: 0, fn: 0 };
    const any = tp + fp + fn > 0;
    perClass[cls] = { tp, fp, fn, iou: any ? tp / (tp + fp + fn) : null, dice: any ? (2 * tp) / (2 * tp + fp + fn) : null };
  }
  const results = classes.map((c) => perClass[c]!);
  return { perClass, meanIou: mean(results.map((r) => r.iou)), meanDice: mean(results.map((r) => r.dice)) };
}

/** Dataset pixel IoU/Dice per class. `classes` defaults to the classes seen in `pairs`, in first-seen order. */
export function segmentationScores(pairs: Iterable<MaskPair>, classes?: readonly string[]): SegmentationReport {
  const acc = new Map<string, PixelCounts>();
  for (const pair of pairs) accumulatePixels(acc, pair);
  return scoresFromCounts(acc, classes ?? [...acc.keys()]);
}

// ---------------------------------------------------------------- image-level

export interface FalseAlarmResult {
  /** An image is flagged when score >= threshold (ties count as flagged). */
  threshold: number;
  recall: number;
  falseAlarmRate: number;
  falseAlarms: number;
  negatives: number;
  detected: number;
  positives: number;
}

/**
 * Image-level recall at a false-alarm budget. Rule: an image is flagged when
 * its score >= threshold, and the threshold is the lowest one at which at most
 * floor(far * negatives) defect-free images are flagged. Since ties are
 * flagged, that is just above the (k+1)-th highest defect-free score; the
 * threshold reported is the smallest observed score above it (same flagged
 * set), or the next float above the top score when no image scores higher.
 */
export function recallAtFalseAlarm(scores: ReadonlyArray<{ score: number; defective: boolean }>, far: number): FalseAlarmResult {
  if (!(far >= 0 && far <= 1)) throw new RangeError(`false-alarm rate must be in [0, 1], got ${far}`);
  const neg = scores.filter((s) => !s.defective).map((s) => s.score).sort((a, b) => b - a);
  const pos = scores.filter((s) => s.defective).map((s) => s.score);
  if (neg.length === 0 || pos.length === 0) {
    throw new RangeError(`need defective and defect-free images (got ${pos.length} and ${neg.length})`);
  }
  // The epsilon keeps e.g. 0.29 * 100 = 28.999999999999996 from losing an allowed false alarm.
  const allowed = Math.floor(far * neg.length + 1e-9);
  const threshold = allowed >= neg.length ? Math.min(...neg, ...pos) : lowestAbove(neg[allowed]!, [...neg, ...pos]);
  const falseAlarms = neg.filter((s) => s >= threshold).length;
  const detected = pos.filter((s) => s >= threshold).length;
  return {
    threshold,
    recall: detected / pos.length,
    falseAlarmRate: falseAlarms / neg.length,
    falseAlarms,
    negatives: neg.length,
    detected,
    positives: pos.length,
  };
}

function lowestAbove(limit: number, values: readonly number[]): number {
  let best = Infinity;
  for (const v of values) if (v > limit && v < best) best = v;
  return Number.isFinite(best) ? best : nextUp(limit);
}

/** The smallest double greater than x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, x > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}
