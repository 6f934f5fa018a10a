/**
 * What the parsers read at most. Each limit is far above any real inspection
 * document and far below what would hurt the machine; docs/adr/0010 says why.
 */
export interface ParseLimits {
  /** ZIP (DOCX): entries in the central directory. Word writes a few dozen; 5000 leaves room for many images. */
  zipMaxEntries: number;
  /** ZIP: the most one part may inflate to, declared or actual. A 1000-page report's document.xml is ~30 MiB. */
  zipMaxEntryBytes: number;
  /** ZIP: declared uncompressed total of all parts, images included (which are never inflated here). */
  zipMaxTotalBytes: number;
  /** ZIP: the most bytes inflated over one document, all parts read together. */
  zipMaxInflatedBytes: number;
  /** ZIP: inflated/compressed ratio a part may have once it is at least `zipRatioMinBytes`. Real XML is 5-30:1; bombs are 300-1000:1. */
  zipMaxRatio: number;
  zipRatioMinBytes: number;
  /** Pixels of one rendered page (RGBA: 4 bytes each); larger renders are scaled down to fit. 40 MP = an A4 page at ~640 dpi. */
  renderMaxPixels: number;
  /** Below this resolution a page is not worth rendering: a page too large to fit the pixel cap even at this dpi is refused. */
  renderMinDpi: number;
  /** Pixels of one image inside a PDF that pdf.js decodes; larger images are left out (a JBIG2 bomb declares 10^10). */
  pdfMaxImagePixels: number;
  /** Pixels of a page image file (PNG/JPEG/TIFF scan). */
  imageMaxPixels: number;
  /** Characters of a flowing document (TXT, RTF, DOCX) once decoded. */
  flowMaxChars: number;
  /** RTF group nesting; real files nest a few dozen deep. */
  rtfMaxDepth: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  zipMaxEntries: 5000,
  zipMaxEntryBytes: 64 * 1024 ** 2,
  zipMaxTotalBytes: 1024 ** 3,
  zipMaxInflatedBytes: 192 * 1024 ** 2,
  zipMaxRatio: 100,
  zipRatioMinBytes: 1024 ** 2,
  renderMaxPixels: 40_000_000,
  renderMinDpi: 18,
  pdfMaxImagePixels: 100_000_000,
  imageMaxPixels: 100_000_000,
  flowMaxChars: 50_000_000,
  rtfMaxDepth: 512,
};

export const limitsWith = (overrides?: Partial<ParseLimits>): ParseLimits => ({ ...DEFAULT_LIMITS, ...overrides });

export const MIB = 1024 ** 2;
export const mib = (bytes: number) => `${Math.round((bytes / MIB) * 10) / 10} MiB`;
