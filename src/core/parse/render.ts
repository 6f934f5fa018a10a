import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ChittiError } from '../app/errors.ts';
import { toGrey } from '../ocr/page-image.ts';
import type { PageImage } from '../ocr/types.ts';
import type { ParseLimits } from './limits.ts';

/**
 * Page rendering through pdf.js onto an @napi-rs/canvas canvas (pdf.js's own
 * Node canvas factory, `doc.canvasFactory`): the viewer's page images and the
 * images OCR reads.
 *
 * The canvas is native memory that no worker heap limit bounds, so its size
 * is capped: a page that would exceed `renderMaxPixels` at the asked
 * resolution is rendered at the highest resolution that fits (the image's
 * `dpi` says which), and a page so large that even `renderMinDpi` does not fit
 * is refused with DOCUMENT_TOO_LARGE.
 */

/** Skia's largest canvas side. */
const MAX_SIDE = 32_767;

interface CanvasAndContext {
  canvas: { width: number; height: number } | null;
  context: CanvasRenderingContext2DLike | null;
}
interface CanvasRenderingContext2DLike {
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface CanvasFactory {
  create(width: number, height: number): CanvasAndContext;
  destroy(cc: CanvasAndContext): void;
}

/** The scale (pixels per point) a page of `widthPt`×`heightPt` is rendered at for `dpi`, within the pixel cap. */
export function renderScale(widthPt: number, heightPt: number, dpi: number, limits: ParseLimits): number {
  let scale = dpi / 72;
  const pixels = widthPt * scale * heightPt * scale;
  // 0.999: the canvas's sides are rounded to whole pixels, which must not take it past the cap.
  if (pixels > limits.renderMaxPixels) scale *= Math.sqrt(limits.renderMaxPixels / pixels) * 0.999;
  scale = Math.min(scale, MAX_SIDE / widthPt, MAX_SIDE / heightPt);
  if (scale * 72 < Math.min(dpi, limits.renderMinDpi)) {
    const inches = (pt: number) => Math.round(pt / 72);
    throw new ChittiError('DOCUMENT_TOO_LARGE',
      `This page is ${inches(widthPt)}×${inches(heightPt)} inches: too large to show even at ${limits.renderMinDpi} dpi within the ${limits.renderMaxPixels / 1e6} MP Chitti renders.`);
  }
  return scale;
}

export function checkDpi(dpi: number): void {
  if (!Number.isFinite(dpi) || dpi < 18 || dpi > 1200) {
    throw new ChittiError('INVALID_INPUT', `A page is rendered at 18 to 1200 dpi, not ${String(dpi)}.`);
  }
}

/** Renders one page: RGBA for the viewer, or 8-bit grey (`grey`) for OCR and measurements. */
export async function renderPdfPage(
  doc: PDFDocumentProxy, page: PDFPageProxy, dpi: number, limits: ParseLimits, options: { grey?: boolean } = {},
): Promise<PageImage> {
  const base = page.getViewport({ scale: 1 });
  const scale = renderScale(base.width, base.height, dpi, limits);
  const viewport = page.getViewport({ scale });
  const width = Math.max(1, Math.round(viewport.width));
  const height = Math.max(1, Math.round(viewport.height));
  const factory = doc.canvasFactory as CanvasFactory;
  const cc = factory.create(width, height);
  try {
    const params = { canvas: cc.canvas, canvasContext: cc.context, viewport } as unknown as Parameters<PDFPageProxy['render']>[0];
    await page.render(params).promise;
    // A copy in memory of our own: the canvas's pixels are native memory that may not move to another thread.
    const rgba = new Uint8Array(cc.context!.getImageData(0, 0, width, height).data);
    const image: PageImage = { width, height, channels: 4, data: rgba, dpi: Math.round(scale * 72 * 100) / 100 };
    return options.grey ? { ...image, channels: 1, data: toGrey(image) } : image;
  } finally {
    factory.destroy(cc);
  }
}
