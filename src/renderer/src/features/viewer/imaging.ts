import type { PixelSpacing, PixelSpacingSource } from '../../../../shared/contract/index.ts';

/**
 * The viewer's imaging maths, free of React and OpenSeadragon so it is
 * tested on its own: windows as the reviewer moves them (in the image's
 * values), lengths in pixels and millimetres, and the profile chart's
 * geometry.
 */

export interface ValueWindow {
  low: number;
  high: number;
}

/** What tiles show: a window and an inversion (null window: the image's default). */
export interface Display {
  window: ValueWindow;
  invert: boolean;
}

export type Point = [number, number];

/** Centre (level) and width of a window, as radiology viewers state them. */
export const centreOf = (w: ValueWindow) => (w.low + w.high) / 2;
export const widthOf = (w: ValueWindow) => w.high - w.low;
export const fromCentreWidth = (centre: number, width: number): ValueWindow => ({ low: centre - width / 2, high: centre + width / 2 });

/** The range the controls span: the image's values, widened to hold the current window. */
export function controlRange(min: number, max: number, w: ValueWindow): { min: number; max: number } {
  const lo = Math.min(min, w.low);
  const hi = Math.max(max, w.high);
  return hi > lo ? { min: lo, max: hi } : { min: lo - 1, max: lo + 1 };
}

/**
 * A window snapped to the image's value grid (`origin + k × step`), at least
 * one step wide: drags and sliders give fractions that mean nothing to the
 * image, and a snapped window is also the same tile URL when it comes back.
 */
export function snapWindow(w: ValueWindow, step: number, origin = 0): ValueWindow {
  const snap = (v: number) => origin + Math.round((v - origin) / step) * step;
  const low = snap(w.low);
  const high = Math.max(low + step, snap(w.high));
  // Floating-point dust (0.1 + 0.2) would make a new URL for the same window.
  const clean = (v: number) => Number(v.toPrecision(12));
  return { low: clean(low), high: clean(high) };
}

/**
 * A window moved by a drag of (dx, dy) screen pixels from where it started:
 * rightwards widens it (less contrast), downwards raises its centre (darker),
 * as in most radiology viewers. `perPixel` is how many values one pixel of
 * drag moves (the image's range over about 500 pixels).
 */
export function dragWindow(start: ValueWindow, dx: number, dy: number, perPixel: number, minWidth: number): ValueWindow {
  const width = Math.max(minWidth, widthOf(start) + dx * perPixel);
  return fromCentreWidth(centreOf(start) + dy * perPixel, width);
}

/** Values per pixel of drag: the image's whole range over `pixels` of movement. */
export const dragSensitivity = (min: number, max: number, pixels = 500) => Math.max(max - min, 1e-9) / pixels;

/** Whether two windows are the same (both ends within a millionth of the width). */
export function sameWindow(a: ValueWindow, b: ValueWindow): boolean {
  const tolerance = Math.max(Math.abs(widthOf(a)), 1e-12) * 1e-6;
  return Math.abs(a.low - b.low) <= tolerance && Math.abs(a.high - b.high) <= tolerance;
}

/** A line's length in pixels, and in millimetres when the image has a spacing (x and y may differ). */
export function lineLength(from: Point, to: Point, spacing: Pick<PixelSpacing, 'x' | 'y'> | null): { px: number; mm: number | null } {
  const dx = to[0] - from[0];
  const dy = to[1] - from[1];
  return { px: Math.hypot(dx, dy), mm: spacing ? Math.hypot(dx * spacing.x, dy * spacing.y) : null };
}

/** The spacing that makes a line of `px` pixels measure `mm` millimetres; null when either is not a positive number. */
export function spacingFromLine(px: number, mm: number): number | null {
  return Number.isFinite(px) && Number.isFinite(mm) && px > 0 && mm > 0 ? mm / px : null;
}

export const SOURCE_LABELS: Record<PixelSpacingSource, string> = {
  'image-calibration': 'calibrated on this image',
  'job-calibration': 'calibrated for this job',
  'dicom-pixel-spacing': 'DICOM Pixel Spacing',
  'dicom-imager-pixel-spacing': 'DICOM Imager Pixel Spacing (at the detector)',
};

/** A number for a person: up to `digits` significant digits, no exponent for everyday sizes. */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e6 || abs < 1e-4) return v.toExponential(2);
  return String(Number(v.toPrecision(digits)));
}

export interface ChartBox {
  width: number;
  height: number;
  /** Space kept for the axes' labels. */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

/** The values' range for a chart (all channels), a flat line given some height. */
export function valueRange(values: readonly (readonly number[])[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const channel of values) {
    for (const v of channel) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!Number.isFinite(min)) return { min: 0, max: 1 };
  return max > min ? { min, max } : { min: min - 1, max: max + 1 };
}

/** An SVG path through the samples, distances across and values up. */
export function chartPath(distances: readonly number[], values: readonly number[], box: ChartBox, range: { min: number; max: number }): string {
  const span = distances.at(-1) || 1;
  const w = box.width - box.left - box.right;
  const h = box.height - box.top - box.bottom;
  return values.map((v, i) => {
    const x = box.left + ((distances[i] ?? 0) / span) * w;
    const y = box.top + h - ((v - range.min) / (range.max - range.min)) * h;
    return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
  }).join('');
}

/** The sample nearest to a horizontal position on the chart (for the cursor readout). */
export function sampleAt(chartX: number, count: number, box: ChartBox): number {
  const w = box.width - box.left - box.right;
  const t = Math.min(1, Math.max(0, (chartX - box.left) / w));
  return Math.round(t * (count - 1));
}
