import type { TextRun } from '../parse/types.ts';

/** A page image handed to OCR: 8-bit greyscale (1 channel) or RGBA (4 channels). */
export interface PageImage {
  width: number;
  height: number;
  channels: 1 | 4;
  data: Uint8Array;
  /** Resolution it was rendered or scanned at; OCR boxes are converted back to points with it. */
  dpi: number;
}

export interface OcrResult {
  /** Words or lines with boxes in PDF points (top-left origin), as the parse types expect. */
  runs: TextRun[];
  /** Mean word confidence 0..1. */
  confidence: number;
}

/** A local OCR engine (chosen by measurement, see docs/adr/0009-ocr-engine.md). */
export interface OcrEngine {
  readonly id: string;
  recognize(image: PageImage): Promise<OcrResult>;
  close(): Promise<void>;
}
