import { ChittiError } from '../app/errors.ts';
import type { ParseContext } from './context.ts';
import { rtfTokens, type RtfToken } from './rtf-tokens.ts';
import { checkFlowSize, decodeWindows1252, flowDocument } from './text.ts';
import type { FlowBlock, ParsedDocument } from './types.ts';

/**
 * RTF → flow blocks. No RTF library on npm is both maintained and complete
 * enough (rtf-parser and rtf-to-html have had no release since 2018 and know
 * no tables; rtf.js needs a DOM), so this is a small converter over the
 * tokenizer in rtf-tokens.ts:
 *  - groups scope character state (bold, font, \uc); `{\*\dest …}` and the
 *    destinations that are not body text (font/colour tables, pictures,
 *    headers and footers, field instructions, list numbering text …) are skipped;
 *  - text bytes (`\'hh` and raw 8-bit) are decoded in the code page of the
 *    current font's \fcharset or the document's \ansicpg; `\uN` is Unicode,
 *    followed by \uc fallback bytes that are dropped;
 *  - \par ends a paragraph; \outlinelevelN or a "heading N" style makes it a
 *    heading, \ls/\ilvl or a \listtext bullet a list item; \intbl paragraphs go
 *    into table cells, ended by \cell and \row; \page is a page break.
 */

interface GroupState {
  skip: boolean;
  uc: number;
  bold: boolean;
  font: number;
  /** What the group's text is collected for, when it is not body text. */
  capture: 'font' | 'style' | 'title' | 'author' | null;
}

/** Destinations whose text is not body text (RTF 1.9.1; the starred ones are skipped anyway). */
const SKIPPED = new Set([
  'colortbl', 'pict', 'object', 'objdata', 'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf',
  'footnote', 'annotation', 'fldinst', 'datafield', 'listtable', 'listoverridetable', 'revtbl', 'rsidtbl', 'filetbl', 'xmlnstbl',
  'themedata', 'colorschememapping', 'latentstyles', 'datastore', 'generator', 'pgdsctbl', 'listtext', 'pntext', 'pn', 'shp',
  'shpinst', 'nonshppict', 'tc', 'tcn', 'xe', 'private', 'operator', 'comment', 'subject', 'keywords', 'doccomm', 'company',
  'category', 'manager', 'hlinkbase', 'buptim', 'printim', 'revtim', 'template', 'userprops', 'docvar', 'bkmkstart', 'bkmkend',
]);

const SYMBOLS: Record<string, string> = {
  emdash: '—', endash: '–', bullet: '•', lquote: '‘', rquote: '’', ldblquote: '“', rdblquote: '”',
  emspace: ' ', enspace: ' ', qmspace: ' ', tab: '\t', line: '\n',
};

/** \fcharset → code page. */
const CHARSET_CODE_PAGES: Record<number, number> = {
  0: 1252, 77: 10000, 128: 932, 129: 949, 130: 1361, 134: 936, 136: 950, 161: 1253, 162: 1254, 163: 1258,
  177: 1255, 178: 1256, 186: 1257, 204: 1251, 222: 874, 238: 1250, 254: 437, 255: 850,
};

type Decoder = { decode(bytes: Uint8Array): string };
/** Node's TextDecoder reads 'windows-1252' as Latin-1 (its curly quotes and dashes become controls): ours is exact. */
const CP1252: Decoder = { decode: decodeWindows1252 };
const decoders = new Map<number, Decoder>([[1252, CP1252]]);
function decoderFor(codePage: number): Decoder {
  let d = decoders.get(codePage);
  if (!d) {
    const label = codePage === 932 ? 'shift_jis' : codePage === 936 ? 'gbk' : codePage === 949 ? 'euc-kr' : codePage === 950 ? 'big5'
      : codePage === 10000 ? 'macintosh' : codePage === 874 ? 'windows-874' : codePage >= 1250 && codePage <= 1258 ? `windows-${codePage}` : null;
    try {
      d = label ? new TextDecoder(label) : CP1252;
    } catch {
      d = CP1252;
    }
    decoders.set(codePage, d);
  }
  return d;
}

class RtfReader {
  readonly blocks: FlowBlock[] = [];
  readonly metadata: ParsedDocument['metadata'] = {};
  private state: GroupState = { skip: false, uc: 1, bold: false, font: -1, capture: null };
  private readonly stack: GroupState[] = [];
  private docCodePage = 1252;
  private readonly fontCodePages = new Map<number, number>();
  private readonly headingStyles = new Map<number, number>();
  private defining = -1; // the font or style number being defined
  private captured = '';
  private pendingBytes: number[] = [];
  private skipFallback = 0;
  private groupStart = false;
  private chars = 0;
  // Paragraph
  private text = '';
  private boldChars = 0;
  private plainChars = 0;
  private inTable = false;
  private outline: number | null = null;
  private style = 0;
  private listLevel: number | null = null;
  // Table
  private cell: string[] = [];
  private row: string[] = [];
  private rows: string[][] = [];

  constructor(private readonly ctx: ParseContext) {}

  read(src: string): void {
    for (const token of rtfTokens(src)) this.token(token);
    this.flushBytes();
    this.endParagraph(false);
    this.endTable();
  }

  private token(t: RtfToken): void {
    const starting = this.groupStart;
    this.groupStart = false;
    if (t.type !== 'byte' && t.type !== 'text') this.flushBytes();
    switch (t.type) {
      case 'open':
        this.stack.push(this.state);
        if (this.stack.length > this.ctx.limits.rtfMaxDepth) {
          throw new ChittiError('DOCUMENT_UNREADABLE', `This RTF nests groups more than ${this.ctx.limits.rtfMaxDepth} deep; it is damaged or built to exhaust readers.`);
        }
        this.state = { ...this.state };
        this.groupStart = true;
        this.skipFallback = 0;
        return;
      case 'close':
        this.endCapture();
        this.state = this.stack.pop() ?? this.state;
        this.skipFallback = 0;
        return;
      case 'symbol':
        if (t.char === '*') this.state.skip = true; // {\* …}: a destination a reader may ignore
        else this.symbol(t.char);
        return;
      case 'byte':
        this.byte(t.value);
        return;
      case 'text':
        for (let i = 0; i < t.text.length; i++) {
          const c = t.text.charCodeAt(i);
          if (this.skipFallback > 0) { this.skipFallback--; continue; }
          if (c >= 0x80) this.byte(c);
          else { this.flushBytes(); this.emit(t.text[i]!); }
        }
        return;
      case 'word':
        this.word(t.name, t.param, starting);
    }
  }

  private symbol(char: string): void {
    if (char === '\\' || char === '{' || char === '}') this.emit(char);
    else if (char === '~') this.emit('\u00a0');
    else if (char === '_') this.emit('\u2011');
    // \- (optional hyphen), \| \: (index/formula) are not text
  }

  private byte(value: number): void {
    if (this.skipFallback > 0) { this.skipFallback--; return; }
    this.pendingBytes.push(value);
  }

  private flushBytes(): void {
    if (this.pendingBytes.length === 0) return;
    const codePage = this.fontCodePages.get(this.state.font) ?? this.docCodePage;
    const text = decoderFor(codePage).decode(new Uint8Array(this.pendingBytes));
    this.pendingBytes = [];
    for (const ch of text) this.emit(ch);
  }

  private word(name: string, param: number | null, atGroupStart: boolean): void {
    const s = this.state;
    if (atGroupStart && (SKIPPED.has(name) || name === 'fonttbl' || name === 'stylesheet' || name === 'info')) {
      s.skip = true;
      if (name === 'fonttbl') s.capture = 'font';
      else if (name === 'stylesheet') s.capture = 'style';
      // The bullet or number Word writes before a list item's text: not text, but it says "list item".
      else if (name === 'listtext' || name === 'pntext') this.listLevel ??= 0;
      return;
    }
    if (s.skip) this.skippedWord(name, param);
    else this.bodyWord(name, param);
  }

  /** Inside a skipped destination only the font table, the style names, the title and the author are read. */
  private skippedWord(name: string, param: number | null): void {
    const s = this.state;
    switch (name) {
      case 'title': case 'author':
        if (this.stack.some((g) => g.skip && g.capture === null)) { s.capture = name; this.captured = ''; }
        return;
      case 'f': if (this.stack.some((g) => g.capture === 'font') || s.capture === 'font') this.defining = param ?? -1; return;
      case 'fcharset': {
        const cp = CHARSET_CODE_PAGES[param ?? 0];
        if (this.defining >= 0 && cp) this.fontCodePages.set(this.defining, cp);
        return;
      }
      case 'cpg': if (this.defining >= 0 && param) this.fontCodePages.set(this.defining, param); return;
      case 's': if (this.stack.some((g) => g.capture === 'style')) { this.defining = param ?? 0; this.captured = ''; s.capture = 'style'; } return;
      case 'uc': s.uc = Math.max(0, param ?? 1); return;
      case 'u': if (param !== null) { this.emit(String.fromCharCode(param < 0 ? param + 65536 : param)); this.skipFallback = s.uc; } return;
    }
  }

  private bodyWord(name: string, param: number | null): void {
    const s = this.state;
    switch (name) {
      case 'ansicpg': if (param !== null && param > 0) this.docCodePage = param; return;
      case 'mac': this.docCodePage = 10000; return;
      case 'f': s.font = param ?? -1; return;
      case 's': this.style = param ?? 0; return;
      case 'uc': s.uc = Math.max(0, param ?? 1); return;
      case 'u': {
        if (param === null) return;
        this.emit(String.fromCharCode(param < 0 ? param + 65536 : param));
        this.skipFallback = s.uc;
        return;
      }
      case 'b': s.bold = param !== 0; return;
      case 'plain': s.bold = false; return;
      case 'par': this.endParagraph(true); return;
      case 'sect': case 'page':
        this.endParagraph(false);
        if (name === 'page') { this.endTable(); this.blocks.push({ kind: 'page-break' }); }
        return;
      case 'pard':
        this.inTable = false; this.outline = null; this.style = 0; this.listLevel = null;
        return;
      case 'intbl': this.inTable = true; return;
      case 'outlinelevel': this.outline = param; return;
      case 'ls': this.listLevel ??= 0; return;
      case 'ilvl': this.listLevel = param ?? 0; return;
      case 'cell': this.endCell(); return;
      case 'row': this.endRow(); return;
      case 'nestcell': this.emit(' '); return;
      case 'nestrow': this.emit('\n'); return;
      default: {
        const sym = SYMBOLS[name];
        if (sym) this.emit(sym);
      }
    }
  }

  private emit(ch: string): void {
    if (this.state.skip) {
      if (this.state.capture) this.captured += ch;
      return;
    }
    if (++this.chars > this.ctx.limits.flowMaxChars) checkFlowSize(this.chars, this.ctx);
    this.text += ch;
    if (!/\s/.test(ch)) {
      if (this.state.bold) this.boldChars++;
      else this.plainChars++;
    }
  }

  /** A captured group ends: a style's name (is it a heading?), the title or author. */
  private endCapture(): void {
    const s = this.state;
    if (s.capture === 'style' && this.defining >= 0) {
      const name = this.captured.replace(/;\s*$/, '').trim();
      const heading = /^heading\s*(\d)$/i.exec(name);
      if (heading) this.headingStyles.set(this.defining, Number(heading[1]));
      else if (/^title$/i.test(name)) this.headingStyles.set(this.defining, 1);
      this.defining = -1;
    } else if (s.capture === 'title' || s.capture === 'author') {
      const value = this.captured.trim();
      if (value) this.metadata[s.capture] = value;
    } else if (s.capture === 'font') {
      this.defining = -1;
    }
    this.captured = '';
  }

  private takeParagraph(): { text: string; bold: boolean } {
    const text = this.text.replace(/[ \t\u00a0]+\n/g, '\n').trim();
    const bold = this.boldChars > 0 && this.plainChars === 0;
    this.text = '';
    this.boldChars = 0;
    this.plainChars = 0;
    return { text, bold };
  }

  private endParagraph(explicit: boolean): void {
    if (this.inTable) {
      // A paragraph inside a cell: one line of the cell's text.
      const { text } = this.takeParagraph();
      if (explicit || text) this.cell.push(text);
      return;
    }
    this.endTable();
    const { text, bold } = this.takeParagraph();
    if (!text) return;
    const heading = this.outline !== null && this.outline < 9 ? this.outline + 1 : this.headingStyles.get(this.style);
    if (heading) this.blocks.push({ kind: 'heading', level: heading, text });
    else if (this.listLevel !== null) this.blocks.push({ kind: 'list-item', text, level: this.listLevel + 1 });
    else this.blocks.push(bold ? { kind: 'paragraph', text, bold } : { kind: 'paragraph', text });
  }

  private endCell(): void {
    const { text } = this.takeParagraph();
    if (text) this.cell.push(text);
    this.row.push(this.cell.join('\n').trim());
    this.cell = [];
  }

  private endRow(): void {
    if (this.text.trim() || this.cell.length) this.endCell();
    if (this.row.length) this.rows.push(this.row);
    this.row = [];
    this.inTable = false;
  }

  private endTable(): void {
    if (this.row.length) this.endRow();
    if (this.rows.length) this.blocks.push({ kind: 'table', rows: this.rows });
    this.rows = [];
  }
}

export function parseRtf(bytes: Uint8Array, ctx: ParseContext): ParsedDocument {
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!/^\s*\{\\rtf/.test(src.slice(0, 64))) {
    throw new ChittiError('DOCUMENT_UNREADABLE', 'This file is not an RTF document: it does not start with {\\rtf.');
  }
  const reader = new RtfReader(ctx);
  reader.read(src);
  return flowDocument('rtf', reader.blocks, { metadata: reader.metadata });
}
