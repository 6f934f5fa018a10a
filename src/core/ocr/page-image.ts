import sharp from 'sharp';
import { ChittiError } from '../app/errors.ts';
import type { BBox, TextRun } from '../parse/types.ts';
import type { PageImage } from './types.ts';

/**
 * The most pixels one page may have (an A4 page at 600 dpi is 35 MP). The
 * tesseract worker's WebAssembly heap grows to a few times the page and never
 * shrinks, so this is what keeps an engine's memory bounded.
 */
export const MAX_OCR_PIXELS = 64_000_000;

const fail = (why: string) => new ChittiError('OCR_FAILED', `OCR cannot read this page image: ${why}.`);

/** Checks a page image's declared size against its bytes before any engine sees it. */
export function checkPageImage(image: PageImage): void {
  const { width, height, channels, data, dpi } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw fail(`its size is ${String(width)}×${String(height)} pixels`);
  }
  if (width * height > MAX_OCR_PIXELS) {
    throw fail(`it has ${width}×${height} pixels, more than the ${MAX_OCR_PIXELS / 1e6} MP OCR reads; render it at a lower resolution`);
  }
  if (channels !== 1 && channels !== 4) throw fail(`it has ${String(channels)} channels (1 or 4 expected)`);
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    throw fail(`it declares ${width}×${height}×${channels} bytes but holds ${data instanceof Uint8Array ? data.length : 'no'} bytes`);
  }
  if (!Number.isFinite(dpi) || dpi < 36 || dpi > 2400) throw fail(`its resolution ${String(dpi)} dpi is not a real one`);
}

/** 8-bit grey, one byte a pixel: RGBA is composited over white (a transparent canvas is paper) with Rec. 601 weights. */
export function toGrey(image: PageImage): Uint8Array {
  if (image.channels === 1) return image.data;
  const n = image.width * image.height;
  const src = image.data;
  const grey = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const luma = 0.299 * src[j]! + 0.587 * src[j + 1]! + 0.114 * src[j + 2]!;
    const a = src[j + 3]! / 255;
    grey[i] = Math.round(luma * a + 255 * (1 - a));
  }
  return grey;
}

/** A binary PGM (P5): the simplest encoding Leptonica reads, so no PNG round trip per page. */
export function toPgm(grey: Uint8Array, width: number, height: number): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + grey.length);
  out.set(header, 0);
  out.set(grey, header.length);
  return out;
}

/** A box in page-image pixels (x0, y0, x1, y1). */
export type PixelBox = [number, number, number, number];

/**
 * A recognised word as a parse TextRun: pixels become PDF points through the
 * image's dpi. OCR knows no font, so the size is the height of the word's
 * text line (ascender to descender) and bold/italic are false.
 */
export function toTextRun(text: string, box: PixelBox, lineHeightPx: number, dpi: number): TextRun {
  const k = 72 / dpi;
  const r = (v: number) => Math.round(v * k * 100) / 100;
  const bbox: BBox = [r(box[0]), r(box[1]), r(box[2]), r(box[3])];
  return { text, bbox, fontSize: r(lineHeightPx), bold: false, italic: false };
}

/** A grey page at a given resolution. */
export interface GreyPage {
  grey: Uint8Array;
  width: number;
  height: number;
  dpi: number;
}

/**
 * Scales a page rendered or scanned below `minDpi` up to it (Lanczos), within
 * MAX_OCR_PIXELS. Both engines read small text better from the sharper
 * upscaled page than from their own interpolation: at 150 dpi, CER went from
 * 1.6 % to 1.4 % (tesseract) and from 4.8 % to 0.7 % (PaddleOCR) in
 * tools/bench/ocr.ts. Boxes stay right because the returned dpi is the new one.
 */
export async function atLeastDpi(page: GreyPage, minDpi: number): Promise<GreyPage> {
  if (!(page.dpi < minDpi)) return page;
  const factor = Math.min(minDpi / page.dpi, Math.sqrt(MAX_OCR_PIXELS / (page.width * page.height)));
  const width = Math.round(page.width * factor);
  const height = Math.round(page.height * factor);
  if (width <= page.width || height <= page.height) return page;
  const grey = await sharp(page.grey, { raw: { width: page.width, height: page.height, channels: 1 } })
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer();
  return { grey: new Uint8Array(grey.buffer, grey.byteOffset, grey.byteLength), width, height, dpi: page.dpi * (width / page.width) };
}
