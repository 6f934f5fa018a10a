import type { BBox, DocumentFormat, TextSource, UnreadablePage } from '../parse/types.ts';

/**
 * The document model: what a person sees on the pages, as data. Checklist
 * evaluation, retrieval, the document viewer and `chitti parse` all read it.
 */

export type BlockKind = 'heading' | 'paragraph' | 'list-item' | 'table' | 'field' | 'figure' | 'header' | 'footer';

export interface TableCell {
  text: string;
  bbox?: BBox;
}

export interface Table {
  /** Rows of cells, top to bottom; the first `headerRows` rows are the header. */
  rows: TableCell[][];
  headerRows: number;
}

export interface Field {
  /** As printed, without the trailing colon: 'Report No.', 'Inspector', 'MAWP'. */
  key: string;
  /** The key for matching: lower case, no punctuation, '#' read as 'no' ('Report No.:' → 'report no'). */
  normalizedKey: string;
  /** As printed; '' when the form left the field blank. */
  value: string;
}

export interface Block {
  /** Stable within one document model: 'b<page>-<n>'. */
  id: string;
  kind: BlockKind;
  /** 1-based page; flowing documents have page 1 unless they have page breaks. */
  page: number;
  /** Absent for flowing documents (DOCX, TXT, RTF), which have no positions. */
  bbox?: BBox;
  /** Plain text of the block (a table's cells joined row by row with ' | '). */
  text: string;
  /** Position in reading order over the whole document (0-based). */
  order: number;
  /** Headings: 1 = top level. List items: nesting depth, 1 = outermost. */
  level?: number;
  /** Headings: the numbering printed before the title ('3.0', 'QW-402', 'A.'), if any. */
  number?: string;
  /** Fields; also headers and footers that hold one ('Inspection No.: 55G998A' printed on every page). */
  field?: Field;
  table?: Table;
  /** The id of the section the block belongs to (null before the first heading). */
  sectionId: string | null;
}

export interface Section {
  id: string;
  title: string;
  number?: string;
  level: number;
  page: number;
  bbox?: BBox;
  /** The heading block that opens the section. */
  headingBlockId: string;
  children: Section[];
}

export interface PageInfo {
  page: number;
  width: number;
  height: number;
  textSource: TextSource;
  ocrConfidence?: number;
}

export interface DocumentModel {
  format: DocumentFormat;
  pageCount: number;
  pages: PageInfo[];
  /** All blocks in reading order, headers and footers included (kind 'header'/'footer', kept out of sections). */
  blocks: Block[];
  /** The section tree (roots). */
  sections: Section[];
  unreadablePages: UnreadablePage[];
  metadata: { title?: string; author?: string; producer?: string; created?: string };
  warnings: string[];
}
