import type { BBox, TextRun } from '../parse/types.ts';
import { median, overlap, unionBBox } from './geometry.ts';
import { cleanText, isBareListMarker } from './text.ts';

/**
 * A stretch of a line that belongs together: the words of a sentence, one
 * table cell, a label or its value. A line breaks into segments at wide gaps
 * (and at narrower ones where the style changes or a label ends with ':').
 */
export interface Segment {
  text: string;
  bbox: BBox;
  fontSize: number;
  bold: boolean;
  italic: boolean;
}

/** Runs that share a baseline, left to right. */
export interface Line {
  page: number;
  segments: Segment[];
  bbox: BBox;
  text: string;
  /** The font size most of its characters have. */
  fontSize: number;
  bold: boolean;
  italic: boolean;
  /** Layout column: 0 for single-column text and full-width lines, 1 left, 2 right (two-column pages). */
  column: number;
}

interface Run {
  text: string;
  bbox: BBox;
  fontSize: number;
  bold: boolean;
  italic: boolean;
}

/** Gaps at least this many ems wide always separate segments (justified text stretches spaces to ~0.8 em). */
const SEGMENT_GAP_EM = 1.0;
/** Narrower gaps (≥ this) separate segments when the style changes or the left text is a label ('Report No.:'). */
const STYLE_GAP_EM = 0.5;
/** Runs closer than this are one word ('REI 7-6 (8/' + '9' + '/21)'). */
const GLUE_GAP_EM = 0.15;

const height = (b: BBox) => b[3] - b[1];

/**
 * pdf.js gives some items with several cells in one string ('Form # 131 Rev. 1   10/06/16'): split them
 * at runs of 3+ spaces, with positions estimated from the character count.
 */
function splitWideSpaces(run: TextRun): Run[] {
  const raw = run.text;
  const base = { fontSize: run.fontSize, bold: run.bold, italic: run.italic };
  if (!/\S\s{3,}\S/.test(raw)) return [{ ...base, text: cleanText(raw), bbox: run.bbox }];
  const perChar = (run.bbox[2] - run.bbox[0]) / Math.max(1, raw.length);
  const out: Run[] = [];
  for (const m of raw.matchAll(/\S+(?:\s{1,2}\S+)*/g)) {
    const x0 = run.bbox[0] + m.index * perChar;
    out.push({ ...base, text: cleanText(m[0]), bbox: [x0, run.bbox[1], x0 + m[0].length * perChar, run.bbox[3]] });
  }
  return out;
}

function prepareRuns(runs: readonly TextRun[]): Run[] {
  const out: Run[] = [];
  for (const r of runs.flatMap(splitWideSpaces)) {
    if (r.text === '' || !(height(r.bbox) > 0)) continue;
    // Some writers fake bold by drawing the same text twice, a hair apart: keep one copy.
    const twin = out.find((o) => o.text === r.text && Math.abs(o.bbox[0] - r.bbox[0]) < 1.5 && Math.abs(o.bbox[1] - r.bbox[1]) < 1.5);
    if (!twin) out.push(r);
  }
  return out;
}

interface LineBuilder {
  runs: Run[];
  top: number;
  bottom: number;
}

/** Does the run sit on the line: vertical overlap ≥ half the smaller height, and no collision with a run already there. */
function fitsLine(line: LineBuilder, run: Run): number {
  const ov = overlap(run.bbox[1], run.bbox[3], line.top, line.bottom);
  const ratio = ov / Math.max(0.1, Math.min(height(run.bbox), line.bottom - line.top));
  if (ratio < 0.5) return 0;
  for (const o of line.runs) {
    const h = overlap(o.bbox[0], o.bbox[2], run.bbox[0], run.bbox[2]);
    if (h > 0.3 * Math.min(o.bbox[2] - o.bbox[0], run.bbox[2] - run.bbox[0])) return 0;
  }
  return ratio;
}

/**
 * Runs much taller than the page's text (a filled-in form box, 19 pt high over
 * two printed lines) go last, onto the line they cover most, so that they
 * cannot pull two lines together.
 */
const TALL_RUN = 1.5;

function groupIntoLines(runs: Run[]): LineBuilder[] {
  const typical = median(runs.map((r) => height(r.bbox)));
  const isTall = (r: Run) => height(r.bbox) > TALL_RUN * typical;
  const byMiddle = (a: Run, b: Run) => (a.bbox[1] + a.bbox[3]) / 2 - (b.bbox[1] + b.bbox[3]) / 2 || a.bbox[0] - b.bbox[0];
  const lines: LineBuilder[] = [];
  for (const run of runs.filter((r) => !isTall(r)).sort(byMiddle)) addToLines(lines, run);
  for (const run of runs.filter(isTall).sort(byMiddle)) {
    let best: LineBuilder | null = null;
    let bestCover = 0.5;
    for (const line of lines) {
      const cover = overlap(run.bbox[1], run.bbox[3], line.top, line.bottom) / Math.max(0.1, line.bottom - line.top);
      if (cover > bestCover && fitsLine(line, run) > 0) [best, bestCover] = [line, cover];
    }
    if (best) best.runs.push(run);
    else addToLines(lines, run);
  }
  return lines;
}

function addToLines(lines: LineBuilder[], run: Run): void {
  let best: LineBuilder | null = null;
  let bestRatio = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.bottom < run.bbox[1] - 50) break;
    const ratio = fitsLine(line, run);
    if (ratio > bestRatio) [best, bestRatio] = [line, ratio];
  }
  if (best) {
    best.runs.push(run);
    // The band is the median of its runs, so one tall or offset run cannot drag the line onto its neighbours.
    best.top = median(best.runs.map((r) => r.bbox[1]));
    best.bottom = median(best.runs.map((r) => r.bbox[3]));
  } else {
    lines.push({ runs: [run], top: run.bbox[1], bottom: run.bbox[3] });
  }
}

const sameStyle = (a: Run, b: Run) =>
  a.bold === b.bold && a.italic === b.italic && Math.max(a.fontSize, b.fontSize) / Math.max(0.1, Math.min(a.fontSize, b.fontSize)) < 1.15;

function startsSegment(prev: Run, run: Run, prevText: string): boolean {
  const gap = run.bbox[0] - prev.bbox[2];
  const em = Math.max(1, (prev.fontSize + run.fontSize) / 2);
  if (gap >= SEGMENT_GAP_EM * em) return true;
  // A label and a value in another style (a form's filled-in text) part even when they touch: 'Comments:' 'For the …'.
  if (/:$/.test(prevText) && !sameStyle(prev, run) && gap > -0.5 * em) return true;
  return gap >= STYLE_GAP_EM * em && (!sameStyle(prev, run) || /:$/.test(prevText));
}

/** Character-weighted majority of a property over runs. */
function dominant<T>(runs: readonly Run[], get: (r: Run) => T): T {
  const weight = new Map<T, number>();
  for (const r of runs) weight.set(get(r), (weight.get(get(r)) ?? 0) + r.text.length);
  return [...weight.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

function toSegment(runs: Run[]): Segment {
  let text = runs[0]!.text;
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i]!.bbox[0] - runs[i - 1]!.bbox[2];
    text += gap < GLUE_GAP_EM * runs[i]!.fontSize ? runs[i]!.text : ' ' + runs[i]!.text;
  }
  return {
    text,
    bbox: unionBBox(runs.map((r) => r.bbox)),
    fontSize: dominant(runs, (r) => r.fontSize),
    bold: dominant(runs, (r) => r.bold),
    italic: dominant(runs, (r) => r.italic),
  };
}

function segmentsOf(runs: Run[]): Segment[] {
  const byX = [...runs].sort((a, b) => a.bbox[0] - b.bbox[0]);
  const groups: Run[][] = [];
  for (const run of byX) {
    const current = groups.at(-1);
    const prev = current?.at(-1);
    if (current && prev && !startsSegment(prev, run, toSegment(current).text)) current.push(run);
    else groups.push([run]);
  }
  // A bullet, 'a.' or a form's checkboxes drawn apart from their text belong to that text, not to columns of their own.
  for (let i = 0; i < groups.length - 1; i++) {
    while (i < groups.length - 1 && isBareListMarker(toSegment(groups[i]!).text)) {
      groups.splice(i, 2, [...groups[i]!, ...groups[i + 1]!]);
    }
  }
  return groups.map(toSegment);
}

/** Builds a line from segments (also used to rebuild a line after some of its segments were taken away). */
export function lineFromSegments(page: number, segments: Segment[], column = 0): Line {
  const runs: Run[] = segments.map((s) => ({ ...s }));
  return {
    page,
    segments,
    bbox: unionBBox(segments.map((s) => s.bbox)),
    text: segments.map((s) => s.text).join(' '),
    fontSize: dominant(runs, (r) => r.fontSize),
    bold: dominant(runs, (r) => r.bold),
    italic: dominant(runs, (r) => r.italic),
    column,
  };
}

/** The page's text runs as lines, top to bottom. */
export function buildLines(page: number, runs: readonly TextRun[]): Line[] {
  return groupIntoLines(prepareRuns(runs))
    .map((l) => lineFromSegments(page, segmentsOf(l.runs)))
    .sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
}
