/**
 * What the parsers produce: the raw content of a document, before structure
 * detection (src/core/structure) turns it into headings, fields and tables.
 *
 * Two shapes, because documents come in two kinds:
 *  - paged (PDF, scans, page images): text runs with positions on pages,
 *    from the text layer or from OCR;
 *  - flowing (DOCX, TXT, RTF): blocks in reading order whose kind the file
 *    already says (a DOCX heading style, a table), with no positions.
 */

/** [x0, y0, x1, y1] in PDF points (1/72 inch), origin at the page's top-left corner, y downwards. */
export type BBox = [number, number, number, number];

/** One run of text as drawn on a page: a pdf.js text item, or an OCR word/line. */
export interface TextRun {
  text: string;
  bbox: BBox;
  /** Font size in points (the run's height for OCR). */
  fontSize: number;
  bold: boolean;
  italic: boolean;
  /** The font's name where the file gives one (pdf.js `fontName` resolved to the real name when possible). */
  fontName?: string;
}

/** Where a page's text came from. */
export type TextSource = 'text-layer' | 'ocr' | 'none';

export interface ParsedPage {
  /** 1-based page number. */
  page: number;
  /** Page size in points. */
  width: number;
  height: number;
  runs: TextRun[];
  textSource: TextSource;
  /** Mean OCR word confidence 0..1 when `textSource` is 'ocr'. */
  ocrConfidence?: number;
  /** Why the text layer was not used (e.g. 'garbage text layer: 4% dictionary words'), for the user and the tests. */
  textLayerNote?: string;
}

/** A block of a flowing document (DOCX, TXT, RTF) in reading order. */
export type FlowBlock =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string; bold?: boolean }
  | { kind: 'list-item'; text: string; level: number }
  | { kind: 'table'; rows: string[][] }
  | { kind: 'page-break' };

export type DocumentFormat = 'pdf' | 'docx' | 'txt' | 'rtf' | 'image';

/** A page that could not be read, with the reason, so a partly damaged file still gives the rest. */
export interface UnreadablePage {
  page: number;
  reason: string;
}

export interface ParsedDocument {
  format: DocumentFormat;
  /** Total pages the file declares (1 for flowing documents without page breaks). */
  pageCount: number;
  /** Paged content; empty for flowing documents. */
  pages: ParsedPage[];
  /** Flowing content; empty for paged documents. */
  flow: FlowBlock[];
  unreadablePages: UnreadablePage[];
  metadata: { title?: string; author?: string; producer?: string; created?: string };
  /** Things the user should know that did not stop parsing (e.g. 'pages 3-4 were OCRed'). */
  warnings: string[];
}
