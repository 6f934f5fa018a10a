import { ChittiError } from '../app/errors.ts';
import type { ParseContext } from './context.ts';
import type { FlowBlock, ParsedDocument } from './types.ts';

/**
 * Plain text → flow blocks. Encoding: a byte-order mark says UTF-8 or UTF-16
 * (LE/BE); without one, UTF-8 when the bytes are valid UTF-8, else Windows-1252
 * (the superset of Latin-1 that such files really use: curly quotes, dashes).
 * Paragraphs are separated by blank lines and keep their line breaks (a form's
 * 'Key: value' lines stay lines); lines marked as list items (-, *, •, 1., a))
 * become list items, their level from the indentation; a form feed is a page
 * break.
 */

/**
 * Windows-1252's 0x80-0x9F (the rest is Latin-1). Written out because Node's
 * TextDecoder('windows-1252') decodes these bytes as Latin-1's C1 controls.
 */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

export function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = bytes.subarray(i, i + 8192);
    out += String.fromCharCode(...chunk.map((b) => b)).replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
  }
  return out;
}

export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(b.subarray(3)), encoding: 'utf-8' };
  if (b[0] === 0xff && b[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(b.subarray(2)), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(b.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(b), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(b), encoding: 'windows-1252' };
  }
}

/**
 * A file that holds only an HTTP response's header (a download saved before
 * its body arrived, e.g. named report.pdf) is not a document: say what it is.
 */
function refuseHttpHeader(text: string): void {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!/^HTTP\/\d(\.\d)?\s+\d{3}\b/.test(lines[0] ?? '')) return;
  if (!lines.slice(1).every((l) => /^[A-Za-z0-9-]+:\s?/.test(l))) return;
  const header = (name: string) => lines.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
  const type = header('content-type');
  const length = header('content-length');
  const what = [type && `a ${type} file`, length && `of ${length} bytes`].filter(Boolean).join(' ');
  throw new ChittiError('DOCUMENT_UNREADABLE',
    `This file holds only the HTTP response header of a download${what ? ` (${what})` : ''}, not the document itself: the download did not finish. Download the document again.`);
}

const LIST_ITEM = /^(\s*)(?:[-*•‣◦▪–]|\(?\d{1,3}[.)]|\(?[a-zA-Z][.)])\s+(\S.*)$/;

function blocksOf(paragraph: string): FlowBlock[] {
  const lines = paragraph.split('\n').map((l) => l.replace(/\s+$/, '')).filter((l) => l.trim());
  if (lines.length === 0) return [];
  const blocks: FlowBlock[] = [];
  let prose: string[] = [];
  const endProse = () => {
    if (prose.length) blocks.push({ kind: 'paragraph', text: prose.join('\n') });
    prose = [];
  };
  // A paragraph is a list only when every line is an item: '1. Scope' alone above prose is a numbered heading or a sentence.
  const allItems = lines.length > 1 && lines.every((l) => LIST_ITEM.test(l));
  for (const line of lines) {
    const item = allItems ? LIST_ITEM.exec(line) : null;
    if (item) {
      endProse();
      const indent = item[1]!.replace(/\t/g, '    ').length;
      blocks.push({ kind: 'list-item', text: item[2]!.trim(), level: 1 + Math.floor(indent / 2) });
    } else {
      prose.push(line.trim());
    }
  }
  endProse();
  return blocks;
}

export function textToBlocks(text: string): FlowBlock[] {
  const blocks: FlowBlock[] = [];
  const pages = text.replace(/\r\n?/g, '\n').split('\f');
  pages.forEach((page, i) => {
    if (i > 0) blocks.push({ kind: 'page-break' });
    for (const paragraph of page.split(/\n[ \t]*\n/)) blocks.push(...blocksOf(paragraph));
  });
  return blocks;
}

export function flowDocument(format: ParsedDocument['format'], flow: FlowBlock[], extra: Partial<ParsedDocument> = {}): ParsedDocument {
  return {
    format,
    pageCount: 1 + flow.filter((b) => b.kind === 'page-break').length,
    pages: [],
    flow,
    unreadablePages: [],
    metadata: {},
    warnings: [],
    ...extra,
  };
}

export function checkFlowSize(chars: number, ctx: ParseContext): void {
  if (chars > ctx.limits.flowMaxChars) {
    throw new ChittiError('DOCUMENT_TOO_LARGE',
      `This document has ${chars} characters of text, more than the ${ctx.limits.flowMaxChars} Chitti reads from one document.`);
  }
}

export function parseText(bytes: Uint8Array, ctx: ParseContext): ParsedDocument {
  const { text, encoding } = decodeText(bytes);
  checkFlowSize(text.length, ctx);
  if (text.includes('\0')) throw new ChittiError('DOCUMENT_UNREADABLE', 'This file is not text: it holds NUL bytes, which text never does.');
  refuseHttpHeader(text);
  const warnings = encoding === 'windows-1252' ? ['The text is not UTF-8: it was read as Windows-1252 (Latin-1).'] : [];
  return flowDocument('txt', textToBlocks(text), { warnings });
}
