import type { ModelManifest } from './manifest.ts';
import { encodeRle, labelComponents, traceOuterContour } from './masks.ts';
import { contentSize } from './preprocess.ts';
import type { RawFinding } from './protocol.ts';
import type { Tile } from './tiling.ts';

/** The whole image's per-pixel decision: class (0 = background, k = class k-1) and that class's probability. */
export interface MaskCanvas {
  width: number;
  height: number;
  label: Uint8Array;
  prob: Float32Array;
  /** Highest defect probability (1 - background) seen anywhere: the image-level score. */
  defectScore: number;
}

/** RLE for every component is only kept for images up to this size (the polygon always is). */
const RLE_MAX_PIXELS = 4_000_000;

/**
 * Copies one tile's probabilities (K × size × size, softmax) into the canvas
 * over the tile's core, sampling the model output at each source pixel's
 * centre (nearest model pixel).
 */
export function stitchMasks(canvas: MaskCanvas, tile: Tile, probs: Float32Array): void {
  const size = tile.inW;
  const plane = tile.inW * tile.inH;
  const K = probs.length / plane;
  const { w: cw, h: ch } = contentSize(tile);
  const x0 = Math.max(tile.x, Math.floor(tile.core.x1));
  const x1 = Math.min(tile.x + tile.w, Math.ceil(tile.core.x2));
  const y0 = Math.max(tile.y, Math.floor(tile.core.y1));
  const y1 = Math.min(tile.y + tile.h, Math.ceil(tile.core.y2));
  for (let y = y0; y < y1; y++) {
    const my = Math.min(ch - 1, Math.max(0, Math.round((y - tile.y + 0.5) * tile.scale - 0.5)));
    for (let x = x0; x < x1; x++) {
      const mx = Math.min(cw - 1, Math.max(0, Math.round((x - tile.x + 0.5) * tile.scale - 0.5)));
      const at = my * size + mx;
      let best = 0;
      let bestP = probs[at]!;
      for (let k = 1; k < K; k++) {
        const p = probs[k * plane + at]!;
        if (p > bestP) {
          bestP = p;
          best = k;
        }
      }
      const i = y * canvas.width + x;
      canvas.label[i] = best;
      canvas.prob[i] = bestP;
      const defect = 1 - probs[at]!;
      if (defect > canvas.defectScore) canvas.defectScore = defect;
    }
  }
}

/**
 * One finding per connected region of a defect class: its score is the mean
 * probability over the region, its outline a polygon (and an RLE mask for
 * images of ordinary size). Regions smaller than the manifest's `min_area`
 * (model pixels) are noise and dropped.
 */
export function maskFindings(canvas: MaskCanvas, manifest: ModelManifest, threshold: number | ((cls: string) => number), scale: number): RawFinding[] {
  const { width, height } = canvas;
  const minArea = manifest.postprocess.min_area / (scale * scale);
  const findings: RawFinding[] = [];
  const mask = new Uint8Array(width * height);
  manifest.classes.forEach((cls, c) => {
    const need = typeof threshold === 'number' ? threshold : threshold(cls);
    let any = false;
    for (let i = 0; i < mask.length; i++) {
      const on = canvas.label[i] === c + 1 ? 1 : 0;
      mask[i] = on;
      if (on) any = true;
    }
    if (!any) return;
    const { labels, count } = labelComponents(mask, width, height);
    const stats = Array.from({ length: count + 1 }, () => ({ n: 0, sum: 0, x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity }));
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        const l = labels[i]!;
        if (l === 0) continue;
        const s = stats[l]!;
        s.n++;
        s.sum += canvas.prob[i]!;
        if (x < s.x1) s.x1 = x;
        if (y < s.y1) s.y1 = y;
        if (x + 1 > s.x2) s.x2 = x + 1;
        if (y + 1 > s.y2) s.y2 = y + 1;
      }
    }
    for (let l = 1; l <= count; l++) {
      const s = stats[l]!;
      const score = s.sum / s.n;
      if (s.n < minArea || score < need) continue;
      const finding: RawFinding = { cls: c, score, box: [s.x1, s.y1, s.x2, s.y2], area: s.n, polygon: traceOuterContour(labels, width, height, l) };
      if (width * height <= RLE_MAX_PIXELS) {
        const one = new Uint8Array(width * height);
        for (let i = 0; i < one.length; i++) one[i] = labels[i] === l ? 1 : 0;
        finding.rle = encodeRle(one, width, height);
      }
      findings.push(finding);
    }
  });
  return findings.sort((a, b) => b.score - a.score).slice(0, manifest.postprocess.max_detections);
}
