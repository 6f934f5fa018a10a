import { median } from './geometry.ts';
import { lineFromSegments, type Line } from './lines.ts';
import { letterCount, wordCount } from './text.ts';

/**
 * Reading order of one page. Most inspection reports are one column, read top
 * to bottom. A two-column page is recognised by a vertical gutter that no line
 * crosses, with prose (not table cells) on both sides; it is read band by band
 * (bands are separated by full-width lines such as a title), left column first.
 */

const MIN_COLUMN_LINES = 5;
/** Lines in a column of prose are long, one stretch of words; table cells and form values are short. */
const MIN_MEDIAN_WORDS = 5;
const MIN_MEDIAN_CHARS = 25;
const MIN_GUTTER = 8;

interface Gutter {
  x0: number;
  x1: number;
}

/** Free vertical strips in the middle half of the text area that no segment covers. */
function candidateGutters(lines: readonly Line[]): Gutter[] {
  const minX = Math.min(...lines.map((l) => l.bbox[0]));
  const maxX = Math.max(...lines.map((l) => l.bbox[2]));
  const width = maxX - minX;
  const from = Math.floor(minX + 0.25 * width);
  const to = Math.ceil(minX + 0.75 * width);
  const covered = new Uint16Array(Math.max(0, to - from));
  for (const l of lines) {
    for (const s of l.segments) {
      for (let x = Math.max(from, Math.floor(s.bbox[0])); x < Math.min(to, Math.ceil(s.bbox[2])); x++) covered[x - from]!++;
    }
  }
  // A title or a footnote may cross the gutter: allow a few crossings.
  const allowed = Math.max(1, Math.floor(lines.length * 0.1));
  const gutters: Gutter[] = [];
  let start = -1;
  for (let i = 0; i <= covered.length; i++) {
    const free = i < covered.length && covered[i]! <= allowed;
    if (free && start < 0) start = i;
    if (!free && start >= 0) {
      if (i - start >= MIN_GUTTER) gutters.push({ x0: from + start, x1: from + i });
      start = -1;
    }
  }
  return gutters;
}

type Side = 'left' | 'right' | 'span';

function split(line: Line, g: Gutter): Array<{ side: Side; line: Line }> {
  const left = line.segments.filter((s) => s.bbox[2] <= g.x0);
  const right = line.segments.filter((s) => s.bbox[0] >= g.x1);
  if (left.length + right.length < line.segments.length) return [{ side: 'span', line }];
  const out: Array<{ side: Side; line: Line }> = [];
  if (left.length) out.push({ side: 'left', line: lineFromSegments(line.page, left, 1) });
  if (right.length) out.push({ side: 'right', line: lineFromSegments(line.page, right, 2) });
  return out;
}

function isProse(lines: readonly Line[]): boolean {
  return median(lines.map((l) => l.segments.length)) === 1
    && median(lines.map((l) => wordCount(l.text))) >= MIN_MEDIAN_WORDS
    && median(lines.map((l) => l.text.length)) >= MIN_MEDIAN_CHARS
    && letterCount(lines.map((l) => l.text).join('')) >= 0.6 * lines.reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0);
}

function isTwoColumn(parts: Array<{ side: Side; line: Line }>): boolean {
  const left = parts.filter((p) => p.side === 'left').map((p) => p.line);
  const right = parts.filter((p) => p.side === 'right').map((p) => p.line);
  if (left.length < MIN_COLUMN_LINES || right.length < MIN_COLUMN_LINES) return false;
  if (!isProse(left) || !isProse(right)) return false;
  // Both columns must run beside each other, not one above the other.
  const top = Math.max(left[0]!.bbox[1], right[0]!.bbox[1]);
  const bottom = Math.min(left.at(-1)!.bbox[3], right.at(-1)!.bbox[3]);
  const shorter = Math.min(left.at(-1)!.bbox[3] - left[0]!.bbox[1], right.at(-1)!.bbox[3] - right[0]!.bbox[1]);
  return bottom - top >= 0.5 * shorter;
}

/** The page's lines (top to bottom) in reading order; lines of a two-column band get column 1 or 2. */
export function readingOrder(lines: readonly Line[]): Line[] {
  if (lines.length < MIN_COLUMN_LINES) return [...lines];
  for (const g of candidateGutters(lines)) {
    const parts = lines.flatMap((l) => split(l, g));
    if (!isTwoColumn(parts)) continue;
    const out: Line[] = [];
    let band: Array<{ side: Side; line: Line }> = [];
    const flush = () => {
      out.push(...band.filter((p) => p.side === 'left').map((p) => p.line), ...band.filter((p) => p.side === 'right').map((p) => p.line));
      band = [];
    };
    for (const p of parts) {
      if (p.side === 'span') {
        flush();
        out.push(p.line);
      } else band.push(p);
    }
    flush();
    return out;
  }
  return [...lines];
}
