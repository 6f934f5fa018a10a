import type { ModelManifest } from './manifest.ts';
import type { Tile } from './tiling.ts';

/** Decoded pixels as the media layer gives them: interleaved, 8- or 16-bit, grey or RGB. */
export interface Pixels {
  width: number;
  height: number;
  channels: 1 | 3;
  bitsPerSample: 8 | 16;
  /** 8-bit: one byte per sample; 16-bit: native-endian Uint16 samples. */
  samples: Uint8Array | Uint16Array;
}

/**
 * The model's "window" step: raw samples to 0..1. `full-range` divides by the
 * largest value of the bit depth, so a 16-bit radiograph keeps all its levels
 * up to here and gives what its 8-bit rendering would (v/65535 ≈ round(v/257)/255).
 * Colour becomes grey with the Rec. 601 luma weights (what the training data's
 * decoder, OpenCV's IMREAD_GRAYSCALE, uses).
 */
function greyRow(px: Pixels, y: number, x0: number, count: number, out: Float32Array): void {
  const max = px.bitsPerSample === 16 ? 65535 : 255;
  const s = px.samples;
  if (px.channels === 1) {
    const base = y * px.width + x0;
    for (let i = 0; i < count; i++) out[i] = s[base + i]! / max;
    return;
  }
  const base = (y * px.width + x0) * 3;
  for (let i = 0; i < count; i++) {
    const p = base + i * 3;
    out[i] = (0.299 * s[p]! + 0.587 * s[p + 1]! + 0.114 * s[p + 2]!) / max;
  }
}

/** Source taps and weights for one output coordinate along one axis. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array[];
}

/**
 * Resampling weights along one axis, `n` source samples to `m` outputs at
 * `scale`. Downscaling averages the area each output pixel covers (like
 * OpenCV's INTER_AREA, used in training); upscaling is bilinear with pixel
 * centres at +0.5.
 */
function axisTaps(n: number, m: number, scale: number): Taps {
  const start = new Int32Array(m);
  const count = new Int32Array(m);
  const weights: Float32Array[] = [];
  for (let o = 0; o < m; o++) {
    if (scale < 1) {
      const a = o / scale;
      const b = Math.min(n, (o + 1) / scale);
      const i0 = Math.floor(a);
      const i1 = Math.min(n, Math.ceil(b));
      const w = new Float32Array(Math.max(1, i1 - i0));
      for (let i = i0; i < i1; i++) w[i - i0] = Math.min(b, i + 1) - Math.max(a, i);
      const sum = w.reduce((t, v) => t + v, 0) || 1;
      for (let k = 0; k < w.length; k++) w[k]! /= sum;
      start[o] = Math.min(i0, n - 1);
      count[o] = w.length;
      weights.push(w);
    } else {
      const c = Math.min(n - 1, Math.max(0, (o + 0.5) / scale - 0.5));
      const i0 = Math.floor(c);
      const f = c - i0;
      start[o] = i0;
      count[o] = i0 + 1 < n ? 2 : 1;
      weights.push(i0 + 1 < n ? Float32Array.of(1 - f, f) : Float32Array.of(1));
    }
  }
  return { start, count, weights };
}

/** Pixels of the model input the tile's content covers (the rest is padding). */
export function contentSize(tile: Tile): { w: number; h: number } {
  return { w: Math.min(tile.inW, Math.max(1, Math.round(tile.w * tile.scale))), h: Math.min(tile.inH, Math.max(1, Math.round(tile.h * tile.scale))) };
}

/**
 * Writes one tile as a normalised NCHW image into `out` at `offset`
 * (3 × inH × inW floats): window, resample, letterbox (top-left), then the
 * manifest's mean/std, grey replicated into the three channels.
 */
export function writeTile(px: Pixels, tile: Tile, manifest: ModelManifest, out: Float32Array, offset: number): void {
  const size = tile.inW;
  const plane = tile.inW * tile.inH;
  const { w: cw, h: ch } = contentSize(tile);
  const tx = axisTaps(tile.w, cw, tile.scale);
  const ty = axisTaps(tile.h, ch, tile.scale);
  // Horizontal pass per source row needed, cached by row (each used by a few outputs).
  const rowBuf = new Float32Array(tile.w);
  const horiz = new Map<number, Float32Array>();
  const rowAt = (sy: number): Float32Array => {
    let r = horiz.get(sy);
    if (r) return r;
    greyRow(px, tile.y + sy, tile.x, tile.w, rowBuf);
    r = new Float32Array(cw);
    for (let o = 0; o < cw; o++) {
      const s0 = tx.start[o]!;
      const w = tx.weights[o]!;
      let v = 0;
      for (let k = 0; k < tx.count[o]!; k++) v += rowBuf[s0 + k]! * w[k]!;
      r[o] = v;
    }
    horiz.set(sy, r);
    return r;
  };
  const { mean, std, pad } = manifest.input;
  const grey = new Float32Array(plane).fill(pad);
  for (let oy = 0; oy < ch; oy++) {
    const s0 = ty.start[oy]!;
    const w = ty.weights[oy]!;
    for (const key of horiz.keys()) if (key < s0) horiz.delete(key); // rows above are done
    const line = oy * size;
    for (let k = 0; k < ty.count[oy]!; k++) {
      const r = rowAt(s0 + k);
      const wk = w[k]!;
      for (let ox = 0; ox < cw; ox++) grey[line + ox] = (k === 0 ? 0 : grey[line + ox]!) + r[ox]! * wk;
    }
  }
  for (let c = 0; c < 3; c++) {
    const m = mean[c]!;
    const inv = 1 / std[c]!;
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = (grey[i]! - m) * inv;
  }
}
