import type { BBox } from '../parse/types.ts';
import { parseInlineField } from '../structure/fields.ts';
import type { Block, DocumentModel, Section } from '../structure/types.ts';
import { words } from './tokenize.ts';

/**
 * Passages: the units retrieval ranks and evaluation quotes. Each is short
 * enough to be read as evidence and keeps its page and box so the viewer can
 * show it:
 *  - text windows: consecutive paragraphs / list items of one section and page,
 *    packed to about WINDOW_WORDS words (a long paragraph is cut at sentences);
 *  - a heading with the first text that follows it (so "Recommendations" is
 *    found together with what it recommends), or alone when nothing follows;
 *  - each field as "key: value";
 *  - each table body row as "header: cell; header: cell".
 * Page headers and footers often carry the report number, client and date
 * (they repeat because they matter), so each distinct one is kept once, as a
 * field when it reads "Key: value".
 */

export type PassageKind = 'text' | 'heading' | 'field' | 'table-row';

export interface Passage {
  /** Position in the document's passage list. */
  index: number;
  kind: PassageKind;
  page: number;
  bbox?: BBox;
  /** What is quoted as evidence. */
  text: string;
  /** What retrieval ranks: the text with its section title in front, for context. */
  searchText: string;
  /** The section title the passage sits under, if any. */
  section?: string;
  field?: { key: string; value: string };
  /** Headings: true when no text follows before the next heading (a title with no content). */
  empty?: boolean;
  blockIds: string[];
}

export const WINDOW_WORDS = 60;
/** The first text after a heading taken into the heading's passage. */
const HEADING_FOLLOW_WORDS = 40;
/** Cells are joined with their headers up to this many characters per row. */
const MAX_ROW_CHARS = 600;

const TEXT_KINDS = new Set<Block['kind']>(['paragraph', 'list-item', 'figure']);

export function unionBox(boxes: ReadonlyArray<BBox | undefined>): BBox | undefined {
  const present = boxes.filter((b): b is BBox => b !== undefined);
  if (present.length === 0) return undefined;
  return [
    Math.min(...present.map((b) => b[0])), Math.min(...present.map((b) => b[1])),
    Math.max(...present.map((b) => b[2])), Math.max(...present.map((b) => b[3])),
  ];
}

function sectionTitles(sections: readonly Section[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (list: readonly Section[]) => {
    for (const s of list) {
      out.set(s.id, [s.number, s.title].filter(Boolean).join(' '));
      walk(s.children);
    }
  };
  walk(sections);
  return out;
}

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
const wordCount = (s: string) => words(s).length;

/** Sentences of a long text, packed into windows of at most `limit` words. */
export function splitIntoWindows(text: string, limit = WINDOW_WORDS): string[] {
  const sentences = clean(text).split(/(?<=[.!?;])\s+(?=[A-Z0-9•(])/u);
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    const next = current ? `${current} ${sentence}` : sentence;
    if (current && wordCount(next) > limit) {
      out.push(current);
      current = sentence;
    } else current = next;
    // A single sentence longer than the limit is cut by words.
    while (wordCount(current) > limit * 1.5) {
      const cut = current.split(' ');
      out.push(cut.slice(0, limit).join(' '));
      current = cut.slice(limit).join(' ');
    }
  }
  if (current) out.push(current);
  return out;
}

function tableRowPassages(block: Block): Array<Omit<Passage, 'index' | 'searchText' | 'section'>> {
  const table = block.table;
  if (!table) return block.text.trim() ? [{ kind: 'text', page: block.page, bbox: block.bbox, text: clean(block.text), blockIds: [block.id] }] : [];
  const header = table.rows.slice(0, table.headerRows);
  // Multi-row headers are read column by column ("Nominal Thickness (in.)").
  const columnNames = (col: number) => clean(header.map((r) => r[col]?.text ?? '').join(' '));
  const out: Array<Omit<Passage, 'index' | 'searchText' | 'section'>> = [];
  for (const row of table.rows.slice(table.headerRows)) {
    const cells = row.map((c, col) => ({ name: columnNames(col), text: clean(c.text) })).filter((c) => c.text);
    if (cells.length === 0) continue;
    let text = cells.map((c) => (c.name && c.name !== c.text ? `${c.name}: ${c.text}` : c.text)).join('; ');
    if (text.length > MAX_ROW_CHARS) text = `${text.slice(0, MAX_ROW_CHARS - 1)}…`;
    out.push({ kind: 'table-row', page: block.page, bbox: unionBox(row.map((c) => c.bbox)) ?? block.bbox, text, blockIds: [block.id] });
  }
  // A table with only header rows still says what it is about.
  if (out.length === 0 && header.length > 0) {
    const text = clean(header.map((r) => r.map((c) => c.text).join(' ')).join(' '));
    if (text) out.push({ kind: 'table-row', page: block.page, bbox: block.bbox, text, blockIds: [block.id] });
  }
  return out;
}

/** The passages of a document, in reading order. */
export function buildPassages(model: DocumentModel): Passage[] {
  const titles = sectionTitles(model.sections);
  const seenFurniture = new Set<string>();
  const blocks = [...model.blocks].sort((a, b) => a.order - b.order).filter((b) => {
    if (b.kind !== 'header' && b.kind !== 'footer') return true;
    // Page numbers make otherwise identical headers differ; they are compared without digits after "page"/"of".
    const key = clean(b.text).toLowerCase().replace(/\b(page\s*)?\d+\s*(of\s*\d*)?$/, '');
    if (!key || seenFurniture.has(key)) return false;
    seenFurniture.add(key);
    return true;
  });
  const raw: Array<Omit<Passage, 'index' | 'searchText'>> = [];
  let window: Block[] = [];

  const flush = () => {
    if (window.length === 0) return;
    const first = window[0]!;
    const section = first.sectionId ? titles.get(first.sectionId) : undefined;
    const joined = window.map((b) => clean(b.text)).filter(Boolean).join(' ');
    const pieces = splitIntoWindows(joined);
    // Boxes: one window of blocks has one box; pieces of one long block share the block's box.
    const bbox = unionBox(window.map((b) => b.bbox));
    for (const text of pieces) raw.push({ kind: 'text', page: first.page, bbox, text, section, blockIds: window.map((b) => b.id) });
    window = [];
  };

  blocks.forEach((block, i) => {
    const section = block.sectionId ? titles.get(block.sectionId) : undefined;
    if (TEXT_KINDS.has(block.kind)) {
      const first = window[0];
      const sameRun = first && first.page === block.page && first.sectionId === block.sectionId;
      if (!sameRun || wordCount(window.map((b) => b.text).join(' ')) >= WINDOW_WORDS) flush();
      if (clean(block.text)) window.push(block);
      return;
    }
    flush();
    if (block.kind === 'header' || block.kind === 'footer') {
      const text = clean(block.text);
      const field = parseInlineField(text) ?? (/^[^:]{2,40}:$/.test(text) ? { key: text.slice(0, -1).trim(), value: '' } : null);
      if (field) raw.push({ kind: 'field', page: block.page, bbox: block.bbox, text: field.value ? `${field.key}: ${field.value}` : `${field.key}:`, field, blockIds: [block.id] });
      else raw.push({ kind: 'text', page: block.page, bbox: block.bbox, text, blockIds: [block.id] });
      return;
    }
    if (block.kind === 'heading') {
      const following: Block[] = [];
      for (let j = i + 1; j < blocks.length && blocks[j]!.kind !== 'heading'; j++) {
        const next = blocks[j]!;
        if (!clean(next.text)) continue;
        following.push(next);
        if (wordCount(following.map((b) => b.text).join(' ')) >= HEADING_FOLLOW_WORDS) break;
      }
      const heading = clean(block.text);
      if (!heading) return;
      const followText = clean(following.map((b) => b.text).join(' ')).split(' ').slice(0, HEADING_FOLLOW_WORDS).join(' ');
      raw.push({
        kind: 'heading', page: block.page, text: followText ? `${heading} — ${followText}` : heading, section: heading,
        bbox: unionBox([block.bbox, ...following.filter((b) => b.page === block.page).map((b) => b.bbox)]),
        empty: following.length === 0, blockIds: [block.id, ...following.map((b) => b.id)],
      });
      return;
    }
    if (block.kind === 'field' && block.field) {
      const key = clean(block.field.key);
      const value = clean(block.field.value);
      raw.push({ kind: 'field', page: block.page, bbox: block.bbox, text: value ? `${key}: ${value}` : `${key}:`, section, field: { key, value }, blockIds: [block.id] });
      return;
    }
    if (block.kind === 'table') {
      for (const row of tableRowPassages(block)) raw.push({ ...row, section });
    }
  });
  flush();
  return raw.map((p, index) => ({ ...p, index, searchText: p.section && p.kind !== 'heading' ? `${p.section} — ${p.text}` : p.text }));
}
