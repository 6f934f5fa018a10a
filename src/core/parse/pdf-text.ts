import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { BBox, TextRun } from './types.ts';

type TextContent = Awaited<ReturnType<PDFPageProxy['getTextContent']>>;
type TextItem = Extract<TextContent['items'][number], { str: string }>;
type TextStyle = TextContent['styles'][string];

/**
 * pdf.js text items → TextRuns: boxes in points with a top-left origin, and
 * fragments that pdf.js splits mid-word joined back into words and phrases.
 */

/** A font as the page uses it: its real name where the file gives one, and its weight and slant. */
export interface FontStyle {
  name?: string;
  bold: boolean;
  italic: boolean;
}

export type FontLookup = (loadedName: string) => FontStyle;

type Matrix = [number, number, number, number, number, number];

/** Below this gap (in em) two fragments of one font on one line are one word: pdf.js split them, the author did not. */
export const JOIN_GAP_EM = 0.15;
/** Below this gap they are one phrase with a space between (pdf.js itself calls wider gaps "not a space in the flow"). */
export const SPACE_GAP_EM = 0.6;
/** Fragments overlapping by more than this are drawn over each other (bold faked by overprinting, a stamp), not one word. */
const MAX_OVERLAP_EM = 0.5;
/** Baselines this close (in em) are one line. */
const SAME_LINE_EM = 0.2;

const multiply = (m: Matrix, n: number[]): Matrix => [
  m[0] * n[0]! + m[2] * n[1]!, m[1] * n[0]! + m[3] * n[1]!,
  m[0] * n[2]! + m[2] * n[3]!, m[1] * n[2]! + m[3] * n[3]!,
  m[0] * n[4]! + m[2] * n[5]! + m[4], m[1] * n[4]! + m[3] * n[5]! + m[5],
];

/** One item placed on the page (viewport space: points, y down). */
interface Placed {
  text: string;
  font: FontStyle;
  fontSize: number;
  /** Unit vector along the baseline. */
  dir: [number, number];
  origin: [number, number];
  end: [number, number];
  box: [number, number, number, number];
}

const round = (v: number) => Math.round(v * 100) / 100;

function place(item: TextItem, style: TextStyle | undefined, viewport: Matrix, font: FontStyle): Placed | null {
  const m = multiply(viewport, item.transform as number[]);
  const fontSize = Math.hypot(m[2], m[3]);
  const along = Math.hypot(m[0], m[1]);
  if (!(fontSize > 0) || !(along > 0) || !Number.isFinite(m[4]) || !Number.isFinite(m[5])) return null;
  const dir: [number, number] = [m[0] / along, m[1] / along];
  const origin: [number, number] = [m[4], m[5]];
  if (style?.vertical) {
    // Vertical writing: the item runs down the page from its origin, one em wide.
    const end: [number, number] = [origin[0], origin[1] + item.height];
    return { text: item.str, font, fontSize, dir: [0, 1], origin, end, box: [origin[0] - fontSize / 2, origin[1], origin[0] + fontSize / 2, end[1]] };
  }
  // "Up" from the baseline in a y-down space; ascent/descent are in em (descent negative).
  const up: [number, number] = [dir[1], -dir[0]];
  const ascent = style?.ascent && style.ascent > 0 ? style.ascent : 0.8;
  const descent = style?.descent && style.descent < 0 ? style.descent : -0.2;
  const end: [number, number] = [origin[0] + dir[0] * item.width, origin[1] + dir[1] * item.width];
  const corners = [
    [origin[0] + up[0] * descent * fontSize, origin[1] + up[1] * descent * fontSize],
    [origin[0] + up[0] * ascent * fontSize, origin[1] + up[1] * ascent * fontSize],
    [end[0] + up[0] * descent * fontSize, end[1] + up[1] * descent * fontSize],
    [end[0] + up[0] * ascent * fontSize, end[1] + up[1] * ascent * fontSize],
  ];
  const xs = corners.map((c) => c[0]!);
  const ys = corners.map((c) => c[1]!);
  return { text: item.str, font, fontSize, dir, origin, end, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] };
}

const sameFont = (a: Placed, b: Placed) =>
  a.font.name === b.font.name && a.font.bold === b.font.bold && a.font.italic === b.font.italic &&
  Math.abs(a.fontSize - b.fontSize) <= 0.05 * a.fontSize;

/** How `next` continues `prev`: joined as is, joined with a space, or not at all. */
function continuation(prev: Placed, next: Placed, spaceBetween: boolean): '' | ' ' | null {
  if (!sameFont(prev, next)) return null;
  if (prev.dir[0] * next.dir[0] + prev.dir[1] * next.dir[1] < 0.99) return null;
  const dx = next.origin[0] - prev.end[0];
  const dy = next.origin[1] - prev.end[1];
  const size = prev.fontSize;
  const across = Math.abs(dx * prev.dir[1] - dy * prev.dir[0]);
  if (across > SAME_LINE_EM * size) return null;
  const gap = (dx * prev.dir[0] + dy * prev.dir[1]) / size;
  if (gap < -MAX_OVERLAP_EM) return null;
  if (gap < JOIN_GAP_EM && !spaceBetween) return '';
  if (gap < SPACE_GAP_EM) return ' ';
  return null;
}

function toRun(p: Placed): TextRun | null {
  const text = p.text.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  const bbox: BBox = [round(p.box[0]), round(p.box[1]), round(p.box[2]), round(p.box[3])];
  const run: TextRun = { text, bbox, fontSize: round(p.fontSize), bold: p.font.bold, italic: p.font.italic };
  if (p.font.name) run.fontName = p.font.name;
  return run;
}

/**
 * Runs of one page in content order. `viewport` is the page viewport's
 * transform at scale 1 (PDF user space → points, top-left origin, /Rotate applied).
 */
export function textRuns(content: TextContent, viewport: number[], fonts: FontLookup): TextRun[] {
  const runs: TextRun[] = [];
  const vt = viewport as Matrix;
  let current: Placed | null = null;
  let spaceBetween = false;
  const flush = () => {
    const run = current && toRun(current);
    if (run) runs.push(run);
    current = null;
  };
  for (const raw of content.items) {
    if (!('str' in raw)) continue; // marked content
    const item = raw;
    if (!item.str.trim()) {
      spaceBetween = true;
      if (item.hasEOL) flush();
      continue;
    }
    const placed = place(item, content.styles[item.fontName], vt, fonts(item.fontName));
    if (!placed) continue;
    const joint: '' | ' ' | null = current ? continuation(current, placed, spaceBetween) : null;
    if (current && joint !== null) {
      const c: Placed = current;
      c.text += joint + placed.text;
      c.end = placed.end;
      c.box = [Math.min(c.box[0], placed.box[0]), Math.min(c.box[1], placed.box[1]), Math.max(c.box[2], placed.box[2]), Math.max(c.box[3], placed.box[3])];
    } else {
      flush();
      current = placed;
    }
    spaceBetween = false;
    if (item.hasEOL) flush();
  }
  flush();
  return runs;
}

/** A subset font's name carries a six-letter tag ('BCDEEE+Calibri') that differs per subset of one font: it is dropped. */
export function cleanFontName(name: string): string {
  return name.replace(/^[A-Z]{6}\+/, '');
}

const BOLD = /bold|black|heavy|semibold|demibold|demi\b|extrabold|ultrabold|[-,]bd(it)?$|\bbd\b/i;
const ITALIC = /italic|oblique|kursiv|[-,](bd)?it$|[-,]ital?$/i;

/** Weight and slant from the font's real name ('Arial-BoldItalicMT', 'TimesNewRoman,Bold'), or pdf.js's own flags when it set them. */
export function fontStyleFromName(rawName: string | undefined, flags: { bold?: boolean; italic?: boolean; black?: boolean } = {}): FontStyle {
  const name = rawName ? cleanFontName(rawName) : undefined;
  const style: FontStyle = {
    bold: flags.bold === true || flags.black === true || (name !== undefined && BOLD.test(name)),
    italic: flags.italic === true || (name !== undefined && ITALIC.test(name)),
  };
  if (name) style.name = name;
  return style;
}
