import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * The page layout Chitti's PDF reports share (inspection report, checklist
 * review): A4 with DejaVu fonts, a text flow that breaks pages, notices,
 * label/value fields and tables whose header repeats on each page.
 */

const resolveFrom = createRequire(import.meta.url);
const fontFile = (name: string) => resolveFrom.resolve(`dejavu-fonts-ttf/ttf/${name}.ttf`);

/** DejaVu (Latin, Greek, Cyrillic and more): names, sites and notes in any of those scripts print as typed. */
const FONT_FILES = {
  sans: 'DejaVuSans',
  bold: 'DejaVuSans-Bold',
  cond: 'DejaVuSansCondensed',
  condBold: 'DejaVuSansCondensed-Bold',
  mono: 'DejaVuSansMono',
} as const;
export type Font = keyof typeof FONT_FILES;
let fontBytes: Record<Font, Buffer> | null = null;
export function fonts(): Record<Font, Buffer> {
  fontBytes ??= Object.fromEntries(Object.entries(FONT_FILES).map(([k, f]) => [k, readFileSync(fontFile(f))])) as Record<Font, Buffer>;
  return fontBytes;
}

export const PAGE = { width: 595.28, height: 841.89 };
export const MARGIN = { left: 42, right: 42, top: 64, bottom: 58 };
export const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
export const BOTTOM = PAGE.height - MARGIN.bottom;
export const INK = '#1a1a1a';
export const MUTED = '#5f6368';
export const RULE = '#c8c8c8';
export const HEAD_FILL = '#eceff1';
export const WARN_FILL = '#fff4d6';
export const WARN_INK = '#7a4b00';
export const BAD_FILL = '#fde4e1';
export const BAD_INK = '#8c1d18';

export const dash = '—';
export const orDash = (s: string | null | undefined) => (s && s.trim() ? s : dash);
export const px = (v: number) => String(Math.round(v));
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
export const className = (c: string) => c.replace(/_/g, ' ');
export const day = (iso: string | null) => (iso ? iso.slice(0, 10) : dash);
export const stamp = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
export const bytesLabel = (n: number) => (n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
// ------------------------------------------------------------------ tables

export interface Cell {
  text: string;
  font?: Font;
  size?: number;
  color?: string;
  /** A colour swatch before the text (a class's colour). */
  swatch?: string;
}
export interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
  font?: Font;
  size?: number;
}
export type Row = Array<string | Cell>;

export const TABLE_SIZE = 7.5;
export const PAD = 3;

export class Layout {
  constructor(readonly doc: PDFKit.PDFDocument) {}

  get y(): number {
    return this.doc.y;
  }

  set y(v: number) {
    this.doc.y = v;
    this.doc.x = MARGIN.left;
  }

  newPage(): void {
    this.doc.addPage();
    this.y = MARGIN.top;
  }

  /** Starts a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.y + height > BOTTOM) this.newPage();
  }

  text(s: string, o: { font?: Font; size?: number; color?: string; width?: number; x?: number; gap?: number; align?: 'left' | 'right' | 'center' } = {}): void {
    const { doc } = this;
    doc.font(o.font ?? 'sans').fontSize(o.size ?? 9.5).fillColor(o.color ?? INK);
    const width = o.width ?? CONTENT_WIDTH;
    this.ensure(doc.heightOfString(s, { width }));
    doc.text(s, o.x ?? MARGIN.left, this.y, { width, align: o.align ?? 'left' });
    this.y = doc.y + (o.gap ?? 0);
  }

  heading(s: string, level: 1 | 2 = 1): void {
    this.ensure(level === 1 ? 60 : 40);
    this.text(s, { font: 'bold', size: level === 1 ? 15 : 11.5, gap: level === 1 ? 8 : 5 });
  }

  /** A tinted box with a message (a warning, a failure). */
  notice(s: string, kind: 'warn' | 'bad'): void {
    const { doc } = this;
    doc.font('sans').fontSize(9);
    const h = doc.heightOfString(s, { width: CONTENT_WIDTH - 16 }) + 12;
    this.ensure(h);
    const top = this.y;
    doc.rect(MARGIN.left, top, CONTENT_WIDTH, h).fill(kind === 'warn' ? WARN_FILL : BAD_FILL);
    doc.fillColor(kind === 'warn' ? WARN_INK : BAD_INK).text(s, MARGIN.left + 8, top + 6, { width: CONTENT_WIDTH - 16 });
    this.y = top + h + 8;
  }

  /** Key/value pairs in two columns of label + value. */
  fields(pairs: Array<[string, string]>, labelWidth = 70): void {
    const { doc } = this;
    const half = CONTENT_WIDTH / 2;
    for (let i = 0; i < pairs.length; i += 2) {
      const row = pairs.slice(i, i + 2);
      doc.font('sans').fontSize(9.5);
      const h = Math.max(...row.map(([, v]) => doc.heightOfString(v, { width: half - labelWidth - 8 }))) + 3;
      this.ensure(h);
      const top = this.y;
      row.forEach(([k, v], j) => {
        const x = MARGIN.left + j * half;
        doc.font('sans').fontSize(8.5).fillColor(MUTED).text(k, x, top + 0.8, { width: labelWidth, lineBreak: false });
        doc.font('sans').fontSize(9.5).fillColor(INK).text(v, x + labelWidth, top, { width: half - labelWidth - 8 });
      });
      this.y = top + h;
    }
    this.y = this.y + 6;
  }

  /** A table whose header row repeats on each page it runs onto; cells wrap. */
  table(columns: Column[], rows: Row[], o: { boldLast?: boolean; width?: number } = {}): void {
    const { doc } = this;
    const total = columns.reduce((s, c) => s + c.width, 0);
    const tableWidth = Math.min(CONTENT_WIDTH, o.width ?? CONTENT_WIDTH);
    const scale = tableWidth / total;
    const cols = columns.map((c) => ({ ...c, width: c.width * scale }));
    const cell = (v: string | Cell): Cell => (typeof v === 'string' ? { text: v } : v);
    const inner = (c: (typeof cols)[number], v: Cell) => c.width - 2 * PAD - (v.swatch ? 9 : 0);
    const heightOf = (row: Row) =>
      Math.max(...row.map((raw, i) => {
        const v = cell(raw);
        const c = cols[i]!;
        doc.font(v.font ?? c.font ?? 'cond').fontSize(v.size ?? c.size ?? TABLE_SIZE);
        return doc.heightOfString(v.text || ' ', { width: inner(c, v) });
      })) + 2 * PAD;

    const header = () => {
      doc.font('condBold').fontSize(TABLE_SIZE);
      const h = Math.max(...cols.map((c) => doc.heightOfString(c.header, { width: c.width - 2 * PAD }))) + 2 * PAD;
      const top = this.y;
      doc.rect(MARGIN.left, top, tableWidth, h).fill(HEAD_FILL);
      let x = MARGIN.left;
      for (const c of cols) {
        doc.fillColor(INK).text(c.header, x + PAD, top + PAD, { width: c.width - 2 * PAD, align: c.align ?? 'left' });
        x += c.width;
      }
      this.y = top + h;
    };

    // A header alone at the foot of a page is no use: keep it with the first row.
    this.ensure(20 + (rows[0] ? heightOf(rows[0]) : 0));
    header();
    rows.forEach((row, r) => {
      const h = heightOf(row);
      if (this.y + h > BOTTOM) {
        this.newPage();
        header();
      }
      const top = this.y;
      let x = MARGIN.left;
      const bold = o.boldLast && r === rows.length - 1;
      row.forEach((raw, i) => {
        const v = cell(raw);
        const c = cols[i]!;
        let tx = x + PAD;
        if (v.swatch) {
          doc.rect(tx, top + PAD + 1, 6, 6).fill(v.swatch);
          tx += 9;
        }
        doc.font(bold ? 'condBold' : v.font ?? c.font ?? 'cond').fontSize(v.size ?? c.size ?? TABLE_SIZE).fillColor(v.color ?? INK)
          .text(v.text, tx, top + PAD, { width: inner(c, v), align: c.align ?? 'left' });
        x += c.width;
      });
      doc.moveTo(MARGIN.left, top + h).lineTo(MARGIN.left + tableWidth, top + h).lineWidth(0.4).strokeColor(RULE).stroke();
      this.y = top + h;
    });
    this.y = this.y + 10;
  }
}


export interface DocumentInfo {
  Title: string;
  Author: string;
  Subject: string;
  Keywords: string;
  Creator: string;
  CreationDate: Date;
}

/** A new A4 report document with the fonts registered, and a way to end it and get its bytes. */
export function openDocument(info: DocumentInfo): { doc: PDFKit.PDFDocument; layout: Layout; finish: () => Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margins: MARGIN, bufferPages: true, autoFirstPage: true, pdfVersion: '1.7', lang: 'en', displayTitle: true, info });
  for (const [name, bytes] of Object.entries(fonts())) doc.registerFont(name, bytes);
  doc.font('sans');
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const layout = new Layout(doc);
  layout.y = MARGIN.top;
  return {
    doc,
    layout,
    finish: async () => {
      doc.end();
      await ended;
      return Buffer.concat(chunks);
    },
  };
}

/** The running header (title left, id right) and footer (provenance left, "Page i of n" right) on every page. */
export function pageFurniture(doc: PDFKit.PDFDocument, text: { title: string; id: string; footer: string }): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the margin must not start a new page
    doc.font('cond').fontSize(7.5).fillColor(MUTED);
    doc.text(text.title, MARGIN.left, 30, { width: CONTENT_WIDTH * 0.7, lineBreak: false, ellipsis: true, height: 10 });
    doc.text(text.id, MARGIN.left + CONTENT_WIDTH * 0.7, 30, { width: CONTENT_WIDTH * 0.3, align: 'right', lineBreak: false });
    doc.moveTo(MARGIN.left, 43).lineTo(MARGIN.left + CONTENT_WIDTH, 43).lineWidth(0.5).strokeColor(RULE).stroke();
    const fy = PAGE.height - 40;
    doc.moveTo(MARGIN.left, fy - 6).lineTo(MARGIN.left + CONTENT_WIDTH, fy - 6).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.font('cond').fontSize(7.5).fillColor(MUTED);
    doc.text(text.footer, MARGIN.left, fy, { width: CONTENT_WIDTH * 0.75, lineBreak: false, ellipsis: true, height: 10 });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, MARGIN.left + CONTENT_WIDTH * 0.75, fy, { width: CONTENT_WIDTH * 0.25, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
