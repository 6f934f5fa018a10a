import sharp, { type Metadata } from 'sharp';
import { ChittiError } from '../app/errors.ts';
import type { PageImage } from '../ocr/types.ts';
import { OCR_DPI, reasonOf, type ParseContext } from './context.ts';
import type { ParseLimits } from './limits.ts';
import { ocrPageText, ocrWarnings } from './ocr-page.ts';
import type { ParsedDocument, ParsedPage, UnreadablePage } from './types.ts';

/**
 * A scanned page as an image file (PNG, JPEG, TIFF; a multi-page TIFF is one
 * page per image): format 'image', every page OCRed. A page's size in points
 * comes from the image's resolution when it records a plausible one; a scan
 * without one is taken to be an A4/Letter page (its long side 11.69 in), which
 * is what a page image almost always is.
 */

const A4_LONG_SIDE_IN = 11.69;

const unreadable = (why: string, cause?: unknown) => new ChittiError('DOCUMENT_UNREADABLE', `This page image cannot be read: ${why}.`, { cause });

async function metadataOf(bytes: Uint8Array, limits: ParseLimits): Promise<Metadata> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (e) {
    throw unreadable(reasonOf(e), e);
  }
  const { width = 0, height = 0 } = meta;
  if (!width || !height) throw unreadable('it declares no pixels');
  if (width * height > limits.imageMaxPixels) {
    throw new ChittiError('DOCUMENT_TOO_LARGE',
      `This page image declares ${width}×${height} pixels, more than the ${limits.imageMaxPixels / 1e6} MP Chitti reads (a scan of an A3 page at 600 dpi is 70 MP).`);
  }
  return meta;
}

/** The resolution the image was scanned at, or the one that makes it a page. */
export function scanDpi(meta: Pick<Metadata, 'width' | 'height' | 'density'>): number {
  const density = meta.density ?? 0;
  if (density >= 100 && density <= 1200) return density;
  return Math.max(meta.width ?? 0, meta.height ?? 0) / A4_LONG_SIDE_IN;
}

/** One page of the image, resized to `dpi` (within the pixel cap), RGBA or grey. */
export async function renderImagePage(bytes: Uint8Array, page: number, dpi: number, limits: ParseLimits, options: { grey?: boolean } = {}): Promise<PageImage> {
  const meta = await metadataOf(bytes, limits);
  const pages = meta.pages ?? 1;
  if (!Number.isInteger(page) || page < 1 || page > pages) throw new ChittiError('NOT_FOUND', `This image has ${pages} ${pages === 1 ? 'page' : 'pages'}; there is no page ${page}.`);
  const native = scanDpi(meta);
  const oriented = (meta.orientation ?? 1) >= 5 ? { w: meta.height, h: meta.width } : { w: meta.width, h: meta.height };
  // A small image is enlarged at most twice: more pixels than that add nothing for OCR or the eye.
  let scale = Math.min(dpi / native, 2);
  const pixels = oriented.w * scale * oriented.h * scale;
  if (pixels > limits.renderMaxPixels) scale *= Math.sqrt(limits.renderMaxPixels / pixels) * 0.999;
  const width = Math.max(1, Math.round(oriented.w * scale));
  const height = Math.max(1, Math.round(oriented.h * scale));
  try {
    let pipeline = sharp(bytes, { page: page - 1, limitInputPixels: limits.imageMaxPixels, failOn: 'error', autoOrient: true })
      .resize(width, height, { fit: 'fill' })
      .flatten({ background: '#ffffff' });
    pipeline = options.grey ? pipeline.greyscale().toColourspace('b-w') : pipeline.toColourspace('srgb').ensureAlpha();
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    // Copied into memory of our own (sharp's buffer may be native memory that cannot move to another thread).
    return { width: info.width, height: info.height, channels: options.grey ? 1 : 4, data: new Uint8Array(data), dpi: Math.round(native * scale * 100) / 100 };
  } catch (e) {
    throw unreadable(`page ${page}: ${reasonOf(e)}`, e);
  }
}

export async function parseImage(bytes: Uint8Array, ctx: ParseContext): Promise<ParsedDocument> {
  const meta = await metadataOf(bytes, ctx.limits);
  const pageCount = meta.pages ?? 1;
  const toRead = Math.min(pageCount, ctx.maxPages ?? pageCount);
  const native = scanDpi(meta);
  const turned = (meta.orientation ?? 1) >= 5;
  const pages: ParsedPage[] = [];
  const unreadablePages: UnreadablePage[] = [];
  for (let n = 1; n <= toRead; n++) {
    ctx.signal?.throwIfAborted();
    // Pages of a TIFF may differ in size; the first page's header is what metadata() reports.
    const size = n === 1 ? meta : await sharp(bytes, { page: n - 1, limitInputPixels: false }).metadata().catch(() => meta);
    const w = (turned ? size.height : size.width) ?? 0;
    const h = (turned ? size.width : size.height) ?? 0;
    try {
      // Decoded before OCR, so a damaged page is unreadable, not an OCR failure (without an engine nothing is decoded).
      const image = ctx.ocr ? await renderImagePage(bytes, n, OCR_DPI, ctx.limits, { grey: true }) : null;
      const text = await ocrPageText(ctx, 'page image: a scan has no text layer', () => Promise.resolve(image!));
      pages.push({ page: n, width: Math.round((w * 72 / native) * 100) / 100, height: Math.round((h * 72 / native) * 100) / 100, ...text });
    } catch (e) {
      if (ctx.signal?.aborted) throw e;
      unreadablePages.push({ page: n, reason: reasonOf(e) });
    }
    ctx.onProgress?.(n, toRead);
  }
  if (pages.length === 0 && unreadablePages.length > 0) {
    throw unreadable(unreadablePages[0]!.reason.replace(/^This page image cannot be read: /, '').replace(/\.$/, ''));
  }
  const warnings = ocrWarnings(pages);
  if (toRead < pageCount) warnings.push(`Only the first ${toRead} of ${pageCount} pages were read.`);
  return { format: 'image', pageCount, pages, flow: [], unreadablePages, metadata: {}, warnings };
}
