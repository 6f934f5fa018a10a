/**
 * Binary mask geometry shared by the segmentation engine (mask -> polygon/RLE
 * for the result JSON) and the evaluator (polygon/RLE -> mask for scoring).
 *
 * Conventions, chosen so both directions agree exactly:
 * - A mask is a row-major Uint8Array of width*height bytes; any non-zero byte is
 *   foreground. Masks returned here hold 0/1.
 * - Polygons are in pixel-corner coordinates: pixel (x, y) is the unit square
 *   [x, x+1] x [y, y+1], so polygon coordinates are the same "exclusive edge"
 *   pixel coordinates the detection boxes use.
 * - rasterizePolygon fills a pixel when its centre (x+0.5, y+0.5) is inside, so
 *   rasterizePolygon(traceOuterContour(c)) gives back c for any hole-free
 *   component c (contour edges lie on integer lines, never through a centre).
 *
 * Pure: no I/O and no Node imports, so it can run in any process.
 */

export type Point = [number, number];

/** COCO uncompressed RLE: size is [height, width]; counts are column-major runs, starting with zeros. */
export interface Rle {
  size: [number, number];
  counts: number[];
}

function checkSize(length: number, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`invalid mask size ${width}x${height}`);
  }
  if (length !== width * height) {
    throw new RangeError(`mask has ${length} bytes, expected ${width}x${height} = ${width * height}`);
  }
}

// ---------------------------------------------------------------- components

/**
 * 8-connected components of the non-zero pixels. labels[i] is 0 for
 * background, else 1..count, numbered in raster order of each component's
 * first pixel. Flood fill with an explicit queue (not recursion): a crack can
 * run across a whole 8000x2000 radiograph, far deeper than any call stack.
 */
export function labelComponents(
  mask: Uint8Array,
  width: number,
  height: number,
): { labels: Int32Array; count: number } {
  checkSize(mask.length, width, height);
  const labels = new Int32Array(width * height);
  // Every pixel is enqueued at most once over the whole image, so one queue
  // of width*height entries serves all components (reset per component).
  const queue = new Int32Array(width * height);
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    count += 1;
    floodFill(mask, labels, queue, width, height, start, count);
  }
  return { labels, count };
}

function floodFill(
  mask: Uint8Array,
  labels: Int32Array,
  queue: Int32Array,
  width: number,
  height: number,
  start: number,
  label: number,
): void {
  let head = 0;
  let tail = 0;
  labels[start] = label;
  queue[tail++] = start;
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % width;
    const y = (i - x) / width;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= width) continue;
        const j = ny * width + nx;
        if (mask[j] !== 0 && labels[j] === 0) {
          labels[j] = label;
          queue[tail++] = j;
        }
      }
    }
  }
}

/**
 * Raster index of the first pixel of each label (index 0 unused, -1 where a
 * label has no pixel). One pass, so tracing every component of a large image
 * does not rescan the image once per component.
 */
export function componentStarts(labels: Int32Array, count: number): Int32Array {
  const starts = new Int32Array(count + 1).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l > 0 && l <= count && starts[l] === -1) starts[l] = i;
  }
  return starts;
}

// ---------------------------------------------------------------- contours

// Directions in image coordinates (y down): 0 east, 1 south, 2 west, 3 north.
// Turning right (clockwise on screen) is d+1.
const DX = [1, 0, -1, 0] as const;
const DY = [0, 1, 0, -1] as const;
// For a walker at corner (vx, vy) heading d, the pixel ahead on its left is
// (vx + AL_X[d], vy + AL_Y[d]) and the one ahead on its right (vx + AR_X[d], vy + AR_Y[d]).
const AL_X = [0, 0, -1, -1] as const;
const AL_Y = [-1, 0, 0, -1] as const;
const AR_X = [0, -1, -1, 0] as const;
const AR_Y = [0, 0, -1, -1] as const;

/**
 * Outer boundary of component `label` as a closed ring of pixel corners (first
 * point not repeated at the end), clockwise on screen, with only the corners
 * where the direction changes (collinear points dropped).
 *
 * Walks the pixel edges keeping the component on the right. At each corner it
 * turns left if the pixel ahead-left is in the component, goes straight if the
 * one ahead-right is, and turns right otherwise. Checking ahead-left first is
 * what makes diagonal neighbours part of the same ring (8-connectivity, as in
 * labelComponents): the ring then touches itself at that corner but never
 * crosses. Holes are not traced: the ring encloses them.
 *
 * `start` is the raster index of the component's first pixel (from
 * componentStarts); without it the labels are scanned to find it.
 */
export function traceOuterContour(
  labels: Int32Array,
  width: number,
  height: number,
  label: number,
  start?: number,
): Point[] {
  checkSize(labels.length, width, height);
  const first = start ?? labels.indexOf(label);
  if (first < 0 || labels[first] !== label) return [];
  const inside = (x: number, y: number): boolean =>
    x >= 0 && y >= 0 && x < width && y < height && labels[y * width + x] === label;

  // The first pixel in raster order has nothing above or to its left, so its
  // top-left corner is a corner of the outer boundary, reached heading north
  // and left heading east.
  const sx = first % width;
  const sy = (first - sx) / width;
  const points: Point[] = [[sx, sy]];
  let x = sx;
  let y = sy;
  let d = 0;
  // Each boundary edge is walked once; a ring longer than this means a bug.
  const maxSteps = 4 * (width * height + 1);
  for (let step = 0; step < maxSteps; step++) {
    x += DX[d]!;
    y += DY[d]!;
    const next = inside(x + AL_X[d]!, y + AL_Y[d]!) ? (d + 3) % 4 : inside(x + AR_X[d]!, y + AR_Y[d]!) ? d : (d + 1) % 4;
    if (x === sx && y === sy && next === 0) return points;
    if (next !== d) points.push([x, y]);
    d = next;
  }
  throw new Error(`contour of label ${label} did not close`);
}

/**
 * Convenience for the engine: the outer ring of every 8-connected component of
 * `mask`, in label order, with each component's pixel count.
 */
export function maskToPolygons(
  mask: Uint8Array,
  width: number,
  height: number,
): Array<{ polygon: Point[]; pixels: number }> {
  const { labels, count } = labelComponents(mask, width, height);
  const starts = componentStarts(labels, count);
  const pixels = new Int32Array(count + 1);
  for (const l of labels) pixels[l]! += 1;
  const out: Array<{ polygon: Point[]; pixels: number }> = [];
  for (let l = 1; l <= count; l++) {
    out.push({ polygon: traceOuterContour(labels, width, height, l, starts[l]), pixels: pixels[l]! });
  }
  return out;
}

// ---------------------------------------------------------------- polygons

/** Unsigned area (shoelace); the ring may be given in either orientation. */
export function polygonArea(points: ReadonlyArray<readonly [number, number]>): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    const [x2, y2] = points[(i + 1) % points.length]!;
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

/**
 * Even-odd fill of a closed ring (implicitly closed; a repeated first point is
 * harmless), sampled at pixel centres: pixel (x, y) is set when (x+0.5, y+0.5)
 * is inside. An edge counts for a row when it spans the centre line half-open
 * (y1 <= yc < y2 or the reverse), so a vertex exactly on a centre line is
 * counted once, and horizontal edges never count. Points outside the image are
 * allowed; the result is clipped.
 */
export function rasterizePolygon(
  points: ReadonlyArray<readonly [number, number]>,
  width: number,
  height: number,
): Uint8Array {
  checkSize(width * height, width, height);
  const mask = new Uint8Array(width * height);
  const crossings = rowCrossings(points, height);
  for (let y = 0; y < height; y++) {
    const xs = crossings[y];
    if (xs === undefined || xs.length < 2) continue;
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) fillSpan(mask, width, y, xs[k]!, xs[k + 1]!);
  }
  return mask;
}

/** For each image row, the x where the ring crosses that row's centre line. */
function rowCrossings(points: ReadonlyArray<readonly [number, number]>, height: number): Array<number[] | undefined> {
  const rows: Array<number[] | undefined> = new Array<number[] | undefined>(height);
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    const [x2, y2] = points[(i + 1) % points.length]!;
    if (y1 === y2) continue;
    // Rows whose centre y+0.5 lies in [min(y1,y2), max(y1,y2)).
    const lo = Math.max(0, Math.ceil(Math.min(y1, y2) - 0.5));
    const hi = Math.min(height - 1, Math.ceil(Math.max(y1, y2) - 0.5) - 1);
    for (let y = lo; y <= hi; y++) {
      const yc = y + 0.5;
      const x = x1 + ((yc - y1) * (x2 - x1)) / (y2 - y1);
      (rows[y] ??= []).push(x);
    }
  }
  return rows;
}

/** Set the pixels of row y whose centre x+0.5 lies in [xa, xb). */
function fillSpan(mask: Uint8Array, width: number, y: number, xa: number, xb: number): void {
  const from = Math.max(0, Math.ceil(xa - 0.5));
  const to = Math.min(width, Math.ceil(xb - 0.5));
  if (to > from) mask.fill(1, y * width + from, y * width + to);
}

// ---------------------------------------------------------------- RLE

/**
 * COCO uncompressed RLE of a row-major mask. COCO reads masks column-major
 * (Fortran order), and counts alternate zeros/ones starting with zeros (a
 * leading 0 count when the first pixel is set), so the result loads directly
 * with pycocotools (frPyObjects) and other COCO tooling.
 */
export function encodeRle(mask: Uint8Array, width: number, height: number): Rle {
  checkSize(mask.length, width, height);
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let i = x; i < mask.length; i += width) {
      const v = mask[i] === 0 ? 0 : 1;
      if (v !== current) {
        counts.push(run);
        current = v;
        run = 0;
      }
      run += 1;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/** Row-major 0/1 mask from COCO uncompressed RLE; throws when the runs do not cover the mask exactly. */
export function decodeRle(rle: Rle): Uint8Array {
  const [height, width] = rle.size;
  checkSize(width * height, width, height);
  const total = width * height;
  const mask = new Uint8Array(total);
  let pos = 0; // column-major position
  for (let k = 0; k < rle.counts.length; k++) {
    const run = rle.counts[k]!;
    if (!Number.isInteger(run) || run < 0 || pos + run > total) {
      throw new RangeError(`RLE run ${k} (${run}) is invalid for a ${width}x${height} mask`);
    }
    if (k % 2 === 1) setColumnMajorRun(mask, width, height, pos, run);
    pos += run;
  }
  if (pos !== total) throw new RangeError(`RLE covers ${pos} pixels, expected ${total}`);
  return mask;
}

function setColumnMajorRun(mask: Uint8Array, width: number, height: number, pos: number, run: number): void {
  for (let p = pos; p < pos + run; p++) {
    const y = p % height;
    const x = (p - y) / height;
    mask[y * width + x] = 1;
  }
}
