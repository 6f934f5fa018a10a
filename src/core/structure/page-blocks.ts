import type { BBox } from '../parse/types.ts';
import type { BlockKind, Table } from './types.ts';
import { labelKey, parseInlineField, splitLineFields, type FieldPart, type LinePiece } from './fields.ts';
import { unionBBox } from './geometry.ts';
import { looksLikeHeading, splitNumbering, type HeadingContext } from './headings.ts';
import { lineFromSegments, type Line } from './lines.ts';
import type { TableFinding } from './tables.ts';
import { listMarker, wordCount } from './text.ts';

/**
 * One page's lines (reading order, headers and footers already taken out)
 * become blocks: headings, paragraphs, list items, fields and tables.
 */

export interface DraftHeading {
  number?: string;
  title: string;
  depth?: number;
  fontSize: number;
  bold: boolean;
  /** Set when the file says the level (a DOCX heading style); otherwise it comes from the style. */
  level?: number;
}

export interface DraftBlock {
  kind: BlockKind;
  page: number;
  bbox?: BBox;
  text: string;
  field?: FieldPart;
  table?: Table;
  heading?: DraftHeading;
  /** List items: nesting depth, 1 = outermost. */
  listLevel?: number;
}

export interface PageStyle {
  bodySize: number;
  bodyBold: boolean;
}

/** A paragraph, list item or multi-line field being read line by line. */
interface Open {
  kind: 'paragraph' | 'list-item' | 'field';
  lines: Line[];
  field?: FieldPart;
  /** Where the text starts after a list marker, or where a field's value starts. */
  textX: number;
  listLevel?: number;
}

const TOC_TITLE = /^(table of )?contents$/i;
/** Lines further apart than this (in ems) start a new paragraph. */
const PARAGRAPH_GAP_EM = 0.8;

const gap = (upper: Line | undefined, lower: Line | undefined) =>
  upper && lower && upper.column === lower.column ? lower.bbox[1] - upper.bbox[3] : Infinity;

function sameSize(a: Line, b: Line): boolean {
  return Math.abs(a.fontSize - b.fontSize) <= 0.15 * Math.max(a.fontSize, b.fontSize);
}

/** Does `line` carry on the open paragraph / item / field value above it? */
function continues(open: Open, line: Line): boolean {
  const last = open.lines.at(-1)!;
  const first = open.lines[0]!;
  const size = line.fontSize;
  const g = gap(last, line);
  // Lines may overlap a little: a label centred in a tall box makes its line taller than the text.
  if (!sameSize(last, line) || g < -0.6 * size) return false;
  // Once the block has two lines, its own line spacing says what a paragraph break looks like.
  const limit = open.lines.length >= 2 ? Math.min(PARAGRAPH_GAP_EM * size, 1.25 * Math.max(0, gap(open.lines.at(-2), last)) + 0.2 * size) : PARAGRAPH_GAP_EM * size;
  if (g > limit) return false;
  // A line that opens with a caption set apart ('Condition State 2      Minor cracks …') starts a block.
  const [lead, rest] = line.segments;
  if (open.kind !== 'field' && rest && rest.bbox[0] - lead!.bbox[2] > 1.5 * size) return false;
  const left = Math.min(...open.lines.map((l) => l.bbox[0]));
  const x = line.bbox[0];
  if (open.kind === 'field') return Math.abs(x - open.textX) <= size;
  if (open.kind === 'list-item') return x >= left - 0.5 * size && x <= open.textX + size;
  // An indented line after a finished sentence starts the next paragraph.
  if (x > left + size && /[.!?:]$/.test(last.text)) return false;
  const indentedFirst = open.lines.length === 1 && x < first.bbox[0] && first.bbox[0] - x <= 5 * size;
  return indentedFirst || (x >= left - 0.5 * size && x <= left + 2 * size);
}

function listTextX(line: Line, marker: string): number {
  const s = line.segments[0]!;
  const share = Math.min(1, (marker.length + 1) / Math.max(1, s.text.length));
  return s.bbox[0] + share * (s.bbox[2] - s.bbox[0]);
}

function joinLines(lines: readonly Line[]): string {
  let text = '';
  for (const l of lines) {
    // A word broken by a hyphen at the line's end is joined back.
    if (/[a-z]-$/.test(text) && /^[a-z]/.test(l.text)) text = text.slice(0, -1) + l.text;
    else text = text ? `${text} ${l.text}` : l.text;
  }
  return text;
}

export function pageBlocks(page: number, lines: readonly Line[], tables: readonly TableFinding[], style: PageStyle): DraftBlock[] {
  const out: DraftBlock[] = [];
  let open: Open | null = null;
  let toc = false;
  let lastListX: number | null = null;

  const close = () => {
    if (!open) return;
    const bbox = unionBBox(open.lines.map((l) => l.bbox));
    if (open.kind === 'field') {
      const value = joinLines([lineFromSegments(page, [{ ...open.lines[0]!.segments[0]!, text: open.field!.value }]), ...open.lines.slice(1)]);
      out.push({ kind: 'field', page, bbox, text: `${open.field!.key}: ${value}`, field: { ...open.field!, value, bbox } });
    } else {
      out.push({ kind: open.kind, page, bbox, text: joinLines(open.lines), ...(open.listLevel ? { listLevel: open.listLevel } : {}) });
    }
    open = null;
  };
  const heading = (text: string, ls: Line[]) => {
    const n = splitNumbering(text);
    out.push({
      kind: 'heading', page, bbox: unionBBox(ls.map((l) => l.bbox)), text,
      heading: { ...n, fontSize: ls[0]!.fontSize, bold: ls[0]!.bold },
    });
  };
  const tableAt = new Map(tables.map((t) => [t.start, t]));
  const tableEnds = new Set(tables.map((t) => t.end));
  const ctxFor = (i: number): HeadingContext => {
    const above = lines[i - 1];
    const line = lines[i]!;
    const continuesAbove = above !== undefined && !tableEnds.has(i - 1) && above.bold === line.bold && sameSize(above, line)
      && Math.abs(above.fontSize - line.fontSize) < 0.5 && gap(above, line) <= 0.6 * line.fontSize;
    return { ...style, gapAbove: gap(above, line), gapBelow: gap(line, lines[i + 1]), continuesAbove };
  };

  for (let i = 0; i < lines.length; i++) {
    const found = tableAt.get(i);
    if (found) {
      close();
      if (found.kind === 'table') out.push({ kind: 'table', page, bbox: found.bbox, text: found.table.rows.map((r) => r.map((c) => c.text).join(' | ')).join('\n'), table: found.table });
      else for (const f of found.fields) out.push({ kind: 'field', page, bbox: f.bbox, text: `${f.key}: ${f.value}`, field: f });
      i = found.end;
      continue;
    }
    const line = lines[i]!;
    const captioned = captionedValues(line, lines[i + 1]);
    if (captioned && !tableAt.has(i + 1)) {
      close();
      for (const f of captioned) out.push({ kind: 'field', page, bbox: f.bbox, text: `${f.key}: ${f.value}`, field: f });
      i++;
      continue;
    }
    if (TOC_TITLE.test(line.text.trim())) {
      close();
      heading(line.text, [line]);
      toc = true;
      continue;
    }
    if (toc) {
      // A table of contents lists headings; they are not the document's sections.
      close();
      out.push({ kind: 'list-item', page, bbox: line.bbox, text: line.text, listLevel: 1 });
      continue;
    }
    const pieces = splitLineFields(line);
    // 'Unit: sq.ft.  Total Quantity: 24500' in a larger font is still fields; a bold 'Element 12: Deck' is a heading.
    const hasValue = pieces.some((p) => p.kind === 'field' && p.field.value !== '');
    // A bare label ('Mobile:') is an empty field; with a section number ('3.1 Foundation:') it is a heading.
    const bareLabel = pieces.length === 1 && pieces[0]!.kind === 'field' && !hasValue && splitNumbering(line.text).number === undefined;
    const headingStyle = (!hasValue && !bareLabel) || (line.bold && line.fontSize >= 1.2 * style.bodySize);
    if (headingStyle && looksLikeHeading(line.text, line, ctxFor(i))) {
      close();
      const next = lines[i + 1];
      const joined = next ? `${line.text} ${next.text}` : '';
      const wraps = next && !tableAt.has(i + 1) && next.bold === line.bold && Math.abs(next.fontSize - line.fontSize) < 0.5
        && gap(line, next) <= 0.6 * line.fontSize && splitNumbering(next.text).number === undefined
        && looksLikeHeading(joined, line, { ...ctxFor(i), gapBelow: gap(next, lines[i + 2]) });
      // 'APPENDIX A' on a line of its own, its title on the next: one heading.
      const numberOnly = (() => {
        const n = splitNumbering(line.text);
        return n.number !== undefined && n.title === n.number;
      })();
      const titled = numberOnly && next && !tableAt.has(i + 1) && splitNumbering(next.text).number === undefined
        && looksLikeHeading(next.text, next, { ...ctxFor(i + 1), continuesAbove: false });
      if (wraps || titled) {
        heading(joined, [line, next]);
        i++;
        continue;
      }
      // A bold first line whose sentence goes on below is a bold paragraph, not a heading.
      const centre = (l: Line) => (l.bbox[0] + l.bbox[2]) / 2;
      const aligned = next && (Math.abs(next.bbox[0] - line.bbox[0]) <= line.fontSize || Math.abs(centre(next) - centre(line)) <= line.fontSize);
      const goesOn = next && aligned && next.bold === line.bold && sameSize(line, next) && gap(line, next) <= 0.6 * line.fontSize
        && line.fontSize < 1.6 * style.bodySize && !TOC_TITLE.test(line.text);
      if (!goesOn) {
        heading(line.text, [line]);
        continue;
      }
    }
    if (pieces.some((p) => p.kind === 'field') && !readsAsProse(pieces, line, lines[i + 1])) {
      close();
      for (const p of pieces) {
        if (p.kind === 'text') {
          const part = lineFromSegments(page, p.segments, line.column);
          if (looksLikeHeading(part.text, part, ctxFor(i))) heading(part.text, [part]);
          else out.push({ kind: 'paragraph', page, bbox: part.bbox, text: part.text });
        } else if (p === pieces.at(-1) && !p.field.inline && p.field.value) {
          // The value may go on over the next lines, aligned under its first line.
          const valueSeg = line.segments.at(-1)!;
          open = { kind: 'field', lines: [line], field: p.field, textX: valueSeg.bbox[0] };
        } else {
          out.push({ kind: 'field', page, bbox: p.field.bbox, text: `${p.field.key}: ${p.field.value}`, field: p.field });
        }
      }
      continue;
    }
    // A bullet glyph with no text (a stray mark, an OCR speck) says nothing.
    if (/^[•●○◦▪■□➢►‣∙·\s]+$/.test(line.text)) continue;
    const marker = listMarker(line.text);
    if (marker) {
      close();
      const x = line.bbox[0];
      const level: number = lastListX !== null && x > lastListX + line.fontSize ? 2 : 1;
      open = { kind: 'list-item', lines: [line], textX: listTextX(line, marker), listLevel: level };
      lastListX = level === 1 ? x : lastListX;
      continue;
    }
    if (open && continues(open, line)) {
      open.lines.push(line);
      continue;
    }
    close();
    open = { kind: 'paragraph', lines: [line], textX: line.bbox[0] };
    if (wordCount(line.text) > 0) lastListX = null;
  }
  close();
  return out;
}

/**
 * A form that prints a small italic caption under each box: the line of
 * captions right under a line of values ('Binsr Demo' over 'Name of
 * Client'). Each value goes to the caption whose left edge is nearest to its
 * own (boxes are filled from the left). Null unless `below` is such a line.
 */
function captionedValues(line: Line, below: Line | undefined): FieldPart[] | null {
  if (!below || line.italic || !below.segments.every((s) => s.italic) || below.fontSize > line.fontSize * 1.05) return null;
  if (gap(line, below) > 0.5 * below.fontSize || below.segments.some((s) => labelKey(s.text) || parseInlineField(s.text))) return null;
  const values = below.segments.map(() => [] as Line['segments']);
  for (const v of line.segments) {
    const nearest = below.segments.reduce((best, c, i) => (Math.abs(c.bbox[0] - v.bbox[0]) < Math.abs(below.segments[best]!.bbox[0] - v.bbox[0]) ? i : best), 0);
    values[nearest]!.push(v);
  }
  return below.segments.map((c, i) => ({
    key: c.text.replace(/\s*:$/, ''),
    value: values[i]!.map((v) => v.text).join(' '),
    bbox: unionBBox([c, ...values[i]!].map((s) => s.bbox)),
    inline: false,
  }));
}

/**
 * 'NOTE 1: Possible corrosion on the …' opens a paragraph that goes on over
 * the next lines, under its first word: that is prose, not a field.
 */
function readsAsProse(pieces: readonly LinePiece[], line: Line, next: Line | undefined): boolean {
  const first = pieces[0];
  if (pieces.length !== 1 || first?.kind !== 'field') return false;
  const { field } = first;
  if (!next || field.value.length < 30) return false;
  // The next line opening a field of its own ('Viewed From: …') means this one was a field too.
  const opening = next.segments[0]!;
  if (labelKey(opening.text) || parseInlineField(opening.text)) return false;
  const g = gap(line, next);
  return sameSize(line, next) && g <= PARAGRAPH_GAP_EM * line.fontSize && Math.abs(next.bbox[0] - line.bbox[0]) <= line.fontSize;
}
