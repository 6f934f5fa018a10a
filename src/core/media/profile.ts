import { ChittiError } from '../app/errors.ts';
import { IDENTITY, toValue, type Rescale } from './window.ts';

/**
 * A line profile: the samples along a line, read from the decoded original
 * (never the 8-bit tiles), as the image's values. Coordinates are image
 * pixels with pixel (i, j) covering [i, i+1) × [j, j+1), the frame findings
 * use, so a pixel's centre is at (i + 0.5, j + 0.5).
 */
export interface SampleGrid {
  width: number;
  height: number;
  channels: number;
  samples: Uint8Array | Uint16Array;
}

export type Interpolation = 'bilinear' | 'nearest';
export type Point = readonly [number, number];

export const MAX_SAMPLES = 4096;

export interface LineProfile {
  length: number;
  distances: number[];
  /** values[channel][i]. */
  values: number[][];
}

/** One sample per pixel of length (and both ends), within [2, MAX_SAMPLES]. */
export const defaultSampleCount = (length: number) => Math.min(MAX_SAMPLES, Math.max(2, Math.ceil(length) + 1));

/** Refuses a point outside the image (the far edges count as inside: a line may end on them). */
export function checkPoint(p: Point, width: number, height: number, name: string): void {
  const [x, y] = p;
  if (!(x >= 0 && x <= width && y >= 0 && y <= height)) {
    throw new ChittiError('INVALID_INPUT', `${name} (${x}, ${y}) is outside the image, which spans 0–${width} × 0–${height} pixels.`);
  }
}

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/** The sample of channel `c` at continuous position (x, y). */
function readAt(g: SampleGrid, x: number, y: number, c: number, interpolation: Interpolation): number {
  const { width: w, height: h, channels: n, samples: s } = g;
  if (interpolation === 'nearest') {
    const i = clamp(Math.floor(x), 0, w - 1);
    const j = clamp(Math.floor(y), 0, h - 1);
    return s[(j * w + i) * n + c]!;
  }
  // Bilinear between pixel centres; beyond the outer centres, the edge pixel's value.
  const u = clamp(x - 0.5, 0, w - 1);
  const v = clamp(y - 0.5, 0, h - 1);
  const i0 = Math.floor(u);
  const j0 = Math.floor(v);
  const i1 = Math.min(i0 + 1, w - 1);
  const j1 = Math.min(j0 + 1, h - 1);
  const fx = u - i0;
  const fy = v - j0;
  const at = (i: number, j: number) => s[(j * w + i) * n + c]!;
  const top = at(i0, j0) * (1 - fx) + at(i1, j0) * fx;
  const bottom = at(i0, j1) * (1 - fx) + at(i1, j1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** `count` evenly spaced samples from `from` to `to`, both included, as values (through `rescale`). */
export function sampleLine(g: SampleGrid, from: Point, to: Point, count: number, interpolation: Interpolation = 'bilinear', rescale: Rescale = IDENTITY): LineProfile {
  checkPoint(from, g.width, g.height, 'The line’s start');
  checkPoint(to, g.width, g.height, 'The line’s end');
  if (!Number.isInteger(count) || count < 2 || count > MAX_SAMPLES) {
    throw new ChittiError('INVALID_INPUT', `A profile has 2 to ${MAX_SAMPLES} samples, not ${count}.`);
  }
  const dx = to[0] - from[0];
  const dy = to[1] - from[1];
  const length = Math.hypot(dx, dy);
  const distances: number[] = [];
  const values: number[][] = Array.from({ length: g.channels }, () => []);
  for (let k = 0; k < count; k++) {
    const t = k / (count - 1);
    distances.push(length * t);
    const x = from[0] + dx * t;
    const y = from[1] + dy * t;
    for (let c = 0; c < g.channels; c++) values[c]!.push(toValue(readAt(g, x, y, c, interpolation), rescale));
  }
  return { length, distances, values };
}
