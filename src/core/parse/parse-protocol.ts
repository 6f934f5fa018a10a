import type { ErrorCode } from '../../shared/contract/index.ts';
import type { OcrResult, PageImage } from '../ocr/types.ts';
import type { ParseLimits } from './limits.ts';
import type { ParsedDocument } from './types.ts';

/** Messages between createDocumentParser (the host thread) and parse-worker.ts. */

export interface ParseWorkerData {
  limits: Partial<ParseLimits>;
}

export type ParseRequest =
  | { type: 'parse'; id: number; bytes: Uint8Array; maxPages?: number; ocr: boolean }
  | { type: 'render'; id: number; bytes: Uint8Array; page: number; dpi: number; grey: boolean }
  /** The host's answer to an `ocr` request. */
  | { type: 'ocr-result'; id: number; ocrId: number; ok: true; result: OcrResult }
  | { type: 'ocr-result'; id: number; ocrId: number; ok: false; message: string };

export type ParseResponse =
  | { type: 'parsed'; id: number; document: ParsedDocument }
  | { type: 'rendered'; id: number; image: PageImage }
  | { type: 'failed'; id: number; code: ErrorCode; message: string; detail?: string }
  | { type: 'progress'; id: number; page: number; pages: number }
  /** The worker has a page image for the host's OCR engine (engines live in the host: they hold models and workers of their own). */
  | { type: 'ocr'; id: number; ocrId: number; image: PageImage };
