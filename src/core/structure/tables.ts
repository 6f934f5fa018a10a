import type { BBox } from '../parse/types.ts';
import type { Table, TableCell } from './types.ts';
import { labelKey, type FieldPart } from './fields.ts';
import { median, overlap, unionBBox } from './geometry.ts';
import type { Line, Segment } from './lines.ts';
import { isAllCaps, isNumericCell, wordCount } from './text.ts';

/**
 * Tables from the alignment of text: consecutive lines broken into several
 * segments whose segments fall into the same vertical bands (columns). The
 * bands come from the fullest lines (the "anchors"); other lines (a header
 * over two lines, a row with empty cells) are placed into those bands.
 *
 * A table whose columns are labels ('MAWP (psi):' … '225') is a form: it
 * becomes fields rather than a table.
 */

export type TableFinding =
  | { kind: 'table'; start: number; end: number; table: Table; bbox: BBox }
  | { kind: 'form'; start: number; end: number; fields: FieldPart[] };

interface Column {
  x0: number;
  x1: number;
}

interface Row {
  cells: Array<{ segments: Segment[] }>;
  lines: Line[];
}

/** Rows further apart than this (in ems) are not one table. */
const MAX_ROW_GAP_EM = 2.5;
/** Lines closer than this (in ems) are one row or one header drawn over several lines. */
const STACKED_GAP_EM = 0.8;
/** Narrower free strips between segments are not a column gap. */
const MIN_GUTTER = 2.5;
const MIN_ROWS = 3;
/** A header drawn over more lines than this is not a header. */
const MAX_HEADER_LINES = 8;

const gapBetween = (upper: Line, lower: Line) => lower.bbox[1] - upper.bbox[3];
const em = (l: Line) => Math.max(1, l.fontSize);

/** Last index of a run of table-like lines starting at `i`: multi-segment lines, close together, in one column. */
function growRun(lines: readonly Line[], i: number): number {
  let last = i;
  for (let k = i + 1; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.column !== lines[i]!.column) break;
    if (gapBetween(lines[k - 1]!, line) > MAX_ROW_GAP_EM * Math.min(em(line), em(lines[k - 1]!))) break;
    if (line.segments.length >= 2) last = k;
    // A one-piece line may be header text stacked over the columns or a cell's wrapped text; set apart, it is a title.
    else if (k - last > 2 || gapBetween(lines[k - 1]!, line) > STACKED_GAP_EM * em(line)) break;
  }
  return last;
}

/** Columns: the x ranges covered by the anchor lines, split where (almost) no anchor has text. */
function columnsOf(anchors: readonly Line[]): Column[] {
  const x0 = Math.floor(Math.min(...anchors.flatMap((l) => l.segments.map((s) => s.bbox[0]))));
  const x1 = Math.ceil(Math.max(...anchors.flatMap((l) => l.segments.map((s) => s.bbox[2]))));
  const coverage = new Uint16Array(x1 - x0 + 1);
  for (const l of anchors) {
    const mark = new Uint8Array(coverage.length);
    for (const s of l.segments) for (let x = Math.floor(s.bbox[0]); x < Math.ceil(s.bbox[2]); x++) mark[x - x0] = 1;
    for (let i = 0; i < mark.length; i++) coverage[i]! += mark[i]!;
  }
  // With many rows, one cell that runs over its neighbour's gap must not join the two columns.
  const allowed = Math.floor(anchors.length * 0.15);
  const columns: Column[] = [];
  let start = -1;
  let lastCovered = -1;
  for (let i = 0; i <= coverage.length; i++) {
    const covered = i < coverage.length && coverage[i]! > allowed;
    if (!covered) continue;
    if (start >= 0 && i - lastCovered - 1 >= MIN_GUTTER) {
      columns.push({ x0: x0 + start, x1: x0 + lastCovered + 1 });
      start = -1;
    }
    if (start < 0) start = i;
    lastCovered = i;
  }
  if (start >= 0) columns.push({ x0: x0 + start, x1: x0 + lastCovered + 1 });
  // A cell alone in a strip no column covers ('INCONCLUSIVE' over a column that nobody ticked) is a column of its own.
  const lonely = anchors.flatMap((l) => l.segments).filter((s) => columns.every((c) => overlap(s.bbox[0], s.bbox[2], c.x0, c.x1) === 0));
  for (const s of lonely.sort((a, b) => a.bbox[0] - b.bbox[0])) {
    const near = columns.find((c) => overlap(s.bbox[0], s.bbox[2], c.x0, c.x1) > 0);
    if (near) [near.x0, near.x1] = [Math.min(near.x0, s.bbox[0]), Math.max(near.x1, s.bbox[2])];
    else columns.push({ x0: s.bbox[0], x1: s.bbox[2] });
  }
  return columns.sort((a, b) => a.x0 - b.x0);
}

function columnOf(seg: Segment, columns: readonly Column[]): number {
  let best = -1;
  let bestOverlap = 0;
  columns.forEach((c, i) => {
    const ov = overlap(seg.bbox[0], seg.bbox[2], c.x0, c.x1);
    if (ov > bestOverlap) [best, bestOverlap] = [i, ov];
  });
  if (best >= 0) return best;
  let nearest = 0;
  let distance = Infinity;
  columns.forEach((c, i) => {
    const d = Math.max(c.x0 - seg.bbox[2], seg.bbox[0] - c.x1);
    if (d < distance) [nearest, distance] = [i, d];
  });
  return nearest;
}

/** A line fits the table when it stays within its width and none of its segments bridges a gap between columns. */
function fits(line: Line, columns: readonly Column[], fontSize: number): boolean {
  // A larger font is a title; a smaller one may be a cell shrunk to fit its text ('South Head Center').
  if (line.fontSize > 1.2 * fontSize || line.fontSize < 0.5 * fontSize) return false;
  const left = columns[0]!.x0 - 2 * fontSize;
  const right = columns.at(-1)!.x1 + 2 * fontSize;
  for (const s of line.segments) {
    if (s.bbox[0] < left || s.bbox[2] > right) return false;
    for (let c = 0; c < columns.length - 1; c++) {
      if (s.bbox[0] < columns[c]!.x1 - 1 && s.bbox[2] > columns[c + 1]!.x0 + 1) return false;
    }
  }
  return true;
}

const cellText = (c: { segments: Segment[] }) => c.segments.map((s) => s.text).join(' ');

/** A cell that holds a measurement (a header may say '45°', 'CS1' or 'N/A', which are not data). */
const isDataCell = (text: string) => /\d/.test(text) && isNumericCell(text) && !/^\d+\s*°$/.test(text.trim());

function toRow(line: Line, columns: readonly Column[]): Row {
  const cells = columns.map(() => ({ segments: [] as Segment[] }));
  for (const s of line.segments) cells[columnOf(s, columns)]!.segments.push(s);
  return { cells, lines: [line] };
}

/**
 * A header cell centred over the gap between two columns ('Shipment Quantity'
 * over 'Units' and 'Ctns') heads both of them.
 */
function toHeaderRow(line: Line, columns: readonly Column[]): Row {
  const cells = columns.map(() => ({ segments: [] as Segment[] }));
  for (const s of line.segments) {
    const mid = (s.bbox[0] + s.bbox[2]) / 2;
    const gapAt = columns.findIndex((c, i) => i + 1 < columns.length && mid > c.x1 && mid < columns[i + 1]!.x0);
    const spanned = gapAt >= 0 ? [gapAt, gapAt + 1].filter((i) => overlap(s.bbox[0], s.bbox[2], columns[i]!.x0 - 6, columns[i]!.x1 + 6) > 0) : [];
    if (spanned.length === 2) for (const i of spanned) cells[i]!.segments.push(s);
    else cells[columnOf(s, columns)]!.segments.push(s);
  }
  return { cells, lines: [line] };
}

function mergeRows(rows: readonly Row[]): Row {
  return {
    cells: rows[0]!.cells.map((_, c) => ({ segments: rows.flatMap((r) => r.cells[c]!.segments) })),
    lines: rows.flatMap((r) => r.lines),
  };
}

const isDate = (text: string) => /^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(text.trim());
const isDataRow = (r: Row) => r.cells.some((c) => isDataCell(cellText(c)));
const rowBold = (r: Row) => r.lines.every((l) => l.bold);
const rowCaps = (r: Row) => isAllCaps(r.lines.map((l) => l.text).join(' '));

/**
 * How many of the first rows are the header: the rows before the first row with
 * measurements; in a table of words only, a first row that is bold or in
 * capitals while the next is not.
 */
function headerRowCount(rows: readonly Row[]): number {
  const firstData = rows.findIndex(isDataRow);
  // More than a few lines of words before the first number is a table of words, not a tall header.
  if (firstData > 0 && firstData <= MAX_HEADER_LINES) return firstData;
  if (rows.length < 2) return 0;
  const [a, b] = [rows[0]!, rows[1]!];
  return (rowBold(a) && !rowBold(b)) || (rowCaps(a) && !rowCaps(b)) ? 1 : 0;
}

/**
 * Header lines stacked close together ('Nominal' / 'Design' / 'Thickness' /
 * '(in.)') are one header row: closer than the body's rows are to each other.
 * Lines of words below that first group are body rows.
 */
function mergeStackedHeader(rows: Row[], headerRows: number): { rows: Row[]; headerRows: number } {
  if (headerRows < 2) return { rows, headerRows };
  const body = rows.slice(headerRows);
  const bodyGap = body.length >= 2 ? median(body.slice(1).map((r, i) => gapBetween(body[i]!.lines.at(-1)!, r.lines[0]!))) : Infinity;
  let n = 1;
  while (n < headerRows) {
    const gap = gapBetween(rows[n - 1]!.lines.at(-1)!, rows[n]!.lines[0]!);
    if (gap > STACKED_GAP_EM * em(rows[n]!.lines[0]!) || gap >= 0.7 * bodyGap) break;
    n++;
  }
  return { rows: [mergeRows(rows.slice(0, n)), ...rows.slice(n)], headerRows: 1 };
}

/**
 * A body line much closer to the row above than rows are to each other, with
 * nothing in the first column, is that row's text wrapping ('Notes' over two lines).
 */
function mergeWrappedCells(rows: Row[], headerRows: number): Row[] {
  const body = rows.slice(headerRows);
  const gaps = body.slice(1).map((r, i) => gapBetween(body[i]!.lines.at(-1)!, r.lines[0]!));
  const typical = median(gaps);
  const out = rows.slice(0, headerRows);
  for (const r of body) {
    const prev = out.length > headerRows ? out.at(-1) : undefined;
    const gap = prev ? gapBetween(prev.lines.at(-1)!, r.lines[0]!) : Infinity;
    const wraps = prev && r.cells[0]!.segments.length === 0 && !isDataRow(r) && gap < 0.35 * em(r.lines[0]!) && gap < 0.5 * typical
      && r.cells.every((c, i) => c.segments.length === 0 || prev.cells[i]!.segments.length > 0);
    if (wraps) out[out.length - 1] = mergeRows([prev, r]);
    else out.push(r);
  }
  return out;
}

function toTable(rows: readonly Row[], headerRows: number): Table {
  const used = rows[0]!.cells.map((_, c) => rows.some((r) => r.cells[c]!.segments.length > 0));
  const cell = (c: { segments: Segment[] }): TableCell =>
    c.segments.length ? { text: cellText(c), bbox: unionBBox(c.segments.map((s) => s.bbox)) } : { text: '' };
  return { rows: rows.map((r) => r.cells.filter((_, c) => used[c]).map(cell)), headerRows };
}

/**
 * Columns of labels ('Product:', 'Year Built:') make the table a form: each
 * label with the cell to its right is a field. Null when the table is not one.
 */
function formFields(rows: readonly Row[]): FieldPart[] | null {
  const columns = rows[0]!.cells.length;
  const isLabelColumn = Array.from({ length: columns }, (_, c) => {
    const texts = rows.map((r) => cellText(r.cells[c]!)).filter((t) => t !== '');
    return texts.length >= 2 && texts.filter((t) => /:$/.test(t)).length >= 0.5 * texts.length && !texts.some(isDataCell);
  });
  if (!isLabelColumn.some(Boolean)) return null;
  const isColonLabel = (r: Row | undefined, i: number) => r !== undefined && r.cells[i]!.segments.length > 0 && labelKey(cellText(r.cells[i]!)) !== null;
  // 'Surface Temp.' under 'Heat Number:' is a label too, though its colon was left off.
  const looksLikeLabel = (t: string) => wordCount(t) <= 4 && !/\d/.test(t) && /^\p{Lu}/u.test(t);
  const isLabel = (r: Row, i: number) => {
    if (r.cells[i]!.segments.length === 0) return false;
    if (isLabelColumn[i] || isColonLabel(r, i)) return true;
    const above = rows[rows.indexOf(r) - 1];
    return isColonLabel(above, i) && looksLikeLabel(cellText(r.cells[i]!));
  };
  const fields: FieldPart[] = [];
  let cells = 0;
  let consumed = 0;
  for (const r of rows) {
    r.cells.forEach((c, i) => {
      if (c.segments.length === 0) return;
      cells++;
      if (!isLabel(r, i)) return;
      // The value is whatever stands in the cells to the right, up to the next label.
      const valueCells = [];
      for (let j = i + 1; j < columns && !isLabel(r, j); j++) if (r.cells[j]!.segments.length) valueCells.push(r.cells[j]!);
      const text = cellText(c);
      fields.push({
        key: labelKey(text) ?? text.replace(/\s*:$/, ''),
        value: valueCells.map(cellText).join(' '),
        bbox: unionBBox([...c.segments, ...valueCells.flatMap((v) => v.segments)].map((s) => s.bbox)),
        inline: false,
      });
      consumed += 1 + valueCells.length;
    });
  }
  // Text outside the label/value pairs means this is a table that happens to have a label column.
  return consumed >= 0.8 * cells ? fields : null;
}

/**
 * Values over their captions: a form that prints a small italic caption under
 * each box ('Binsr Demo' over 'Name of Client'). Null unless the rows pair up
 * that way.
 */
function captionFields(rows: readonly Row[]): FieldPart[] | null {
  const isCaptionRow = (r: Row) => r.lines.every((l) => l.segments.every((s) => s.italic)) && !r.cells.some((c) => isDataCell(cellText(c)));
  const fields: FieldPart[] = [];
  let paired = 0;
  rows.forEach((r, i) => {
    const above = rows[i - 1];
    if (!isCaptionRow(r) || !above || isCaptionRow(above)) return;
    paired += 2;
    r.cells.forEach((c, col) => {
      if (c.segments.length === 0) return;
      const value = above.cells[col]!;
      fields.push({ key: cellText(c).replace(/\s*:$/, ''), value: cellText(value), bbox: unionBBox([...c.segments, ...value.segments].map((s) => s.bbox)), inline: false });
    });
  });
  return paired >= 4 && paired >= rows.length - 1 ? fields : null;
}

/**
 * Labels over values: a row of labels above a single row of values ('Report
 * No.' over '54-11-001-11'). The labels must stand out (bold, italic or
 * smaller): two rows in one style are two rows of a table.
 */
function labelRowFields(rows: readonly Row[]): FieldPart[] | null {
  const [labels, values] = [rows[0]!, rows[1]!];
  const segs = (r: Row) => r.lines.flatMap((l) => l.segments);
  const all = (r: Row, f: (s: Segment) => boolean) => segs(r).every(f);
  const standsOut = (all(labels, (s) => s.bold) && !all(values, (s) => s.bold))
    || (all(labels, (s) => s.italic) && !all(values, (s) => s.italic))
    || median(segs(labels).map((s) => s.fontSize)) < 0.9 * median(segs(values).map((s) => s.fontSize));
  if (!standsOut) return null;
  const fields: FieldPart[] = [];
  labels.cells.forEach((c, i) => {
    const value = values.cells[i]!;
    if (c.segments.length && value.segments.length) {
      fields.push({ key: cellText(c).replace(/\s*:$/, ''), value: cellText(value), bbox: unionBBox([...c.segments, ...value.segments].map((s) => s.bbox)), inline: false });
    }
  });
  return fields.length >= 2 ? fields : null;
}

/**
 * A header drawn over several lines has cells that span the columns below
 * them ('Units Packed in' over 'Qty' and '%'): tight above the table, words
 * only, in the table's font, and no cell over more than a few columns.
 */
function isStackedHeader(line: Line, below: Line, columns: readonly Column[], fontSize: number): boolean {
  if (gapBetween(line, below) > STACKED_GAP_EM * em(line) || Math.abs(line.fontSize - fontSize) > 0.2 * fontSize) return false;
  // Words only, and no sentence: the end of a paragraph just above the table is not its header.
  if (line.segments.some((s) => isDataCell(s.text) || (/[.!?]$/.test(s.text) && s.text.split(/\s+/).length >= 3))) return false;
  const left = columns[0]!.x0 - fontSize;
  const right = columns.at(-1)!.x1 + fontSize;
  return line.segments.every((s) => s.bbox[0] >= left && s.bbox[2] <= right
    && columns.filter((c) => overlap(s.bbox[0], s.bbox[2], c.x0, c.x1) > 0).length <= 3);
}

/**
 * The table's lines: from its first anchor row, up over header lines that fit
 * its columns, and down while lines fit (a line that bridges a column gap, a
 * heading or a paragraph, ends the table).
 */
function extent(lines: readonly Line[], first: number, floor: number, runEnd: number, anchors: ReadonlySet<number>, columns: Column[], fontSize: number): [number, number] {
  const close = (upper: Line, lower: Line, line: Line) => {
    const g = gapBetween(upper, lower);
    return g <= STACKED_GAP_EM * em(line) || (line.segments.length >= 2 && g <= MAX_ROW_GAP_EM * em(line));
  };
  let start = first;
  while (start - 1 > floor) {
    const line = lines[start - 1]!;
    if (line.column !== lines[first]!.column || !close(line, lines[start]!, line)) break;
    if (!fits(line, columns, fontSize) && !isStackedHeader(line, lines[start]!, columns, fontSize)) break;
    // One piece over the first column only ('GAS (QW-408)' over the gas table) is the table's title, not its header.
    if (line.segments.length === 1 && columnOf(line.segments[0]!, columns) === 0 && lines[start]!.segments.length >= 2
      && line.segments[0]!.bbox[2] < columns[1]!.x0) break;
    start--;
  }
  let end = first;
  while (end + 1 <= runEnd) {
    const line = lines[end + 1]!;
    if (!close(lines[end]!, line, line) || !(anchors.has(end + 1) || fits(line, columns, fontSize))) break;
    end++;
  }
  return [start, end];
}

function analyse(lines: readonly Line[], from: number, runEnd: number, floor: number): TableFinding | null {
  const run = lines.slice(from, runEnd + 1);
  const counts = run.map((l) => l.segments.length).sort((a, b) => b - a);
  // The most segments that at least two lines have: one odd line must not set the bar.
  const fullest = counts[1] ?? 0;
  if (fullest < 2) return null;
  const anchorMin = Math.max(2, Math.ceil(0.6 * fullest));
  const candidates = run.map((l, i) => (l.segments.length >= anchorMin ? from + i : -1)).filter((i) => i >= 0);
  // A title line in a larger font ('OVERALL INSPECTION CONCLUSION … PASSED') is not a row.
  const typicalSize = median(candidates.map((i) => lines[i]!.fontSize));
  const anchorIdx = candidates.filter((i) => Math.abs(lines[i]!.fontSize - typicalSize) <= 0.2 * typicalSize);
  if (anchorIdx.length < 2) return null;
  const anchors = anchorIdx.map((i) => lines[i]!);
  const columns = columnsOf(anchors);
  if (columns.length < 2) return null;
  // Anchor rows of a real table put one segment in a cell; a grid of label/value boxes of varying widths
  // (each row its own layout) crams several into one: that is a form to read line by line.
  const cells = anchors.flatMap((l) => {
    const per = new Map<number, number>();
    for (const seg of l.segments) per.set(columnOf(seg, columns), (per.get(columnOf(seg, columns)) ?? 0) + 1);
    return [...per.values()];
  });
  if (cells.filter((n) => n > 1).length > 0.15 * cells.length) return null;
  const fontSize = median(anchors.map((l) => l.fontSize));
  const [start, end] = extent(lines, anchorIdx[0]!, floor, runEnd, new Set(anchorIdx), columns, fontSize);

  let rows = lines.slice(start, end + 1).map((l) => toRow(l, columns));
  const captioned = captionFields(rows);
  if (captioned) return { kind: 'form', start, end, fields: captioned };
  let headerRows = headerRowCount(rows);
  rows = rows.map((r, i) => (i < headerRows ? toHeaderRow(r.lines[0]!, columns) : r));
  ({ rows, headerRows } = mergeStackedHeader(rows, headerRows));
  rows = mergeWrappedCells(rows, headerRows);

  const filled = rows.filter((r) => r.cells.filter((c) => c.segments.length).length >= 2).length;
  const form = rows.length >= 2 ? formFields(rows) : null;
  if (form) return { kind: 'form', start, end, fields: form };
  // Words over one row of words ('Report No.' over '54-11-001-11') are labels and values; over measurements, a table.
  const measurements = rows.at(-1)!.cells.filter((c) => isDataCell(cellText(c)) && !isDate(cellText(c))).length;
  if (rows.length === 2 && filled === 2 && measurements < 2 && !isDataRow(rows[0]!)) {
    const fields = labelRowFields(rows);
    if (fields) return { kind: 'form', start, end, fields };
  }
  if ((rows.length < MIN_ROWS && !(rows.length === 2 && headerRows === 1)) || filled < 2) return null;
  const table = toTable(rows, headerRows);
  if (table.rows[0]!.length < 2) return null;
  return { kind: 'table', start, end, table, bbox: unionBBox(lines.slice(start, end + 1).map((l) => l.bbox)) };
}

/** Tables and forms among the lines (in reading order), as index ranges that do not overlap. */
export function findTables(lines: readonly Line[]): TableFinding[] {
  const out: TableFinding[] = [];
  let floor = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.segments.length < 2) continue;
    const found = analyse(lines, i, growRun(lines, i), floor);
    if (!found) continue;
    out.push(found);
    floor = found.end;
    i = found.end;
  }
  return out;
}
