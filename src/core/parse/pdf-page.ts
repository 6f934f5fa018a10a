import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { OCR_DPI, type ParseContext } from './context.ts';
import { formFieldRuns } from './form-fields.ts';
import { analyseDrawing, type PageDrawing } from './page-content.ts';
import type { PdfJs } from './pdf-open.ts';
import { fontStyleFromName, textRuns, type FontLookup, type FontStyle } from './pdf-text.ts';
import { ocrPageText, type PageText } from './ocr-page.ts';
import { renderPdfPage } from './render.ts';
import { judgeTextLayer, percent } from './text-layer-quality.ts';
import type { ParsedPage, TextRun } from './types.ts';

/**
 * One PDF page: its text layer as runs, judged, and replaced by OCR when it
 * is missing, garbage, or only a few words over a scanned image.
 */

/** A page with fewer characters than this over an image covering most of it may be a scan with a stamp or footer. */
export const SPARSE_CHARS = 200;
export const SCAN_COVERAGE = 0.5;
/** Dark pixels outside the text boxes, as a share of the page, above which the image holds content the text layer lacks. */
export const SCAN_INK_SHARE = 0.01;
/** Resolution of the quick render that looks for that content. */
const INK_DPI = 36;

function fontLookup(page: PDFPageProxy, styles: Record<string, { fontFamily?: string }>): FontLookup {
  const cache = new Map<string, FontStyle>();
  return (loadedName) => {
    let style = cache.get(loadedName);
    if (!style) {
      // After getOperatorList the page's fonts are in commonObjs with their real names.
      const font = page.commonObjs.has(loadedName)
        ? (page.commonObjs.get(loadedName) as { name?: string; bold?: boolean; italic?: boolean; black?: boolean } | null)
        : null;
      style = font ? fontStyleFromName(font.name, font) : fontStyleFromName(styles[loadedName]?.fontFamily);
      cache.set(loadedName, style);
    }
    return style;
  };
}

/**
 * Share of the page that is dark outside the text runs' boxes, from a quick
 * low-resolution render. A scanned page carries its content in the image; a
 * page whose image is only a background (a blank JBIG2 under real text, as in
 * the API 510 report) has nothing dark outside its text.
 */
async function inkOutsideText(doc: PDFDocumentProxy, page: PDFPageProxy, runs: TextRun[], ctx: ParseContext): Promise<number> {
  const image = await renderPdfPage(doc, page, INK_DPI, ctx.limits, { grey: true });
  const k = image.dpi / 72;
  const mask = new Uint8Array(image.width * image.height);
  for (const { bbox } of runs) {
    const x0 = Math.max(0, Math.floor(bbox[0] * k) - 1);
    const y0 = Math.max(0, Math.floor(bbox[1] * k) - 1);
    const x1 = Math.min(image.width, Math.ceil(bbox[2] * k) + 1);
    const y1 = Math.min(image.height, Math.ceil(bbox[3] * k) + 1);
    for (let y = y0; y < y1; y++) mask.fill(1, y * image.width + x0, y * image.width + x1);
  }
  let dark = 0;
  for (let i = 0; i < image.data.length; i++) if (!mask[i] && image.data[i]! < 128) dark++;
  return dark / image.data.length;
}

/** Why the text layer cannot be used, or null when it can. */
async function unusableBecause(
  doc: PDFDocumentProxy, page: PDFPageProxy, runs: TextRun[], fields: TextRun[], drawing: PageDrawing, ctx: ParseContext,
): Promise<string | null> {
  const verdict = judgeTextLayer(runs.map((r) => r.text).join(' '));
  if (verdict.kind === 'garbage') {
    return `garbage text layer: only ${percent(verdict.wordShare)} of its characters form words (a font without a usable encoding)`;
  }
  if (verdict.kind === 'empty') {
    if (!drawing.draws) return null; // a blank page
    return drawing.imageCoverage >= SCAN_COVERAGE
      ? `no text layer: the page is an image (${percent(drawing.imageCoverage)} of it), a scan`
      : 'no text layer: the page draws only shapes and images (text converted to outlines?)';
  }
  if (verdict.chars < SPARSE_CHARS && drawing.imageCoverage >= SCAN_COVERAGE) {
    // A page too large to render even small keeps its text layer: nothing better can be had from it.
    const ink = await inkOutsideText(doc, page, [...runs, ...fields], ctx).catch(() => 0);
    if (ink >= SCAN_INK_SHARE) {
      return `scanned page: an image covers ${percent(drawing.imageCoverage)} of it and the text layer has only ${verdict.chars} characters`;
    }
  }
  return null;
}

export async function parsePdfPage(pdfjs: PdfJs, doc: PDFDocumentProxy, number: number, ctx: ParseContext): Promise<ParsedPage> {
  const page = await doc.getPage(number);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const content = await page.getTextContent();
    const ops = await page.getOperatorList();
    const drawing = analyseDrawing(pdfjs, ops, page.view as [number, number, number, number]);
    const runs = textRuns(content, viewport.transform, fontLookup(page, content.styles));
    const fields = formFieldRuns(await page.getAnnotations().catch(() => []), viewport.transform);
    const base = { page: number, width: Math.round(viewport.width * 100) / 100, height: Math.round(viewport.height * 100) / 100 };

    const why = await unusableBecause(doc, page, runs, fields, drawing, ctx);
    if (!why) return { ...base, runs: [...runs, ...fields], textSource: 'text-layer' };
    // Garbage is dropped; a sparse text layer over a scan is real text and is kept when OCR cannot run.
    const keep = why.startsWith('scanned page') ? [...runs, ...fields] : fields;
    const text: PageText = await ocrPageText(ctx, why, () => renderPdfPage(doc, page, OCR_DPI, ctx.limits, { grey: true }), keep);
    return { ...base, ...text };
  } finally {
    page.cleanup();
  }
}
