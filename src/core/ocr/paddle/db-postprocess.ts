/**
 * Post-processing of PaddleOCR's DB (differentiable binarisation) text
 * detector: its output is a text probability map whose connected regions are
 * the text lines' *shrunk* kernels. Each region becomes a rotated rectangle,
 * scored by its mean probability, then grown back by the DB "unclip" distance
 * (area × ratio / perimeter, as in PaddleOCR's DBPostProcess).
 */

/** A rotated rectangle: centre, size along its own axes, angle of its width axis in radians. */
export interface RotatedRect {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
  score: number;
}

export interface DbOptions {
  /** Probability above which a pixel is text (PaddleOCR det_db_thresh). */
  threshold: number;
  /** Mean probability a region needs to be kept (det_db_box_thresh). */
  boxThreshold: number;
  /** How far the kernel is grown back (det_db_unclip_ratio). */
  unclipRatio: number;
  /** Smallest side, in map pixels, of a kept box. */
  minSize: number;
}

export const DB_DEFAULTS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3 };

/**
 * The rectangle around a region's pixels. Elongated regions (text lines) are
 * measured along their principal axis so a skewed line gets a tight slanted
 * box; compact ones (a single character, a dot) keep an upright box, whose
 * principal axis would be meaningless.
 */
function regionRect(xs: Int32Array, ys: Int32Array, n: number): Omit<RotatedRect, 'score'> {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const axes = (a: number) => {
    const c = Math.cos(a);
    const s = Math.sin(a);
    let u0 = Infinity;
    let u1 = -Infinity;
    let v0 = Infinity;
    let v1 = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = xs[i]! * c + ys[i]! * s;
      const v = -xs[i]! * s + ys[i]! * c;
      if (u < u0) u0 = u;
      if (u > u1) u1 = u;
      if (v < v0) v0 = v;
      if (v > v1) v1 = v;
    }
    // +1: a pixel covers [x, x+1); the centre is mapped back to pixel centres.
    const w = u1 - u0 + 1;
    const h = v1 - v0 + 1;
    const uc = (u0 + u1) / 2;
    const vc = (v0 + v1) / 2;
    return { cx: uc * c - vc * s + 0.5, cy: uc * s + vc * c + 0.5, w, h, angle: a };
  };
  const tilted = axes(angle);
  if (Math.abs(angle) < 1e-3 || tilted.w < 2 * tilted.h) return axes(0);
  return tilted;
}

/** Text boxes in the probability map's own pixel coordinates. */
export function dbBoxes(prob: Float32Array, width: number, height: number, options: Partial<DbOptions> = {}): RotatedRect[] {
  const o = { ...DB_DEFAULTS, ...options };
  const n = width * height;
  const label = new Int32Array(n); // 0 = not visited
  const stack = new Int32Array(n);
  let xs = new Int32Array(4096);
  let ys = new Int32Array(4096);
  const boxes: RotatedRect[] = [];
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (label[start] !== 0 || prob[start]! <= o.threshold) continue;
    next++;
    let top = 0;
    let count = 0;
    let sum = 0;
    stack[top++] = start;
    label[start] = next;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      if (count === xs.length) {
        const grow = (a: Int32Array) => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        xs = grow(xs);
        ys = grow(ys);
      }
      xs[count] = x;
      ys[count] = y;
      count++;
      sum += prob[p]!;
      // 8-connected, as OpenCV's findContours sees a region.
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (label[q] === 0 && prob[q]! > o.threshold) {
            label[q] = next;
            stack[top++] = q;
          }
        }
      }
    }
    const score = sum / count;
    if (score < o.boxThreshold) continue;
    const r = regionRect(xs, ys, count);
    if (Math.min(r.w, r.h) < o.minSize) continue;
    const d = (r.w * r.h * o.unclipRatio) / (2 * (r.w + r.h));
    const grown = { ...r, w: r.w + 2 * d, h: r.h + 2 * d, score };
    if (Math.min(grown.w, grown.h) < o.minSize + 2) continue;
    boxes.push(grown);
  }
  return boxes;
}
