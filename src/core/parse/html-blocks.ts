import { Parser } from 'htmlparser2';
import type { FlowBlock } from './types.ts';

/**
 * mammoth's HTML → flow blocks: h1-h6 → headings, p → paragraphs (bold when
 * all their text is in <strong>), li → list items at the depth of their
 * ul/ol nesting, table → rows of cell text (a cell's paragraphs joined by
 * line breaks; a table nested in a cell becomes text of that cell), hr (what
 * a Word page break is mapped to) → page break. Images and links' targets are
 * not text.
 */

interface OpenBlock {
  kind: 'heading' | 'paragraph' | 'list-item';
  level: number;
  text: string;
  boldChars: number;
  plainChars: number;
}

interface OpenTable {
  rows: string[][];
  row: string[] | null;
  cell: string[] | null;
}

const HEADING = /^h([1-6])$/;

export function htmlToBlocks(html: string): FlowBlock[] {
  const blocks: FlowBlock[] = [];
  const tables: OpenTable[] = [];
  let block: OpenBlock | null = null;
  let listDepth = 0;
  let boldDepth = 0;
  /** Text of the paragraph being read inside a table cell. */
  let cellLine = '';

  const table = () => tables[tables.length - 1];
  const inCell = () => table()?.cell != null;

  const endBlock = () => {
    if (!block) return;
    const text = block.text.replace(/[ \t]+\n/g, '\n').replace(/[ \t]{2,}/g, ' ').trim();
    if (text) {
      if (block.kind === 'heading') blocks.push({ kind: 'heading', level: block.level, text });
      else if (block.kind === 'list-item') blocks.push({ kind: 'list-item', level: block.level, text });
      else if (block.boldChars > 0 && block.plainChars === 0) blocks.push({ kind: 'paragraph', text, bold: true });
      else blocks.push({ kind: 'paragraph', text });
    }
    block = null;
  };
  const startBlock = (kind: OpenBlock['kind'], level: number) => {
    endBlock();
    block = { kind, level, text: '', boldChars: 0, plainChars: 0 };
  };
  const endCellLine = () => {
    const cell = table()?.cell;
    if (cell && cellLine.trim()) cell.push(cellLine.trim());
    cellLine = '';
  };

  const parser = new Parser({
    onopentag(name) {
      const heading = HEADING.exec(name);
      if (name === 'table') {
        if (inCell()) endCellLine();
        else endBlock();
        tables.push({ rows: [], row: null, cell: null });
      } else if (name === 'tr' && table()) {
        table()!.row = [];
      } else if ((name === 'td' || name === 'th') && table()) {
        table()!.cell = [];
        cellLine = '';
      } else if (inCell()) {
        if (name === 'p' || heading || name === 'li' || name === 'br') endCellLine();
      } else if (heading) {
        startBlock('heading', Number(heading[1]));
      } else if (name === 'p') {
        if (block?.kind !== 'list-item') startBlock('paragraph', 0);
        else if (block.text.trim()) block.text += '\n';
      } else if (name === 'ul' || name === 'ol') {
        endBlock();
        listDepth++;
      } else if (name === 'li') {
        startBlock('list-item', Math.max(1, listDepth));
      } else if (name === 'br') {
        if (block) block.text += '\n';
      } else if (name === 'hr') {
        endBlock();
        blocks.push({ kind: 'page-break' });
      }
      if (name === 'strong' || name === 'b') boldDepth++;
    },
    ontext(text) {
      if (inCell()) {
        cellLine += text;
        return;
      }
      if (!block) {
        if (!text.trim()) return;
        startBlock('paragraph', 0);
      }
      const b = block!;
      b.text += text;
      const visible = text.replace(/\s+/g, '').length;
      if (boldDepth > 0) b.boldChars += visible;
      else b.plainChars += visible;
    },
    onclosetag(name) {
      if (name === 'strong' || name === 'b') boldDepth = Math.max(0, boldDepth - 1);
      const t = table();
      if (name === 'table' && t) {
        tables.pop();
        const rows = t.rows.filter((r) => r.length > 0);
        if (inCell()) {
          // A table inside a cell: its rows become lines of the outer cell.
          for (const r of rows) table()!.cell!.push(r.filter(Boolean).join(' | '));
        } else if (rows.length) {
          blocks.push({ kind: 'table', rows });
        }
      } else if ((name === 'td' || name === 'th') && t?.cell) {
        endCellLine();
        t.row?.push(t.cell.join('\n'));
        t.cell = null;
      } else if (name === 'tr' && t?.row) {
        t.rows.push(t.row);
        t.row = null;
      } else if (inCell()) {
        if (name === 'p' || HEADING.test(name) || name === 'li') endCellLine();
      } else if (name === 'ul' || name === 'ol') {
        endBlock();
        listDepth = Math.max(0, listDepth - 1);
      } else if (name === 'p' || HEADING.test(name) || name === 'li') {
        if (name !== 'p' || block?.kind !== 'list-item') endBlock();
      }
    },
  }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  endBlock();
  return blocks;
}
