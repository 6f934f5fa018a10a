import type { Candidate } from './nms.ts';
import { classNms } from './nms.ts';

export interface FcosOutputs {
  /** [A × C] class logits for one image, anchors in level order, row-major within a level. */
  cls: Float32Array;
  /** [A × 4] box regression (l, t, r, b in units of the anchor size). */
  reg: Float32Array;
  /** [A] centerness logits. */
  ctr: Float32Array;
}

export interface FcosConfig {
  inputW: number;
  inputH: number;
  numClasses: number;
  strides: number[];
  anchorSizes: number[];
  candidateThreshold: number;
  topk: number;
  nmsIou: number;
  maxDetections: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function anchorCount(cfg: Pick<FcosConfig, 'inputW' | 'inputH' | 'strides'>): number {
  return cfg.strides.reduce((n, s) => n + Math.ceil(cfg.inputW / s) * Math.ceil(cfg.inputH / s), 0);
}

/**
 * The FCOS post-processing of torchvision (FCOS.postprocess_detections), for
 * one image in model-input pixels: per level, score = sqrt(sigmoid(cls) ×
 * sigmoid(centerness)), keep scores above the candidate threshold, the top-k
 * of them, decode against the anchor (centre at (x·stride, y·stride), side =
 * anchor size), clip to the input; then class-wise NMS over all levels.
 */
export function decodeFcos(out: FcosOutputs, cfg: FcosConfig): Candidate[] {
  const C = cfg.numClasses;
  const all: Candidate[] = [];
  let base = 0;
  cfg.strides.forEach((stride, level) => {
    const grid = Math.ceil(cfg.inputW / stride);
    const size = cfg.anchorSizes[level]!;
    const n = grid * Math.ceil(cfg.inputH / stride);
    const scored: Array<{ a: number; c: number; score: number }> = [];
    for (let i = 0; i < n; i++) {
      const a = base + i;
      const centre = sigmoid(out.ctr[a]!);
      for (let c = 0; c < C; c++) {
        const score = Math.sqrt(sigmoid(out.cls[a * C + c]!) * centre);
        if (score > cfg.candidateThreshold) scored.push({ a, c, score });
      }
    }
    scored.sort((p, q) => q.score - p.score);
    for (const { a, c, score } of scored.slice(0, cfg.topk)) {
      const i = a - base;
      const cx = (i % grid) * stride;
      const cy = Math.floor(i / grid) * stride;
      const r = a * 4;
      const clipX = (v: number) => Math.min(cfg.inputW, Math.max(0, v));
      const clipY = (v: number) => Math.min(cfg.inputH, Math.max(0, v));
      all.push({
        box: [clipX(cx - out.reg[r]! * size), clipY(cy - out.reg[r + 1]! * size), clipX(cx + out.reg[r + 2]! * size), clipY(cy + out.reg[r + 3]! * size)],
        score,
        cls: c,
      });
    }
    base += n;
  });
  return classNms(all, cfg.nmsIou, cfg.maxDetections);
}
