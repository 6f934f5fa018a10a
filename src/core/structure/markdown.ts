import { furnitureKey } from './page-furniture.ts';
import { stripBullet } from './text.ts';
import type { Block, DocumentModel, Table } from './types.ts';

/**
 * The document model as Markdown: headings, paragraphs, lists, fields as
 * '**Key:** value', tables as GFM tables. A running header or footer is
 * written once, where it first appears, not on every page; a note marks pages
 * that could not be read and pages whose text came from OCR.
 */

const escapeCell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** Text that Markdown would read as a heading, list or quote is escaped at its start. */
const escapeStart = (text: string) => text.replace(/^(#|>|[-+*]\s|\d+[.)]\s)/, '\\$1');

function tableMarkdown(t: Table): string {
  const width = Math.max(...t.rows.map((r) => r.length));
  const pad = (cells: string[]) => Array.from({ length: width }, (_, i) => cells[i] ?? '');
  const header = t.headerRows > 0
    ? pad(Array.from({ length: width }, (_, c) => t.rows.slice(0, t.headerRows).map((r) => r[c]?.text ?? '').filter(Boolean).join(' ')))
    : pad([]);
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `|${' --- |'.repeat(width)}`, ...t.rows.slice(t.headerRows).map((r) => line(pad(r.map((c) => c.text))))].join('\n');
}

function blockMarkdown(b: Block): string | null {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(Math.min(6, b.level ?? 1))} ${b.text.replace(/\s*:$/, '')}`;
    case 'list-item':
      return `${'  '.repeat(Math.max(0, (b.level ?? 1) - 1))}- ${stripBullet(b.text)}`;
    case 'field':
      return b.field ? `**${b.field.key}:** ${b.field.value}`.trimEnd() : escapeStart(b.text);
    case 'table':
      return b.table ? tableMarkdown(b.table) : null;
    case 'header':
    case 'footer':
      return b.field ? `**${b.field.key}:** ${b.field.value}`.trimEnd() : escapeStart(b.text);
    default:
      return escapeStart(b.text);
  }
}

export function toMarkdown(model: DocumentModel): string {
  const chunks: Array<{ text: string; list: boolean }> = [];
  const byPage = new Map<number, Block[]>();
  for (const b of model.blocks) byPage.set(b.page, [...(byPage.get(b.page) ?? []), b]);
  const unreadable = new Map(model.unreadablePages.map((u) => [u.page, u.reason]));
  const info = new Map(model.pages.map((p) => [p.page, p]));
  const paged = model.pages.length > 0;
  const seen = new Set<string>();
  const last = Math.max(model.pageCount, ...byPage.keys(), ...unreadable.keys());

  for (let page = 1; page <= last; page++) {
    if (paged && model.pageCount > 1) chunks.push({ text: `<!-- page ${page} -->`, list: false });
    const reason = unreadable.get(page);
    if (reason !== undefined) chunks.push({ text: `> **Page ${page} could not be read:** ${reason}`, list: false });
    const p = info.get(page);
    if (p?.textSource === 'ocr') {
      const confidence = p.ocrConfidence !== undefined ? ` (mean word confidence ${Math.round(p.ocrConfidence * 100)}%)` : '';
      chunks.push({ text: `> Page ${page} is a scan: its text was read by OCR${confidence}. Check it against the page.`, list: false });
    } else if (p?.textSource === 'none' && reason === undefined) {
      chunks.push({ text: `> Page ${page} has no text.`, list: false });
    }
    for (const b of byPage.get(page) ?? []) {
      if (b.kind === 'header' || b.kind === 'footer') {
        const key = `${b.kind}|${furnitureKey(b.text)}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      const text = blockMarkdown(b);
      if (text) chunks.push({ text, list: b.kind === 'list-item' });
    }
  }
  let out = '';
  chunks.forEach((c, i) => {
    out += i === 0 ? c.text : (c.list && chunks[i - 1]!.list ? '\n' : '\n\n') + c.text;
  });
  return out + '\n';
}
