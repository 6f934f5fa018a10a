import type { OcrEngine } from '../ocr/types.ts';
import type { ParseLimits } from './limits.ts';

/** What every format's parser gets besides the bytes. */
export interface ParseContext {
  ocr: OcrEngine | null;
  signal?: AbortSignal;
  /** Read at most this many pages (the document's page count is still reported whole). */
  maxPages?: number;
  limits: ParseLimits;
  /** Called after each page, so a caller can show progress (and a watchdog knows the parse is alive). */
  onProgress?: (page: number, pages: number) => void;
}

/** Resolution pages are rendered at for OCR: what OCR engines are trained on, and small text stays legible. */
export const OCR_DPI = 300;

/** An error's first line, short and without its final full stop (it is quoted inside sentences). */
export const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200).replace(/[\s.:]+$/, '');

/** '3', '3-5', '1, 4-6, 9' */
export function pageList(pages: number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(sorted[i] === start ? `${start}` : `${start}-${sorted[i]}`);
  }
  return parts.join(', ');
}

export const pagesPhrase = (pages: number[]) => `${pages.length === 1 ? 'page' : 'pages'} ${pageList(pages)}`;
