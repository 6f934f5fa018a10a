import { describe, expect, it } from 'vitest';
import {
  IOU_THRESHOLDS,
  boxIou,
  cocoAp,
  evaluateDetections,
  recallAtFalseAlarm,
  segmentationScores,
  vocAp,
  vocToBox,
  type Box,
  type GroundTruthBox,
  type PredictedBox,
} from '../../tools/eval/metrics.ts';

const gt = (image: string, cls: string, box: Box, difficult = false): GroundTruthBox => ({ image, class: cls, box, difficult });
const pred = (image: string, cls: string, score: number, box: Box): PredictedBox => ({ image, class: cls, score, box });

const A: Box = [0, 0, 10, 10];
const B: Box = [20, 20, 30, 30];
const FAR_AWAY: Box = [100, 100, 110, 110];

describe('boxes', () => {
  it('converts 1-based inclusive VOC boxes to exclusive-edge pixel boxes', () => {
    expect(vocToBox(1, 1, 10, 20)).toEqual([0, 0, 10, 20]);
  });

  it('IoU on continuous coordinates', () => {
    expect(boxIou([0, 0, 2, 2], [1, 1, 3, 3])).toBeCloseTo(1 / 7, 12);
    expect(boxIou(A, A)).toBe(1);
    // Sharing an edge is no overlap with exclusive edges.
    expect(boxIou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(boxIou([0, 0, 10, 10], [0, 0, 10, 6])).toBeCloseTo(0.6, 12);
  });

  it('IoU thresholds are .50 to .95 exactly', () => {
    expect(IOU_THRESHOLDS).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
  });
});

describe('AP interpolation', () => {
  it('VOC all-point and COCO 101-point on a TP, FP, TP ranking of 2 ground truths', () => {
    const recall = [0.5, 0.5, 1];
    const precision = [1, 0.5, 2 / 3];
    // Envelope: precision 1 up to recall .5, then 2/3 up to recall 1.
    expect(vocAp(recall, precision)).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 12);
    // COCO: recall points 0..0.50 (51 of them) read 1, 0.51..1 (50) read 2/3.
    expect(cocoAp(recall, precision)).toBeCloseTo((51 + 50 * (2 / 3)) / 101, 12);
  });

  it('recall never reaching 1 leaves the rest of the area at zero', () => {
    expect(vocAp([0.5], [1])).toBeCloseTo(0.5, 12);
    expect(cocoAp([0.5], [1])).toBeCloseTo(51 / 101, 12);
    expect(vocAp([], [])).toBe(0);
    expect(cocoAp([], [])).toBe(0);
  });
});

describe('evaluateDetections', () => {
  it('a perfect prediction gives AP 1 at every threshold', () => {
    const r = evaluateDetections([gt('i1', 'a', A), gt('i2', 'a', B)], [pred('i1', 'a', 0.9, A), pred('i2', 'a', 0.8, B)], ['a']);
    expect(r.perClass.a!.ap50).toBe(1);
    expect(r.perClass.a!.ap50_95).toBe(1);
    expect(r.map50).toBe(1);
    expect(r.map50_95).toBe(1);
    expect(r.perClass.a!.bestF1).toEqual({ f1: 1, precision: 1, recall: 1, scoreThreshold: 0.8 });
  });

  it('a single false positive ranked first gives VOC AP 0.5', () => {
    const r = evaluateDetections([gt('i1', 'a', A)], [pred('i1', 'a', 0.9, FAR_AWAY), pred('i1', 'a', 0.5, A)], ['a']);
    const a = r.perClass.a!;
    expect(a.ap50).toBeCloseTo(0.5, 12);
    expect(a.ap50_95).toBeCloseTo(0.5, 12);
    expect(a.gt).toBe(1);
    expect(a.predictions).toBe(2);
    expect(a.bestF1.recall).toBe(1);
    expect(a.bestF1.precision).toBe(0.5);
    expect(a.bestF1.scoreThreshold).toBe(0.5);
  });

  it('a duplicate detection is a false positive', () => {
    const r = evaluateDetections(
      [gt('i1', 'a', A), gt('i1', 'a', B)],
      [pred('i1', 'a', 0.9, A), pred('i1', 'a', 0.8, [0, 0, 10, 9]), pred('i1', 'a', 0.7, B)],
      ['a'],
    );
    // Ranking TP, FP, TP over 2 ground truths.
    expect(r.perClass.a!.ap50).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
    expect(r.perClass.a!.bestF1.recall).toBe(1);
    expect(r.perClass.a!.bestF1.precision).toBeCloseTo(2 / 3, 12);
  });

  it('greedy matching takes the highest-IoU unmatched box, then falls back to the next', () => {
    const near: Box = [0, 0, 10, 8]; // IoU .8 with A
    const g2: Box = [0, 2, 10, 10]; // IoU .6 with near... and .8 with A
    // Prediction 1 (A): best gt is A itself (IoU 1). Prediction 2 (near) then can only take g2.
    const r = evaluateDetections([gt('i', 'a', A), gt('i', 'a', g2)], [pred('i', 'a', 0.9, A), pred('i', 'a', 0.8, near)], ['a']);
    expect(r.perClass.a!.ap50).toBe(1);
    expect(boxIou(near, g2)).toBeCloseTo(0.6, 12);
    // At IoU >= .65 the second prediction no longer matches g2: AP 0.5 at those thresholds (VOC-style 0.5,
    // COCO 51/101), 1 at .50, .55 and .60.
    expect(r.perClass.a!.apPerIou.slice(0, 3)).toEqual([1, 1, 1]);
    expect(r.perClass.a!.apPerIou[3]).toBeCloseTo(51 / 101, 12);
    expect(r.perClass.a!.ap50_95).toBeCloseTo((3 + 7 * (51 / 101)) / 10, 12);
  });

  it('IoU equal to the threshold matches (>=)', () => {
    const r = evaluateDetections([gt('i', 'a', A)], [pred('i', 'a', 0.9, [0, 0, 10, 6])], ['a']);
    // IoU 0.6: TP at .50, .55, .60; nothing at .65 and above.
    expect(r.perClass.a!.ap50_95).toBeCloseTo(0.3, 12);
  });

  it('two classes: per-class AP, means, and class-aware matching', () => {
    const r = evaluateDetections(
      [gt('i1', 'a', A), gt('i1', 'b', B), gt('i2', 'b', A)],
      [
        pred('i1', 'a', 0.9, A),
        pred('i1', 'b', 0.8, A), // right place for class a, wrong class: FP for b
        pred('i1', 'b', 0.7, B),
        pred('i2', 'a', 0.95, A), // class a on an image where only b exists: FP for a, ranked first
      ],
      ['a', 'b'],
    );
    expect(r.perClass.a!.ap50).toBeCloseTo(0.5, 12); // FP then TP over 1 gt
    expect(r.perClass.b!.ap50).toBeCloseTo(0.5 * 0.5, 12); // FP then TP, recall only reaches 1/2
    expect(r.map50).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(r.gt).toBe(3);
    expect(r.predictions).toBe(4);
    // Pooled ranking .95 FP, .9 TP, .8 FP, .7 TP over 3 gt: best F1 at the end (P .5, R 2/3).
    expect(r.bestF1.precision).toBe(0.5);
    expect(r.bestF1.recall).toBeCloseTo(2 / 3, 12);
    expect(r.bestF1.scoreThreshold).toBe(0.7);
  });

  it('a class without ground truth has null AP and is left out of the means', () => {
    const r = evaluateDetections([gt('i', 'a', A)], [pred('i', 'a', 0.9, A), pred('i', 'b', 0.9, B)], ['a', 'b']);
    expect(r.perClass.b!.ap50).toBeNull();
    expect(r.perClass.b!.ap50_95).toBeNull();
    expect(r.perClass.b!.predictions).toBe(1);
    expect(r.map50).toBe(1);
  });

  it('difficult boxes are not counted and detections of them are ignored', () => {
    const r = evaluateDetections(
      [gt('i', 'a', A), gt('i', 'a', B, true)],
      [pred('i', 'a', 0.9, B), pred('i', 'a', 0.8, A)],
      ['a'],
    );
    expect(r.perClass.a!.gt).toBe(1);
    expect(r.perClass.a!.ap50).toBe(1);
  });

  it('no predictions gives AP 0', () => {
    const r = evaluateDetections([gt('i', 'a', A)], [], ['a']);
    expect(r.perClass.a!.ap50).toBe(0);
    expect(r.perClass.a!.ap50_95).toBe(0);
    expect(r.perClass.a!.bestF1.scoreThreshold).toBeNull();
  });
});

describe('segmentationScores', () => {
  it('pools pixel counts over the dataset per class', () => {
    const r = segmentationScores(
      [
        { class: 'crack', pred: Uint8Array.from([1, 1, 0, 0]), gt: Uint8Array.from([0, 1, 1, 0]) },
        { class: 'crack', pred: Uint8Array.from([255, 0, 0, 0]), gt: Uint8Array.from([255, 0, 0, 0]) },
        { class: 'crack', pred: null, gt: Uint8Array.from([1, 0, 0, 0]) },
        { class: 'fray', pred: Uint8Array.from([1, 0, 0, 0]), gt: null },
        { class: 'uneven', pred: null, gt: null },
      ],
      ['crack', 'fray', 'uneven'],
    );
    // crack: TP 1+1, FP 1, FN 1+1.
    expect(r.perClass.crack).toEqual({ tp: 2, fp: 1, fn: 2, iou: 2 / 5, dice: 4 / 7 });
    expect(r.perClass.fray).toEqual({ tp: 0, fp: 1, fn: 0, iou: 0, dice: 0 });
    expect(r.perClass.uneven!.iou).toBeNull();
    expect(r.meanIou).toBeCloseTo(0.2, 12);
    expect(r.meanDice).toBeCloseTo(2 / 7, 12);
  });

  it('rejects masks of different sizes', () => {
    expect(() => segmentationScores([{ class: 'c', pred: new Uint8Array(3), gt: new Uint8Array(4) }])).toThrow(RangeError);
  });
});

describe('recallAtFalseAlarm', () => {
  const negatives = [0.9, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1].map((score) => ({ score, defective: false }));
  const positives = [0.95, 0.6, 0.5, 0.45, 0.2].map((score) => ({ score, defective: true }));
  const all = [...negatives, ...positives];

  it('allows floor(far * negatives) false alarms, ties counting as flagged', () => {
    const r = recallAtFalseAlarm(all, 0.1);
    // One false alarm allowed (0.9); 0.5 must not be flagged, so the positive tied at 0.5 is missed.
    expect(r.threshold).toBe(0.6);
    expect(r.recall).toBeCloseTo(0.4, 12);
    expect(r.falseAlarms).toBe(1);
    expect(r.falseAlarmRate).toBeCloseTo(0.1, 12);
    expect(r).toMatchObject({ negatives: 10, positives: 5, detected: 2 });
  });

  it('two false alarms allowed', () => {
    const r = recallAtFalseAlarm(all, 0.2);
    expect(r.threshold).toBe(0.45);
    expect(r.recall).toBeCloseTo(0.8, 12);
    expect(r.falseAlarms).toBe(2);
  });

  it('far 0 and far 1', () => {
    expect(recallAtFalseAlarm(all, 0)).toMatchObject({ threshold: 0.95, detected: 1, falseAlarms: 0 });
    expect(recallAtFalseAlarm(all, 1)).toMatchObject({ threshold: 0.1, recall: 1, falseAlarms: 10 });
  });

  it('when nothing scores above the top defect-free image, the threshold is just above it', () => {
    const r = recallAtFalseAlarm([{ score: 0.7, defective: false }, { score: 0.7, defective: true }], 0);
    expect(r.threshold).toBeGreaterThan(0.7);
    expect(r.threshold - 0.7).toBeLessThan(1e-15);
    expect(r.recall).toBe(0);
  });

  it('does not lose an allowed false alarm to float rounding', () => {
    const scores = Array.from({ length: 100 }, (_, i) => ({ score: (i + 1) / 100, defective: false }));
    scores.push({ score: 0.715, defective: true });
    // 0.29 * 100 is 28.999999999999996 in floating point; 29 false alarms are allowed.
    expect(recallAtFalseAlarm(scores, 0.29).falseAlarms).toBe(29);
  });

  it('needs both kinds of image and a rate in [0, 1]', () => {
    expect(() => recallAtFalseAlarm(negatives, 0.1)).toThrow(RangeError);
    expect(() => recallAtFalseAlarm(all, 1.5)).toThrow(RangeError);
  });
});
