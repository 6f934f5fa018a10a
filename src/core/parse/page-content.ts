import type { PdfJs } from './pdf-open.ts';

/**
 * What a page draws besides text, read from its pdf.js operator list: how
 * much of the page images cover (a scan is one image over the whole page, or
 * a stack of strips), and whether it draws anything at all (text converted to
 * outlines, as CAD exports do, is paths and no text).
 */
export interface PageDrawing {
  /** Share of the page (0..1) under at least one image, measured on a 64×64 grid so overlaps count once. */
  imageCoverage: number;
  images: number;
  /** Paths, shadings or images: something an OCR engine could read when there is no text. */
  draws: boolean;
}

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];
const GRID = 64;

const multiply = (m: Matrix, n: readonly number[]): Matrix => [
  m[0] * n[0]! + m[2] * n[1]!, m[1] * n[0]! + m[3] * n[1]!,
  m[0] * n[2]! + m[2] * n[3]!, m[1] * n[2]! + m[3] * n[3]!,
  m[0] * n[4]! + m[2] * n[5]! + m[4], m[1] * n[4]! + m[3] * n[5]! + m[5],
];

/** The unit square (an image's space) under `m`, as an axis-aligned box. */
function unitSquareBox(m: Matrix): [number, number, number, number] {
  const xs = [m[4], m[0] + m[4], m[2] + m[4], m[0] + m[2] + m[4]];
  const ys = [m[5], m[1] + m[5], m[3] + m[5], m[1] + m[3] + m[5]];
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export function analyseDrawing(
  pdfjs: PdfJs,
  ops: { fnArray: number[]; argsArray: unknown[][] },
  view: [number, number, number, number],
): PageDrawing {
  const { OPS } = pdfjs;
  const imageOps = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageMaskXObject, OPS.paintSolidColorImageMask]);
  const paintOps = new Set<number>([OPS.constructPath, OPS.fill, OPS.eoFill, OPS.stroke, OPS.fillStroke, OPS.shadingFill, OPS.rawFillPath]);
  const [vx0, vy0, vx1, vy1] = view;
  const cellW = (vx1 - vx0) / GRID;
  const cellH = (vy1 - vy0) / GRID;
  const covered = new Uint8Array(GRID * GRID);
  let images = 0;
  let draws = false;

  const cover = (m: Matrix) => {
    images++;
    if (!(cellW > 0) || !(cellH > 0)) return;
    const [x0, y0, x1, y1] = unitSquareBox(m);
    const c0 = Math.max(0, Math.floor((x0 - vx0) / cellW));
    const c1 = Math.min(GRID - 1, Math.ceil((x1 - vx0) / cellW) - 1);
    const r0 = Math.max(0, Math.floor((y0 - vy0) / cellH));
    const r1 = Math.min(GRID - 1, Math.ceil((y1 - vy0) / cellH) - 1);
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) covered[r * GRID + c] = 1;
  };

  let ctm: Matrix = IDENTITY;
  const stack: Matrix[] = [];
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i]!;
    const args = ops.argsArray[i] ?? [];
    if (fn === OPS.save || fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      const form = fn === OPS.paintFormXObjectBegin ? (args[0] as number[] | null) : null;
      if (form) ctm = multiply(ctm, form);
    } else if (fn === OPS.restore || fn === OPS.paintFormXObjectEnd) {
      ctm = stack.pop() ?? IDENTITY;
    } else if (fn === OPS.transform) {
      ctm = multiply(ctm, args as number[]);
    } else if (imageOps.has(fn)) {
      draws = true;
      cover(ctm);
    } else if (fn === OPS.paintImageXObjectRepeat || fn === OPS.paintImageMaskXObjectRepeat) {
      // [objId, scaleX, scaleY, positions] / [imgData, scaleX, skewX, skewY, scaleY, positions]
      draws = true;
      const repeat = fn === OPS.paintImageXObjectRepeat;
      const [sx, kx, ky, sy] = repeat ? [args[1], 0, 0, args[2]] as number[] : [args[1], args[2], args[3], args[4]] as number[];
      const positions = (repeat ? args[3] : args[5]) as number[] | undefined ?? [];
      for (let p = 0; p + 1 < positions.length; p += 2) cover(multiply(ctm, [sx!, kx!, ky!, sy!, positions[p]!, positions[p + 1]!]));
    } else if (fn === OPS.paintInlineImageXObjectGroup || fn === OPS.paintImageMaskXObjectGroup) {
      draws = true;
      const parts = (fn === OPS.paintInlineImageXObjectGroup ? args[1] : args[0]) as Array<{ transform?: number[] }> | undefined ?? [];
      for (const part of parts) if (part.transform) cover(multiply(ctm, part.transform));
    } else if (paintOps.has(fn)) {
      draws = true;
    }
  }
  let marked = 0;
  for (const c of covered) marked += c;
  return { imageCoverage: marked / (GRID * GRID), images, draws };
}
