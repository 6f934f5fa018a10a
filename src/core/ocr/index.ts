/**
 * Local OCR for pages without a usable text layer. The engine was chosen by
 * measurement on real report pages (docs/adr/0009-ocr-engine.md,
 * tools/bench/ocr.ts): tesseract.js by default; PaddleOCR PP-OCRv4 on
 * onnxruntime-node stays available for comparison and for callers that ask
 * for it. Both run fully offline from files in node_modules.
 */
import { createPaddleEngine, type PaddleOptions } from './paddle.ts';
import { createTesseractEngine, type TesseractOptions } from './tesseract.ts';
import type { OcrEngine } from './types.ts';

export type OcrEngineKind = 'tesseract' | 'paddle';

export interface OcrEngineOptions {
  /** Which engine (default: tesseract, see the ADR). */
  engine?: OcrEngineKind;
  tesseract?: TesseractOptions;
  paddle?: PaddleOptions;
}

/**
 * One OCR engine: it starts its worker (or model sessions) on the first page,
 * reuses it for every page after, recognises one page at a time, and must be
 * closed. Callers that want two pages at once create two engines.
 */
export function createOcrEngine(options: OcrEngineOptions = {}): OcrEngine {
  return options.engine === 'paddle' ? createPaddleEngine(options.paddle) : createTesseractEngine(options.tesseract);
}

export { MAX_OCR_PIXELS } from './page-image.ts';
export { resolveOcrAssets, type OcrAssets } from './assets.ts';
export type { OcrEngine, OcrResult, PageImage } from './types.ts';
export type { PaddleOptions, TesseractOptions };
