import type { ParsedDocument, ParsedPage } from '../parse/types.ts';
import { normalizeKey, parseInlineField, labelKey } from './fields.ts';
import { flowBlocks } from './flow.ts';
import { roundBBox } from './geometry.ts';
import { assignLevels } from './headings.ts';
import { buildLines, lineFromSegments, type Line, type Segment } from './lines.ts';
import { attachOffsetValues } from './offset-values.ts';
import { pageBlocks, type DraftBlock, type PageStyle } from './page-blocks.ts';
import { findFurniture, type FurnitureKind } from './page-furniture.ts';
import { readingOrder } from './reading-order.ts';
import { buildSections } from './sections.ts';
import { findTables } from './tables.ts';
import type { Block, DocumentModel, Table } from './types.ts';

/** Fewer characters than this on a page: judge its body text by the whole document's. */
const MIN_PAGE_CHARS_FOR_STYLE = 200;

/**
 * The body text's size and weight: the size most regular (not bold)
 * characters have. Only a page that is nearly all bold has a bold body; on a
 * form with many bold captions the body is still the plain text.
 */
function bodyStyle(lines: readonly Line[]): PageStyle & { chars: number } {
  const regular = new Map<number, number>();
  const all = new Map<number, number>();
  let chars = 0;
  let bold = 0;
  for (const l of lines) {
    for (const s of l.segments) {
      const size = Math.round(s.fontSize * 4) / 4;
      all.set(size, (all.get(size) ?? 0) + s.text.length);
      if (!s.bold) regular.set(size, (regular.get(size) ?? 0) + s.text.length);
      else bold += s.text.length;
      chars += s.text.length;
    }
  }
  const mode = (m: Map<number, number>) => [...m.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const bodyBold = chars > 0 && bold >= 0.8 * chars;
  return { bodySize: (bodyBold ? mode(all) : mode(regular)) ?? 10, bodyBold, chars };
}

/** Header/footer blocks of one line: its furniture segments, a field ('Inspection No.: 55G998A') on its own. */
function furnitureBlocks(page: number, line: Line, kindOf: Map<Segment, FurnitureKind>): DraftBlock[] {
  const out: DraftBlock[] = [];
  const segs = line.segments.filter((s) => kindOf.has(s));
  let run: Segment[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const l = lineFromSegments(page, run);
    out.push({ kind: kindOf.get(run[0]!)!, page, bbox: l.bbox, text: l.text });
    run = [];
  };
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const next = segs[i + 1];
    const label = labelKey(s.text);
    const inline = label ? null : parseInlineField(s.text);
    if (label || inline) {
      flush();
      const value = label ? (next && !labelKey(next.text) ? next.text : '') : inline!.value;
      const parts = label && value ? [s, next!] : [s];
      const l = lineFromSegments(page, parts);
      out.push({ kind: kindOf.get(s)!, page, bbox: l.bbox, text: l.text, field: { key: label ?? inline!.key, value, inline: !label } });
      if (label && value) i++;
    } else run.push(s);
  }
  flush();
  return out;
}

function pagedDrafts(pages: readonly ParsedPage[]): DraftBlock[] {
  const pageLines = pages.map((p) => ({ page: p.page, height: p.height, lines: buildLines(p.page, p.runs) }));
  const furniture = findFurniture(pageLines);
  const body = pageLines.map((p) => ({
    ...p,
    body: p.lines.flatMap((l) => {
      const rest = l.segments.filter((s) => !furniture.has(s));
      if (rest.length === l.segments.length) return [l];
      return rest.length ? [lineFromSegments(p.page, rest)] : [];
    }),
  }));
  const docStyle = bodyStyle(body.flatMap((p) => p.body));
  const drafts: DraftBlock[] = [];
  for (const p of body) {
    const furnitureLines = p.lines.filter((l) => l.segments.some((s) => furniture.has(s)));
    const edges = furnitureLines.flatMap((l) => furnitureBlocks(p.page, l, furniture));
    const own = bodyStyle(p.body);
    const style = own.chars >= MIN_PAGE_CHARS_FOR_STYLE ? own : docStyle;
    const lines = attachOffsetValues(readingOrder(p.body));
    drafts.push(...edges.filter((b) => b.kind === 'header'), ...pageBlocks(p.page, lines, findTables(lines), style), ...edges.filter((b) => b.kind === 'footer'));
  }
  return drafts;
}

const roundTable = (t: Table): Table => ({ ...t, rows: t.rows.map((r) => r.map((c) => (c.bbox ? { ...c, bbox: roundBBox(c.bbox) } : c))) });

function toBlocks(drafts: readonly DraftBlock[]): Block[] {
  const headings = drafts.filter((d) => d.heading && d.heading.level === undefined);
  const levels = assignLevels(headings.map((d) => d.heading!));
  const levelOf = new Map(headings.map((d, i) => [d, levels[i]!]));
  const perPage = new Map<number, number>();
  return drafts.map((d, order) => {
    const n = (perPage.get(d.page) ?? 0) + 1;
    perPage.set(d.page, n);
    const block: Block = { id: `b${d.page}-${n}`, kind: d.kind, page: d.page, text: d.text, order, sectionId: null };
    if (d.bbox) block.bbox = roundBBox(d.bbox);
    if (d.heading) {
      block.level = d.heading.level ?? levelOf.get(d)!;
      if (d.heading.number !== undefined) block.number = d.heading.number;
    }
    if (d.listLevel !== undefined) block.level = d.listLevel;
    if (d.field) block.field = { key: d.field.key, normalizedKey: normalizeKey(d.field.key), value: d.field.value };
    if (d.table) block.table = roundTable(d.table);
    return block;
  });
}

/**
 * The document model of a parsed document: blocks in reading order
 * (headings, paragraphs, list items, fields, tables, running headers and
 * footers) and the section tree their headings make.
 */
export function buildDocumentModel(parsed: ParsedDocument): DocumentModel {
  const drafts = parsed.pages.length > 0 ? pagedDrafts(parsed.pages) : flowBlocks(parsed.flow);
  const blocks = toBlocks(drafts);
  const sections = buildSections(blocks);
  return {
    format: parsed.format,
    pageCount: parsed.pageCount,
    pages: parsed.pages.map((p) => ({
      page: p.page, width: p.width, height: p.height, textSource: p.textSource,
      ...(p.ocrConfidence !== undefined ? { ocrConfidence: p.ocrConfidence } : {}),
    })),
    blocks,
    sections,
    unreadablePages: parsed.unreadablePages,
    metadata: parsed.metadata,
    warnings: parsed.warnings,
  };
}
