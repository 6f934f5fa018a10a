import type { WindowPreset } from '../../shared/contract/index.ts';

/**
 * Window/level maths, free of I/O so it is tested on its own. Samples are
 * what the decoder gives (0..255 or 0..65535); values are what the file
 * means by them (`value = slope × sample + intercept`: DICOM's rescale,
 * identity for every other format). Callers speak values; lookup tables and
 * histograms work on samples.
 */
export interface DisplayWindow {
  low: number;
  high: number;
}

export interface Rescale {
  slope: number;
  intercept: number;
}

export const IDENTITY: Rescale = { slope: 1, intercept: 0 };

/** A window and an inversion, in samples: what a tile is mapped through. */
export interface View {
  window: DisplayWindow;
  invert: boolean;
}

/**
 * 0.5th and 99.5th percentiles: a few dead or saturated pixels, a burned-in
 * marker or the unexposed edge of the film cannot stretch the window, while
 * the bright 'indications' a reviewer looks for (a fraction of a percent of
 * the area may be above the window and show as white) stay visible.
 */
export const WINDOW_PERCENTILES = { low: 0.005, high: 0.995 } as const;

/** The window between two percentiles of a histogram holding `total` samples (one bin per sample value). */
export function windowFromHistogram(hist: Uint32Array, total: number, percentiles: { low: number; high: number } = WINDOW_PERCENTILES): DisplayWindow {
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
  return nonEmpty({ low, high }, hist.length - 1);
}

/** A flat image (or one value dominating) would give an empty window: one sample either side of it instead. */
function nonEmpty(w: DisplayWindow, top: number): DisplayWindow {
  if (w.high > w.low) return w;
  return { low: Math.max(0, w.low - 1), high: Math.min(top, w.low + 1) };
}

/** Smallest and largest sample present (0, 0 for an empty histogram). */
export function sampleRange(hist: Uint32Array): { min: number; max: number } {
  let min = 0;
  while (min < hist.length - 1 && hist[min] === 0) min++;
  let max = hist.length - 1;
  while (max > min && hist[max] === 0) max--;
  return { min, max };
}

export const toValue = (sample: number, r: Rescale) => r.slope * sample + r.intercept;
export const toSample = (value: number, r: Rescale) => (value - r.intercept) / r.slope;
export const windowToValues = (w: DisplayWindow, r: Rescale): DisplayWindow => ({ low: toValue(w.low, r), high: toValue(w.high, r) });
/** Slopes are positive (the decoder refuses others), so the order of the ends is kept. */
export const windowToSamples = (w: DisplayWindow, r: Rescale): DisplayWindow => ({ low: toSample(w.low, r), high: toSample(w.high, r) });

/**
 * The lookup table from samples to 8-bit display levels for a window:
 * round(255 × (v − low) / (high − low)), clamped to 0..255, then inverted
 * if asked. `size` is 256 or 65536 entries. The window may have fractional
 * ends (a value window converted to samples). Computed in that order, not
 * with a precomputed 255 / (high − low), whose rounding would move values
 * that land exactly on a half level.
 */
export function windowLut(window: DisplayWindow, invert = false, size = 65536): Uint8Array {
  const lut = new Uint8Array(size);
  const span = window.high - window.low;
  for (let v = 0; v < size; v++) {
    const level = v <= window.low ? 0 : v >= window.high ? 255 : Math.round(((v - window.low) * 255) / span);
    lut[v] = invert ? 255 - level : level;
  }
  return lut;
}

/** Whether a view leaves 8-bit samples as they are (so a tile needs no mapping at all). */
export const isIdentity8 = (view: View) => !view.invert && view.window.low === 0 && view.window.high === 255;

/**
 * Recently used lookup tables. Dragging a window asks for the same one for
 * every visible tile (and OpenSeadragon asks several levels), so building
 * 65536 entries once per window rather than per tile is most of a tile's
 * mapping cost saved; a handful of entries (64 KiB each) covers it.
 */
const LUT_CACHE_SIZE = 8;
const luts = new Map<string, Uint8Array>();

export function cachedLut(view: View, size: number): Uint8Array {
  const key = `${size}:${view.window.low}:${view.window.high}:${view.invert ? 1 : 0}`;
  const hit = luts.get(key);
  if (hit) {
    luts.delete(key);
    luts.set(key, hit);
    return hit;
  }
  const lut = windowLut(view.window, view.invert, size);
  luts.set(key, lut);
  if (luts.size > LUT_CACHE_SIZE) luts.delete(luts.keys().next().value!);
  return lut;
}

/** The preset windows of an image, in samples (the caller converts them to values). */
export interface SamplePreset {
  id: string;
  label: string;
  window: DisplayWindow;
}

/**
 * Named windows from the image's own histogram, so they suit any exposure
 * or detector: the automatic one, the full range, and three parts of the
 * histogram for looking into the darker or brighter areas or for more
 * contrast in the middle. 8-bit images also get "as stored". `file` is the
 * file's own window (DICOM), already in samples.
 */
export function presetsFromHistogram(hist: Uint32Array, total: number, bitsPerSample: 8 | 16, file: SamplePreset | null = null): SamplePreset[] {
  const top = hist.length - 1;
  const { min, max } = sampleRange(hist);
  const part = (low: number, high: number) => windowFromHistogram(hist, total, { low, high });
  const presets: SamplePreset[] = [
    { id: 'auto', label: 'Auto (histogram)', window: part(WINDOW_PERCENTILES.low, WINDOW_PERCENTILES.high) },
    { id: 'full', label: 'Full range', window: nonEmpty({ low: min, high: max }, top) },
  ];
  if (bitsPerSample === 8) presets.push({ id: 'stored', label: 'As stored (0–255)', window: { low: 0, high: 255 } });
  if (file) presets.push(file);
  presets.push(
    { id: 'lower', label: 'Lower values (0.5–50 %)', window: part(WINDOW_PERCENTILES.low, 0.5) },
    { id: 'upper', label: 'Upper values (50–99.5 %)', window: part(0.5, WINDOW_PERCENTILES.high) },
    { id: 'middle', label: 'Middle, more contrast (25–75 %)', window: part(0.25, 0.75) },
  );
  return presets;
}

export const presetToValues = (p: SamplePreset, r: Rescale): WindowPreset => ({ id: p.id, label: p.label, ...windowToValues(p.window, r) });

/**
 * The histogram in at most `bins` equal bins between the smallest and
 * largest sample (never narrower than one sample, so an 8-bit image or a
 * narrow 16-bit one gets one bin per sample value).
 */
export function binHistogram(hist: Uint32Array, bins: number): { min: number; max: number; binWidth: number; counts: number[] } {
  const { min, max } = sampleRange(hist);
  const span = max - min + 1;
  const n = Math.max(1, Math.min(bins, span));
  const binWidth = span / n;
  const counts = new Array<number>(n).fill(0);
  for (let s = min; s <= max; s++) {
    const c = hist[s]!;
    if (c !== 0) counts[Math.min(n - 1, Math.floor((s - min) / binWidth))]! += c;
  }
  return { min, max, binWidth, counts };
}

/**
 * DICOM's linear VOI function (PS3.3 C.11.2.1.2): for centre c and width w,
 * values ≤ c − 0.5 − (w−1)/2 are black and > c − 0.5 + (w−1)/2 white.
 */
export function windowFromCentreWidth(centre: number, width: number): DisplayWindow {
  const half = (Math.max(1, width) - 1) / 2;
  const low = centre - 0.5 - half;
  const high = centre - 0.5 + half;
  return high > low ? { low, high } : { low: low - 0.5, high: low + 0.5 };
}

/** Counts every sample into one bin per possible value (all channels together, so a colour window keeps its balance). */
export function countSamples(samples: Uint8Array | Uint16Array, start: number, end: number, hist: Uint32Array): void {
  for (let i = start; i < end; i++) {
    const v = samples[i]!;
    hist[v] = hist[v]! + 1;
  }
}

/**
 * Copies a rectangle of samples (`channels` per pixel) out of a level and
 * maps each through `lut` to 8 bits, in one pass: a tile's cost besides its
 * PNG/JPEG encode.
 */
export function cropMapped(
  src: Uint8Array | Uint16Array, srcWidth: number, channels: number,
  rect: { left: number; top: number; width: number; height: number }, lut: Uint8Array,
): Buffer {
  const rowSamples = rect.width * channels;
  const out = Buffer.allocUnsafe(rowSamples * rect.height);
  for (let r = 0; r < rect.height; r++) {
    const from = ((rect.top + r) * srcWidth + rect.left) * channels;
    const to = r * rowSamples;
    for (let i = 0; i < rowSamples; i++) out[to + i] = lut[src[from + i]!]!;
  }
  return out;
}
