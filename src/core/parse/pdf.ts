import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ChittiError } from '../app/errors.ts';
import { pagesPhrase, reasonOf, type ParseContext } from './context.ts';
import { ocrWarnings } from './ocr-page.ts';
import { loadPdfJs, openPdf, type PdfJs } from './pdf-open.ts';
import { parsePdfPage } from './pdf-page.ts';
import type { ParsedDocument, ParsedPage, UnreadablePage } from './types.ts';

/**
 * PDF → pages of runs. Each page is read on its own: a page pdf.js cannot
 * read (a damaged content stream, a broken page tree entry) is listed in
 * `unreadablePages` with pdf.js's reason and the others are kept; only a file
 * with no readable page at all fails, with DOCUMENT_UNREADABLE.
 */

async function metadataOf(pdfjs: PdfJs, doc: PDFDocumentProxy): Promise<ParsedDocument['metadata']> {
  const meta = await doc.getMetadata().catch(() => null);
  const info = (meta?.info ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof info[key] === 'string' && info[key].trim() ? info[key].trim() : undefined);
  const out: ParsedDocument['metadata'] = {};
  const title = text('Title');
  const author = text('Author');
  const producer = text('Producer');
  if (title) out.title = title;
  if (author) out.author = author;
  if (producer) out.producer = producer;
  const created = text('CreationDate');
  const date = created ? pdfjs.PDFDateString.toDateObject(created) : null;
  if (date && !Number.isNaN(date.getTime())) out.created = date.toISOString();
  return out;
}

/** A page of a repaired (cut-short) file that draws nothing had its content in the part that is missing. */
const lostInTruncation = (p: ParsedPage) => p.runs.length === 0 && p.textSource === 'text-layer';

export async function parsePdf(bytes: Uint8Array, ctx: ParseContext): Promise<ParsedDocument> {
  const pdfjs = await loadPdfJs();
  const { doc, repaired } = await openPdf(bytes, ctx.limits);
  try {
    const pageCount = doc.numPages;
    const toRead = Math.min(pageCount, ctx.maxPages ?? pageCount);
    const pages: ParsedPage[] = [];
    const unreadablePages: UnreadablePage[] = [];
    for (let n = 1; n <= toRead; n++) {
      ctx.signal?.throwIfAborted();
      try {
        const page = await parsePdfPage(pdfjs, doc, n, ctx);
        if (repaired && lostInTruncation(page)) unreadablePages.push({ page: n, reason: 'its content is in the part of the file that is missing' });
        else pages.push(page);
      } catch (e) {
        if (ctx.signal?.aborted) throw e;
        unreadablePages.push({ page: n, reason: reasonOf(e) });
      }
      ctx.onProgress?.(n, toRead);
    }
    if (pages.length === 0 && unreadablePages.length > 0) {
      const first = unreadablePages[0]!;
      throw new ChittiError('DOCUMENT_UNREADABLE',
        `This PDF cannot be read: none of its ${pageCount} ${pageCount === 1 ? 'page' : 'pages'} can be read (page ${first.page}: ${first.reason}).`);
    }
    const warnings: string[] = [];
    if (repaired) warnings.push('The file ends early (it has no trailer): it was read as far as it goes, and pages whose content is missing are listed as unreadable.');
    if (unreadablePages.length) warnings.push(`${pagesPhrase(unreadablePages.map((p) => p.page))} could not be read; the rest of the document is kept.`);
    if (toRead < pageCount) warnings.push(`Only the first ${toRead} of ${pageCount} pages were read.`);
    warnings.push(...ocrWarnings(pages));
    return { format: 'pdf', pageCount, pages, flow: [], unreadablePages, metadata: await metadataOf(pdfjs, doc), warnings };
  } finally {
    await doc.destroy().catch(() => {});
  }
}
