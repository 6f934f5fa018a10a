import type { FlowBlock, ParsedDocument, ParsedPage, TextRun } from '../../src/core/parse/types.ts';

/**
 * Small hand-made parsed documents for structure-detection unit tests: runs
 * placed on a page in points (top-left origin), as a PDF's text layer gives them.
 */

export interface RunStyle {
  size?: number;
  bold?: boolean;
  italic?: boolean;
  /** Width in points; by default half an em per character, about Helvetica's average. */
  width?: number;
}

export function run(text: string, x: number, y: number, style: RunStyle = {}): TextRun {
  const size = style.size ?? 10;
  const width = style.width ?? text.length * size * 0.5;
  return { text, bbox: [x, y, x + width, y + size], fontSize: size, bold: style.bold ?? false, italic: style.italic ?? false };
}

/** Several runs on one baseline: [text, x] pairs. */
export function row(y: number, cells: Array<[string, number]>, style: RunStyle = {}): TextRun[] {
  return cells.map(([text, x]) => run(text, x, y, style));
}

export function page(n: number, runs: TextRun[], size: { width: number; height: number } = { width: 612, height: 792 }): ParsedPage {
  return { page: n, width: size.width, height: size.height, runs, textSource: runs.length ? 'text-layer' : 'none' };
}

export function pagedDoc(pages: ParsedPage[], extra: Partial<ParsedDocument> = {}): ParsedDocument {
  return { format: 'pdf', pageCount: pages.length, pages, flow: [], unreadablePages: [], metadata: {}, warnings: [], ...extra };
}

export function flowDoc(flow: FlowBlock[], format: ParsedDocument['format'] = 'docx'): ParsedDocument {
  return { format, pageCount: 1 + flow.filter((b) => b.kind === 'page-break').length, pages: [], flow, unreadablePages: [], metadata: {}, warnings: [] };
}

/** Lines of body text, one run each, `pitch` points apart. */
export function paragraph(x: number, y: number, lines: string[], style: RunStyle & { pitch?: number } = {}): TextRun[] {
  const pitch = style.pitch ?? (style.size ?? 10) * 1.2;
  return lines.map((text, i) => run(text, x, y + i * pitch, style));
}
