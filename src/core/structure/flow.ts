import type { FlowBlock } from '../parse/types.ts';
import { labelKey, parseInlineField, splitLineFields, type FieldPart } from './fields.ts';
import { splitNumbering } from './headings.ts';
import { lineFromSegments } from './lines.ts';
import type { DraftBlock } from './page-blocks.ts';
import type { Table } from './types.ts';
import { isNumericCell, stripBullet } from './text.ts';

/**
 * Flowing documents (DOCX, TXT, RTF) already say what each block is; this
 * keeps that, splits heading numbers, finds fields in paragraphs and decides
 * the header row of tables.
 */

/** The fields of a paragraph whose every line is 'Key: value' (or a bare 'Key:'), else null. */
function paragraphFields(text: string): FieldPart[] | null {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return null;
  const fields: FieldPart[] = [];
  for (const line of lines) {
    const inline = parseInlineField(line);
    const label = inline ? null : labelKey(line);
    if (inline) fields.push({ ...inline, inline: true });
    else if (label && lines.length > 1) fields.push({ key: label, value: '', inline: true });
    else if (lines.length === 1) {
      // 'MAWP 150 psi' as a paragraph of its own.
      const pieces = splitLineFields(lineFromSegments(1, [{ text: line, bbox: [0, 0, 0, 0], fontSize: 10, bold: false, italic: false }]));
      const only = pieces.length === 1 ? pieces[0] : undefined;
      if (only?.kind !== 'field') return null;
      const { bbox: _unplaced, ...field } = only.field;
      fields.push(field);
    } else return null;
  }
  return fields;
}

/** The first row is the header when it has no measurements and the rows below do, or it is the only text row above others. */
export function flowHeaderRows(rows: readonly string[][]): number {
  if (rows.length < 2) return 0;
  const hasData = (r: readonly string[]) => r.some((c) => isNumericCell(c) && !/^\d+\s*°$/.test(c.trim()));
  const first = rows[0]!;
  if (hasData(first) || first.filter((c) => c.trim() !== '').length < Math.ceil(first.length / 2)) return 0;
  return 1;
}

export function flowBlocks(flow: readonly FlowBlock[]): DraftBlock[] {
  const out: DraftBlock[] = [];
  let page = 1;
  for (const b of flow) {
    switch (b.kind) {
      case 'page-break':
        page++;
        break;
      case 'heading': {
        const n = splitNumbering(b.text);
        out.push({ kind: 'heading', page, text: b.text.trim(), heading: { ...n, fontSize: 0, bold: true, level: Math.max(1, Math.min(6, b.level)) } });
        break;
      }
      case 'paragraph': {
        const text = b.text.trim();
        if (!text) break;
        const fields = paragraphFields(text);
        if (fields) for (const field of fields) out.push({ kind: 'field', page, text: `${field.key}: ${field.value}`, field });
        else out.push({ kind: 'paragraph', page, text: text.replace(/\s*\r?\n\s*/g, ' ') });
        break;
      }
      case 'list-item':
        out.push({ kind: 'list-item', page, text: stripBullet(b.text), listLevel: Math.max(1, b.level) });
        break;
      case 'table': {
        const width = Math.max(0, ...b.rows.map((r) => r.length));
        if (width === 0) break;
        const rows = b.rows.map((r) => Array.from({ length: width }, (_, i) => (r[i] ?? '').trim()));
        const table: Table = { rows: rows.map((r) => r.map((text) => ({ text }))), headerRows: flowHeaderRows(rows) };
        out.push({ kind: 'table', page, text: rows.map((r) => r.join(' | ')).join('\n'), table });
        break;
      }
    }
  }
  return out;
}
