import type { RotatedRect } from './db-postprocess.ts';

/** PaddleOCR's recogniser reads lines 48 pixels high. */
export const REC_HEIGHT = 48;

export interface LineCrop {
  rect: RotatedRect;
  /** Width of the crop after scaling it to REC_HEIGHT. */
  width: number;
  /** Grey pixels, REC_HEIGHT rows of `width`. */
  pixels: Uint8Array;
}

/**
 * Cuts a rotated text box out of the page and scales it to the recogniser's
 * height in one resampling: each output pixel averages an n×n grid of
 * bilinear samples (n ≈ the scale factor), so large headings are not aliased.
 * Outside the page is paper (white).
 */
export function cropLine(grey: Uint8Array, width: number, height: number, rect: RotatedRect): LineCrop {
  const scale = rect.h / REC_HEIGHT;
  const outW = Math.max(1, Math.round(rect.w / scale));
  const n = Math.max(1, Math.min(4, Math.ceil(scale)));
  const ux = Math.cos(rect.angle);
  const uy = Math.sin(rect.angle);
  const pixels = new Uint8Array(outW * REC_HEIGHT);
  const step = scale / n;
  // Page position of crop point (u, v) = origin + u·(ux, uy) + v·(−uy, ux); −0.5: pixel centres sit at +0.5.
  const ox = rect.cx - (rect.w / 2) * ux + (rect.h / 2) * uy - 0.5;
  const oy = rect.cy - (rect.w / 2) * uy - (rect.h / 2) * ux - 0.5;
  const maxX = width - 1;
  const maxY = height - 1;
  for (let j = 0; j < REC_HEIGHT; j++) {
    for (let i = 0; i < outW; i++) {
      let sum = 0;
      for (let sj = 0; sj < n; sj++) {
        const v = (j * n + sj + 0.5) * step;
        for (let si = 0; si < n; si++) {
          const u = (i * n + si + 0.5) * step;
          const x = ox + u * ux - v * uy;
          const y = oy + u * uy + v * ux;
          const x0 = Math.floor(x);
          const y0 = Math.floor(y);
          if (x0 < 0 || y0 < 0 || x0 >= maxX || y0 >= maxY) {
            sum += 255; // outside the page (or on its last row/column): paper
            continue;
          }
          const fx = x - x0;
          const fy = y - y0;
          const k = y0 * width + x0;
          const top = grey[k]! + (grey[k + 1]! - grey[k]!) * fx;
          const bottom = grey[k + width]! + (grey[k + width + 1]! - grey[k + width]!) * fx;
          sum += top + (bottom - top) * fy;
        }
      }
      pixels[j * outW + i] = Math.round(sum / (n * n));
    }
  }
  return { rect, width: outW, pixels };
}

/** The page-pixel quadrilateral hull of the part [u0, u1] (crop pixels along the line, 0..rect.w) of a rotated box. */
export function spanBox(rect: RotatedRect, u0: number, u1: number): [number, number, number, number] {
  const ux = Math.cos(rect.angle);
  const uy = Math.sin(rect.angle);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const u of [u0 - rect.w / 2, u1 - rect.w / 2]) {
    for (const v of [-rect.h / 2, rect.h / 2]) {
      xs.push(rect.cx + u * ux - v * uy);
      ys.push(rect.cy + u * uy + v * ux);
    }
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
