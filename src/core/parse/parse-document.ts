import { ChittiError } from '../app/errors.ts';
import type { OcrEngine, PageImage } from '../ocr/types.ts';
import type { ParseContext } from './context.ts';
import { detectFormat } from './detect-format.ts';
import { parseDocx } from './docx.ts';
import { parseImage, renderImagePage } from './image.ts';
import { limitsWith, type ParseLimits } from './limits.ts';
import { parsePdf } from './pdf.ts';
import { openPdf } from './pdf-open.ts';
import { checkDpi, renderPdfPage } from './render.ts';
import { parseRtf } from './rtf.ts';
import { parseText } from './text.ts';
import type { ParsedDocument } from './types.ts';

/**
 * Parsing in the calling thread: the worker runs these (parse-worker.ts), and
 * tests call them directly. The app and the CLI use `createDocumentParser`.
 */

export interface ParseOptions {
  /** Reads pages without a usable text layer; without one they get textSource 'none' and a warning. */
  ocr?: OcrEngine | null;
  signal?: AbortSignal;
  /** Read at most the first N pages. */
  maxPages?: number;
  limits?: Partial<ParseLimits>;
  onProgress?: (page: number, pages: number) => void;
}

export async function parseDocument(bytes: Uint8Array, options: ParseOptions = {}): Promise<ParsedDocument> {
  if (options.maxPages !== undefined && !(Number.isInteger(options.maxPages) && options.maxPages >= 1)) {
    throw new ChittiError('INVALID_INPUT', `maxPages must be a whole number of at least 1, not ${String(options.maxPages)}.`);
  }
  options.signal?.throwIfAborted();
  const ctx: ParseContext = { ocr: options.ocr ?? null, limits: limitsWith(options.limits) };
  if (options.signal) ctx.signal = options.signal;
  if (options.maxPages !== undefined) ctx.maxPages = options.maxPages;
  if (options.onProgress) ctx.onProgress = options.onProgress;
  const detected = await detectFormat(bytes, ctx.limits);
  switch (detected.format) {
    case 'pdf': return parsePdf(bytes, ctx);
    case 'image': return parseImage(bytes, ctx);
    case 'txt': return parseText(bytes, ctx);
    case 'rtf': return parseRtf(bytes, ctx);
    case 'docx':
      try {
        return await parseDocx(detected.zip, ctx);
      } finally {
        detected.zip.close();
      }
  }
}

/**
 * One page as an image for the viewer (RGBA) or OCR (`grey`), at `dpi` or at
 * the highest resolution within the pixel cap (the image's `dpi` says which).
 */
export async function renderPage(
  bytes: Uint8Array, page: number, dpi: number, options: { grey?: boolean; limits?: Partial<ParseLimits> } = {},
): Promise<PageImage> {
  checkDpi(dpi);
  const limits = limitsWith(options.limits);
  const detected = await detectFormat(bytes, limits);
  if (detected.format === 'image') return renderImagePage(bytes, page, dpi, limits, options);
  if (detected.format !== 'pdf') {
    if (detected.format === 'docx') detected.zip.close();
    throw new ChittiError('INVALID_INPUT', `A ${detected.format.toUpperCase()} document flows as text and has no page images to render.`);
  }
  const { doc } = await openPdf(bytes, limits);
  try {
    if (!Number.isInteger(page) || page < 1 || page > doc.numPages) {
      throw new ChittiError('NOT_FOUND', `This PDF has ${doc.numPages} ${doc.numPages === 1 ? 'page' : 'pages'}; there is no page ${page}.`);
    }
    const pdfPage = await doc.getPage(page);
    try {
      return await renderPdfPage(doc, pdfPage, dpi, limits, options);
    } finally {
      pdfPage.cleanup();
    }
  } finally {
    await doc.destroy().catch(() => {});
  }
}
