import type { Finding } from '../../../../shared/contract/index.ts';

/**
 * The maths of editing and drawing findings, in image pixels: pure functions,
 * so the viewer's pointer and keyboard handling stay thin and the rules
 * (handles, clamping to the image, the box following an outline) are tested
 * on their own.
 */

export type Point = [number, number];
/** [x1, y1, x2, y2] with x1 < x2 and y1 < y2, in image pixels. */
export type Box = [number, number, number, number];

export interface ImageSize {
  width: number;
  height: number;
}

/** A finding's geometry while it is edited: its box, and its outline when it has one (the box is then the outline's bounds). */
export interface Shape {
  box: Box;
  polygon: Point[] | null;
}

/** The eight handles on a box's corners and edges, by compass direction. */
export type BoxHandle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
export const BOX_HANDLES: readonly BoxHandle[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** What the pointer holds: a box handle, the body (to move it), or one vertex of the outline. */
export type Grip = { kind: 'handle'; handle: BoxHandle } | { kind: 'move' } | { kind: 'vertex'; index: number };

/** Image pixels ⇄ the viewer element's pixels (what OpenSeadragon's viewport converts), and the view moved by the pointer. */
export interface ViewMapping {
  toImage(element: Point): Point;
  toElement(image: Point): Point;
  /** Zooms by `factor` keeping the image point under `element` where it is. */
  zoomAt(factor: number, element: Point): void;
  /** Pans so the image follows the pointer by (dx, dy) screen pixels. */
  panBy(dx: number, dy: number): void;
  /** Calls back on each frame the view changes; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
}

/** The smallest box side, in image pixels: a box always encloses an area. */
export const MIN_SIDE = 1;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The point in the viewer element under a pointer at (clientX, clientY), the element's box being `rect`. */
export function elementPoint(clientX: number, clientY: number, rect: { left: number; top: number }): Point {
  return [clientX - rect.left, clientY - rect.top];
}

/** The image pixel under the pointer, clamped to the image (a drag may leave it). */
export function pointerToImage(clientX: number, clientY: number, rect: { left: number; top: number }, view: Pick<ViewMapping, 'toImage'>, size: ImageSize): Point {
  return clampPoint(view.toImage(elementPoint(clientX, clientY, rect)), size);
}

export function clampPoint([x, y]: Point, size: ImageSize): Point {
  return [clamp(x, 0, size.width), clamp(y, 0, size.height)];
}

/** The bounds of an outline. */
export function boundsOf(polygon: readonly Point[]): Box {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** A finding's shape as it is stored; with an outline, the box is the outline's bounds (what an edit saves). */
export function shapeOf(f: Pick<Finding, 'box' | 'polygon'>): Shape {
  if (f.polygon && f.polygon.length >= 3) {
    const polygon = f.polygon.map(([x, y]): Point => [x, y]);
    return { box: boundsOf(polygon), polygon };
  }
  const [x1, y1, x2, y2] = f.box;
  return { box: [x1, y1, x2, y2], polygon: null };
}

export function sameShape(a: Shape, b: Shape): boolean {
  const near = (u: number, v: number) => Math.abs(u - v) < 1e-9;
  if (!a.box.every((v, i) => near(v, b.box[i]!))) return false;
  if (a.polygon === null || b.polygon === null) return a.polygon === b.polygon;
  return a.polygon.length === b.polygon.length && a.polygon.every(([x, y], i) => near(x, b.polygon![i]![0]) && near(y, b.polygon![i]![1]));
}

/** Where a handle sits on a box. */
export function handlePoint([x1, y1, x2, y2]: Box, handle: BoxHandle): Point {
  const x = handle.includes('w') ? x1 : handle.includes('e') ? x2 : (x1 + x2) / 2;
  const y = handle.startsWith('n') ? y1 : handle.startsWith('s') ? y2 : (y1 + y2) / 2;
  return [x, y];
}

/** The box of a rectangle given by two opposite corners, or null when it encloses less than a pixel either way. */
function normalised(ax: number, ay: number, bx: number, by: number): Box | null {
  const box: Box = [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)];
  return box[2] - box[0] >= MIN_SIDE && box[3] - box[1] >= MIN_SIDE ? box : null;
}

/** A hundredth of a pixel: what a scaled outline's vertices are kept to (no 12.000000001 in the record). */
const hundredth = (v: number) => Math.round(v * 100) / 100;

/** Maps an outline from one box onto another (the outline scales with its box); vertices on the box's edges stay on them. */
function refit(polygon: readonly Point[], from: Box, to: Box): Point[] {
  const sx = (to[2] - to[0]) / Math.max(1e-9, from[2] - from[0]);
  const sy = (to[3] - to[1]) / Math.max(1e-9, from[3] - from[1]);
  const map = (v: number, a: number, b: number, s: number, lo: number, hi: number) => (v === a ? lo : v === b ? hi : hundredth(lo + (v - a) * s));
  return polygon.map(([x, y]) => [map(x, from[0], from[2], sx, to[0], to[2]), map(y, from[1], from[3], sy, to[1], to[3])]);
}

/** The shape moved by (dx, dy) image pixels, as far as the image allows (its size kept). */
export function moveShape(shape: Shape, dx: number, dy: number, size: ImageSize): Shape {
  const [x1, y1, x2, y2] = shape.box;
  const mx = clamp(dx, -x1, size.width - x2);
  const my = clamp(dy, -y1, size.height - y2);
  return {
    box: [x1 + mx, y1 + my, x2 + mx, y2 + my],
    polygon: shape.polygon?.map(([x, y]): Point => [x + mx, y + my]) ?? null,
  };
}

/**
 * The shape after dragging a grip by (dx, dy) image pixels from `start`:
 * a handle moves its edges, kept in the image and at least a pixel from the
 * opposite edge, the outline scaling with the box; the body moves the whole
 * shape; a vertex moves alone (in the image) and the box follows the outline.
 */
export function dragGrip(start: Shape, grip: Grip, dx: number, dy: number, size: ImageSize): Shape {
  if (grip.kind === 'move') return moveShape(start, dx, dy, size);
  if (grip.kind === 'vertex') {
    if (!start.polygon || !start.polygon[grip.index]) return start;
    const polygon = start.polygon.map((p, i): Point => (i === grip.index ? clampPoint([p[0] + dx, p[1] + dy], size) : [p[0], p[1]]));
    const box = boundsOf(polygon);
    // A vertex dragged onto the line of the others leaves no area: keep the shape as it was.
    return box[2] - box[0] >= MIN_SIDE && box[3] - box[1] >= MIN_SIDE ? { box, polygon } : start;
  }
  const { handle } = grip;
  let [x1, y1, x2, y2] = start.box;
  if (handle.includes('w')) x1 = clamp(x1 + dx, 0, x2 - MIN_SIDE);
  if (handle.includes('e')) x2 = clamp(x2 + dx, x1 + MIN_SIDE, size.width);
  if (handle.startsWith('n')) y1 = clamp(y1 + dy, 0, y2 - MIN_SIDE);
  if (handle.startsWith('s')) y2 = clamp(y2 + dy, y1 + MIN_SIDE, size.height);
  const box: Box = [x1, y1, x2, y2];
  return { box, polygon: start.polygon ? refit(start.polygon, start.box, box) : null };
}

/** Alt+arrows: the right or bottom edge moved by (dw, dh), the box kept in the image and at least a pixel wide and high. */
export function resizeShape(shape: Shape, dw: number, dh: number, size: ImageSize): Shape {
  const [x1, y1, x2, y2] = shape.box;
  const box: Box = [x1, y1, clamp(x2 + dw, x1 + MIN_SIDE, Math.max(x1 + MIN_SIDE, size.width)), clamp(y2 + dh, y1 + MIN_SIDE, Math.max(y1 + MIN_SIDE, size.height))];
  return { box, polygon: shape.polygon ? refit(shape.polygon, shape.box, box) : null };
}

/** The box drawn by dragging from `a` to `b` (both clamped to the image), or null for a click that encloses no area. */
export function boxFromDrag(a: Point, b: Point, size: ImageSize): Box | null {
  const [ax, ay] = clampPoint(a, size);
  const [bx, by] = clampPoint(b, size);
  return normalised(ax, ay, bx, by);
}

/** A drawn outline closed: at least three points enclosing some area, else null. */
export function closePolygon(points: readonly Point[], size: ImageSize): Shape | null {
  // A double-click adds its point twice: repeats in a row are one vertex.
  const polygon = points.map((p) => clampPoint(p, size)).filter((p, i, all) => i === 0 || p[0] !== all[i - 1]![0] || p[1] !== all[i - 1]![1]);
  if (polygon.length > 1 && polygon[0]![0] === polygon.at(-1)![0] && polygon[0]![1] === polygon.at(-1)![1]) polygon.pop();
  if (polygon.length < 3) return null;
  const box = boundsOf(polygon);
  return box[2] - box[0] >= MIN_SIDE && box[3] - box[1] >= MIN_SIDE ? { box, polygon } : null;
}

/** What `findings.decide` (edit) or `findings.add` is given for a shape: an outline alone (the box follows it), or a box. */
export function shapeInput(shape: Shape): { box: Box } | { polygon: Point[] } {
  return shape.polygon ? { polygon: shape.polygon } : { box: shape.box };
}
