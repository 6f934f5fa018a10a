import { describe, expect, it } from 'vitest';
import {
  componentStarts,
  decodeRle,
  encodeRle,
  labelComponents,
  maskToPolygons,
  polygonArea,
  rasterizePolygon,
  traceOuterContour,
  type Point,
} from '../../src/core/inference/masks.ts';

/** Mask from rows of '#' (set) and '.' (clear). */
function parse(rows: string[]): { mask: Uint8Array; width: number; height: number } {
  const height = rows.length;
  const width = rows[0]!.length;
  const mask = new Uint8Array(width * height);
  rows.forEach((row, y) => {
    for (let x = 0; x < width; x++) mask[y * width + x] = row[x] === '#' ? 1 : 0;
  });
  return { mask, width, height };
}

/** Pixels of one label as a 0/1 mask. */
function only(labels: Int32Array, label: number): Uint8Array {
  return Uint8Array.from(labels, (l) => (l === label ? 1 : 0));
}

/** Number of differing bytes (deep equality on 16M-element arrays is too slow in vitest). */
function differing(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function contourOf(rows: string[]): Point[] {
  const { mask, width, height } = parse(rows);
  const { labels, count } = labelComponents(mask, width, height);
  expect(count).toBe(1);
  return traceOuterContour(labels, width, height, 1);
}

/** Closed ring of axis-aligned unit-grid edges, no zero-length edge, no collinear triple. */
function expectCleanRing(points: Point[]): void {
  expect(points.length).toBeGreaterThanOrEqual(4);
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!;
    const b = points[(i + 1) % points.length]!;
    const c = points[(i + 2) % points.length]!;
    const axis1 = a[0] === b[0] ? 'v' : a[1] === b[1] ? 'h' : 'diag';
    const axis2 = b[0] === c[0] ? 'v' : b[1] === c[1] ? 'h' : 'diag';
    expect(axis1).not.toBe('diag');
    expect(a).not.toEqual(b);
    // Consecutive edges alternate, i.e. every kept point is a real corner.
    expect(axis1).not.toBe(axis2);
  }
}

/** True when two axis-aligned segments share a point other than a shared endpoint-corner touch. */
function properlyCross(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const hp = p1[1] === p2[1];
  const hq = q1[1] === q2[1];
  const [ax0, ax1] = [Math.min(p1[0], p2[0]), Math.max(p1[0], p2[0])];
  const [ay0, ay1] = [Math.min(p1[1], p2[1]), Math.max(p1[1], p2[1])];
  const [bx0, bx1] = [Math.min(q1[0], q2[0]), Math.max(q1[0], q2[0])];
  const [by0, by1] = [Math.min(q1[1], q2[1]), Math.max(q1[1], q2[1])];
  if (hp === hq) {
    // Parallel: overlapping along a length is a self-overlap.
    if (hp) return ay0 === by0 && Math.min(ax1, bx1) - Math.max(ax0, bx0) > 0;
    return ax0 === bx0 && Math.min(ay1, by1) - Math.max(ay0, by0) > 0;
  }
  // Perpendicular: crossing strictly inside at least one of them is a crossing.
  const [h0, h1, hy, v0, v1, vx] = hp ? [ax0, ax1, ay0, by0, by1, bx0] : [bx0, bx1, by0, ay0, ay1, ax0];
  const meets = vx >= h0 && vx <= h1 && hy >= v0 && hy <= v1;
  const interior = (vx > h0 && vx < h1) || (hy > v0 && hy < v1);
  return meets && interior;
}

function expectNoSelfCrossing(points: Point[]): void {
  const n = points.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through the closing edge
      const crossed = properlyCross(points[i]!, points[(i + 1) % n]!, points[j]!, points[(j + 1) % n]!);
      expect(crossed, `edges ${i} and ${j} cross`).toBe(false);
    }
  }
}

describe('labelComponents', () => {
  it('counts 8-connected components; diagonal neighbours join', () => {
    const { mask, width, height } = parse([
      '#...#',
      '.#..#',
      '..#..',
      '.....',
      '##..#',
    ]);
    const { labels, count } = labelComponents(mask, width, height);
    // Diagonal line (0,0)-(2,2); right column pair (4,0),(4,1); bottom-left pair; bottom-right pixel.
    expect(count).toBe(4);
    expect(labels[0]).toBe(1);
    expect(labels[1 * 5 + 1]).toBe(1);
    expect(labels[2 * 5 + 2]).toBe(1);
    expect(labels[4]).toBe(2);
    expect(labels[9]).toBe(2);
    expect(labels[20]).toBe(3);
    expect(labels[21]).toBe(3);
    expect(labels[24]).toBe(4);
    expect(labels[3]).toBe(0);
  });

  it('an anti-diagonal chain is one component', () => {
    const { mask, width, height } = parse(['...#', '..#.', '.#..', '#...']);
    expect(labelComponents(mask, width, height).count).toBe(1);
  });

  it('empty and full masks', () => {
    expect(labelComponents(new Uint8Array(12), 4, 3).count).toBe(0);
    const full = labelComponents(new Uint8Array(12).fill(255), 4, 3);
    expect(full.count).toBe(1);
    expect([...full.labels].every((l) => l === 1)).toBe(true);
  });

  it('rejects a mask of the wrong length', () => {
    expect(() => labelComponents(new Uint8Array(5), 2, 3)).toThrow(RangeError);
  });

  it('labels an 8000x2000 serpentine crack without recursion limits', () => {
    const width = 8000;
    const height = 2000;
    const mask = new Uint8Array(width * height);
    // One single component snaking through every other row: millions of pixels deep.
    for (let y = 0; y < height; y += 2) {
      mask.fill(1, y * width, (y + 1) * width);
      const x = (y / 2) % 2 === 0 ? width - 1 : 0;
      if (y + 1 < height) mask[(y + 1) * width + x] = 1;
    }
    const { labels, count } = labelComponents(mask, width, height);
    expect(count).toBe(1);
    const ring = traceOuterContour(labels, width, height, 1);
    expect(differing(rasterizePolygon(ring, width, height), only(labels, 1))).toBe(0);
  });
});

describe('traceOuterContour', () => {
  it('a single pixel at (3,4) is its unit square', () => {
    const width = 6;
    const height = 7;
    const mask = new Uint8Array(width * height);
    mask[4 * width + 3] = 1;
    const { labels } = labelComponents(mask, width, height);
    expect(traceOuterContour(labels, width, height, 1)).toEqual([
      [3, 4],
      [4, 4],
      [4, 5],
      [3, 5],
    ]);
  });

  it('a square gives its four corners (collinear points dropped)', () => {
    const ring = contourOf(['.....', '.###.', '.###.', '.###.', '.....']);
    expect(ring).toEqual([
      [1, 1],
      [4, 1],
      [4, 4],
      [1, 4],
    ]);
    expect(polygonArea(ring)).toBe(9);
  });

  it('an L-shape gives its six corners', () => {
    const ring = contourOf(['#..', '#..', '###']);
    expect(ring).toEqual([
      [0, 0],
      [1, 0],
      [1, 2],
      [3, 2],
      [3, 3],
      [0, 3],
    ]);
    expect(polygonArea(ring)).toBe(5);
  });

  it('diagonal neighbours share one ring that touches itself at the corner', () => {
    const ring = contourOf(['#.', '.#']);
    expect(ring).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
      [1, 1],
      [0, 1],
    ]);
    expect(polygonArea(ring)).toBe(2);
  });

  it('a thin crack gives a clean closed ring that rasterizes back to it', () => {
    const rows = [
      '#...........',
      '.#..........',
      '.##.........',
      '...#....#...',
      '....#..#.#..',
      '....####..#.',
      '...........#',
    ];
    const { mask, width, height } = parse(rows);
    const { labels, count } = labelComponents(mask, width, height);
    expect(count).toBe(1);
    const ring = traceOuterContour(labels, width, height, 1);
    expectCleanRing(ring);
    expectNoSelfCrossing(ring);
    expect(rasterizePolygon(ring, width, height)).toEqual(mask);
  });

  it('traces only the outer boundary of a ring-shaped component', () => {
    const ring = contourOf(['#####', '#...#', '#####']);
    expect(ring).toEqual([
      [0, 0],
      [5, 0],
      [5, 3],
      [0, 3],
    ]);
  });

  it('uses the given start index and returns [] for an absent label', () => {
    const { mask, width, height } = parse(['#..#', '....', '.##.']);
    const { labels, count } = labelComponents(mask, width, height);
    expect(count).toBe(3);
    const starts = componentStarts(labels, count);
    expect([...starts]).toEqual([-1, 0, 3, 9]);
    expect(traceOuterContour(labels, width, height, 3, starts[3])).toEqual([
      [1, 2],
      [3, 2],
      [3, 3],
      [1, 3],
    ]);
    expect(traceOuterContour(labels, width, height, 7)).toEqual([]);
  });

  it('rasterize(trace(component)) == component for random hole-free blobs', () => {
    const next = rng(7);
    for (let trial = 0; trial < 40; trial++) {
      const width = 5 + Math.floor(next() * 30);
      const height = 5 + Math.floor(next() * 30);
      const mask = new Uint8Array(width * height);
      // Union of random rectangles: connected pieces may be concave but may also enclose holes.
      for (let r = 0; r < 4; r++) {
        const x0 = Math.floor(next() * width);
        const y0 = Math.floor(next() * height);
        const x1 = Math.min(width, x0 + 1 + Math.floor(next() * 10));
        const y1 = Math.min(height, y0 + 1 + Math.floor(next() * 10));
        for (let y = y0; y < y1; y++) mask.fill(1, y * width + x0, y * width + x1);
      }
      const { labels, count } = labelComponents(mask, width, height);
      for (let l = 1; l <= count; l++) {
        const component = only(labels, l);
        const ring = traceOuterContour(labels, width, height, l);
        const filled = rasterizePolygon(ring, width, height);
        // The ring encloses the component and its holes: every component pixel is filled,
        // nothing of another component is, and with no hole the two are equal.
        for (let i = 0; i < component.length; i++) {
          if (component[i] === 1) expect(filled[i]).toBe(1);
          else if (labels[i] !== 0) expect(filled[i]).toBe(0);
        }
        if (!hasHole(component, width, height)) expect(filled).toEqual(component);
        expectNoSelfCrossing(ring);
      }
    }
  });
});

/** Does the complement of `component` have a 4-connected region not reaching the border? */
function hasHole(component: Uint8Array, width: number, height: number): boolean {
  const seen = new Uint8Array(component.length);
  const stack: number[] = [];
  for (let x = 0; x < width; x++) stack.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y++) stack.push(y * width, y * width + width - 1);
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen[i] === 1 || component[i] === 1) continue;
    seen[i] = 1;
    const x = i % width;
    if (x > 0) stack.push(i - 1);
    if (x < width - 1) stack.push(i + 1);
    if (i >= width) stack.push(i - width);
    if (i + width < component.length) stack.push(i + width);
  }
  return component.some((v, i) => v === 0 && seen[i] === 0);
}

describe('maskToPolygons', () => {
  it('one ring per component with its pixel count', () => {
    const { mask, width, height } = parse(['##..', '##..', '...#']);
    const out = maskToPolygons(mask, width, height);
    expect(out.map((c) => c.pixels)).toEqual([4, 1]);
    expect(out.map((c) => polygonArea(c.polygon))).toEqual([4, 1]);
  });
});

describe('polygonArea and rasterizePolygon', () => {
  it('area is unsigned', () => {
    const cw: Point[] = [[0, 0], [4, 0], [4, 3], [0, 3]];
    expect(polygonArea(cw)).toBe(12);
    expect(polygonArea([...cw].reverse())).toBe(12);
    expect(polygonArea([[0, 0], [4, 0], [0, 3]])).toBe(6);
  });

  it('fills pixels whose centres are inside', () => {
    // Triangle with legs 4: the centre (x+.5, y+.5) is inside when x + y + 1 < 4.
    const out = rasterizePolygon([[0, 0], [4, 0], [0, 4]], 4, 4);
    expect([...out]).toEqual([
      1, 1, 1, 0,
      1, 1, 0, 0,
      1, 0, 0, 0,
      0, 0, 0, 0,
    ]);
  });

  it('uses even-odd for a self-overlapping ring and clips to the image', () => {
    // Two overlapping squares drawn as one ring: the overlap is outside under even-odd.
    const ring: Point[] = [[0, 0], [3, 0], [3, 3], [1, 3], [1, 1], [4, 1], [4, 4], [0, 4]];
    const out = rasterizePolygon(ring, 4, 4);
    expect(out[1 * 4 + 1]).toBe(0);
    expect(out[0]).toBe(1);
    const clipped = rasterizePolygon([[-5, -5], [2, -5], [2, 2], [-5, 2]], 3, 3);
    expect([...clipped]).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
  });

  it('fractional coordinates sample at centres', () => {
    const out = rasterizePolygon([[0.6, 0], [2.4, 0], [2.4, 1], [0.6, 1]], 3, 1);
    expect([...out]).toEqual([0, 1, 0]);
  });
});

describe('RLE', () => {
  it('matches the COCO convention: column-major, starting with a zero run', () => {
    // h=2, w=3:
    //   0 1 1
    //   0 0 1   column-major: 0 0 | 1 0 | 1 1  -> runs 2 zeros, 1 one, 1 zero, 2 ones
    const mask = Uint8Array.from([0, 1, 1, 0, 0, 1]);
    expect(encodeRle(mask, 3, 2)).toEqual({ size: [2, 3], counts: [2, 1, 1, 2] });
    // A set first pixel gives a leading zero-length run.
    expect(encodeRle(Uint8Array.from([1, 1, 1, 1]), 2, 2)).toEqual({ size: [2, 2], counts: [0, 4] });
    expect(encodeRle(new Uint8Array(6), 3, 2)).toEqual({ size: [2, 3], counts: [6] });
    expect([...decodeRle({ size: [2, 3], counts: [2, 1, 1, 2] })]).toEqual([0, 1, 1, 0, 0, 1]);
  });

  it('round-trips random masks, including non-0/1 foreground values', () => {
    const next = rng(42);
    for (let trial = 0; trial < 50; trial++) {
      const width = 1 + Math.floor(next() * 40);
      const height = 1 + Math.floor(next() * 40);
      const density = next();
      const mask = Uint8Array.from({ length: width * height }, () => (next() < density ? 255 : 0));
      const rle = encodeRle(mask, width, height);
      expect(rle.counts.reduce((a, b) => a + b, 0)).toBe(width * height);
      expect(decodeRle(rle)).toEqual(Uint8Array.from(mask, (v) => (v ? 1 : 0)));
    }
  });

  it('rejects runs that do not cover the mask', () => {
    expect(() => decodeRle({ size: [2, 2], counts: [1, 2] })).toThrow(/covers 3/);
    expect(() => decodeRle({ size: [2, 2], counts: [3, 2] })).toThrow(RangeError);
    expect(() => decodeRle({ size: [2, 2], counts: [1.5, 2.5] })).toThrow(RangeError);
  });
});
