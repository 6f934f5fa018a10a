/**
 * Document parsing: bytes in, a ParsedDocument out (paged runs for PDF and
 * page images, flow blocks for DOCX, TXT and RTF); see docs/adr/0010.
 *
 * `parseDocument` and `renderPage` run in the calling thread (the parse worker
 * and tests use them). The app and the CLI use `createDocumentParser`, which
 * runs them in a worker thread with a heap limit and a watchdog, so a pdf.js
 * crash or a runaway file cannot take the app down.
 */
export { parseDocument, renderPage, type ParseOptions } from './parse-document.ts';
export { createDocumentParser, PARSER_VERSION, type DocumentParser, type DocumentParserOptions } from './document-parser.ts';
export { DEFAULT_LIMITS, type ParseLimits } from './limits.ts';
export type * from './types.ts';
