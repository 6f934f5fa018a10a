import type { DecodedImage } from './decode.ts';
import { samples16 } from './decode.ts';
import { inSlices } from './slices.ts';

/**
 * The one place where pixels are changed for the screen. A screen shows 8
 * bits; a 16-bit radiograph typically uses a narrow band of its 65536 values
 * (a 12-bit detector, an exposure using a fraction of that), so a plain shift
 * to 8 bits shows a near-black or near-white field. Instead a window [low,
 * high] is chosen from the image's own histogram and stretched to 0..255,
 * and the window is reported (ImageInfo.displayWindow) so the mapping is a
 * declared, reproducible step. 8-bit images are shown as they are.
 *
 * Analysis (models, measurements) must use the decoded samples, never these.
 */
export interface DisplayWindow {
  low: number;
  high: number;
}

export interface DisplayImage {
  width: number;
  height: number;
  channels: 1 | 3;
  /** As stored in the original. */
  bitsPerSample: 8 | 16;
  /** How 16-bit samples were mapped (null for 8-bit images). */
  window: DisplayWindow | null;
  /** 8-bit interleaved samples, row-major. */
  pixels: Buffer;
}

/**
 * 0.5th and 99.5th percentiles: a few dead or saturated pixels, a burned-in
 * marker or the unexposed edge of the film cannot stretch the window, while
 * the bright 'indications' a reviewer looks for (a fraction of a percent of
 * the area may be above the window and show as white) stay visible.
 */
export const WINDOW_PERCENTILES = { low: 0.005, high: 0.995 } as const;

/** The automatic window of a 65536-bin histogram holding `total` samples. */
export function windowFromHistogram(hist: Uint32Array, total: number, percentiles = WINDOW_PERCENTILES): DisplayWindow {
  const lowRank = total * percentiles.low;
  const highRank = total * percentiles.high;
  let low = -1;
  let high = -1;
  let seen = 0;
  for (let v = 0; v < hist.length; v++) {
    seen += hist[v]!;
    if (low < 0 && seen > lowRank) low = v;
    if (seen >= highRank) {
      high = v;
      break;
    }
  }
  if (low < 0) low = 0;
  if (high < 0) high = hist.length - 1;
  // A flat image (or one value dominating) would make an empty window: centre it on that value instead.
  if (high <= low) return { low: Math.max(0, low - 1), high: Math.min(hist.length - 1, low + 1) };
  return { low, high };
}

/** Builds the 16→8-bit lookup table for a window: linear, clamped. */
export function windowLut(window: DisplayWindow): Uint8Array {
  const lut = new Uint8Array(65536);
  const scale = 255 / (window.high - window.low);
  for (let v = 0; v < lut.length; v++) {
    lut[v] = v <= window.low ? 0 : v >= window.high ? 255 : Math.round((v - window.low) * scale);
  }
  return lut;
}

export async function toDisplay(img: DecodedImage): Promise<DisplayImage> {
  const { width, height, channels, bitsPerSample } = img;
  if (bitsPerSample === 8) return { width, height, channels, bitsPerSample, window: null, pixels: img.data };

  const s = samples16(img.data);
  // One histogram over all samples (all channels together for colour, so the window keeps its balance).
  const hist = new Uint32Array(65536);
  await inSlices(s.length, (start, end) => {
    for (let i = start; i < end; i++) {
      const v = s[i]!;
      hist[v] = hist[v]! + 1;
    }
  });
  const window = windowFromHistogram(hist, s.length);
  const lut = windowLut(window);
  const pixels = Buffer.allocUnsafeSlow(s.length);
  await inSlices(s.length, (start, end) => {
    for (let i = start; i < end; i++) pixels[i] = lut[s[i]!]!;
  });
  return { width, height, channels, bitsPerSample, window, pixels };
}
