import type { BBox } from '../parse/types.ts';
import type { Passage } from '../retrieval/passages.ts';
import { tokenize } from '../retrieval/tokenize.ts';
import type { DocumentModel } from '../structure/types.ts';
import { isPlaceholder } from './values.ts';

/**
 * What the rules read about one document, computed once per document and
 * shared by every item: its fields (with empty ones, which say "the form asks
 * for this and it was left blank"), its headings and whether anything follows
 * them, and the text of its first page (where a report says what it is).
 */

export interface FactField {
  key: string;
  value: string;
  keyTerms: Set<string>;
  /** Blank, or a placeholder such as "N/A" or "Data not found". */
  blank: boolean;
  page: number;
  bbox?: BBox;
}

export interface DocumentFacts {
  fields: FactField[];
  passages: Passage[];
  /** Text of page 1 (or of the whole document when it is one page). */
  firstPageText: string;
  /** Pages that had no readable text (scans that OCR could not read, damaged pages). */
  unreadablePages: number[];
  /** True when the document has no readable text at all. */
  textless: boolean;
  /** A passage's retrieval tokens (computed once). */
  tokensOf(p: Passage): string[];
}

/**
 * Keys that mean more than their words. A form's "Company" or "Company Name"
 * field holds the company the inspection was done for (the inspecting
 * company prints its name in the letterhead, not in a blank to fill in), so
 * it is read as the client's name.
 */
const KEY_ALIASES: Array<[RegExp, string]> = [
  [/^\s*company(?:'s)?(?:\s+name)?\s*$/i, 'client name'],
];

function keyTerms(key: string): Set<string> {
  const alias = KEY_ALIASES.find(([re]) => re.test(key));
  return new Set(tokenize(alias ? alias[1] : key));
}

export function documentFacts(model: DocumentModel, passages: Passage[]): DocumentFacts {
  // Fields come from the passages: field blocks, and "Key: value" page headers.
  const fields: FactField[] = passages.flatMap((p) => (p.kind === 'field' && p.field
    ? [{ key: p.field.key, value: p.field.value, keyTerms: keyTerms(p.field.key), blank: isPlaceholder(p.field.value), page: p.page, ...(p.bbox ? { bbox: p.bbox } : {}) }]
    : []));
  const firstPageText = model.blocks.filter((b) => b.page === 1).map((b) => b.text).join('\n');
  const unreadable = new Set(model.unreadablePages.map((p) => p.page));
  for (const p of model.pages) if (p.textSource === 'none') unreadable.add(p.page);
  const textless = !model.blocks.some((b) => b.text.trim().length > 0);
  const tokens = new Map<Passage, string[]>();
  const tokensOf = (p: Passage) => {
    let t = tokens.get(p);
    if (!t) tokens.set(p, (t = tokenize(p.text)));
    return t;
  };
  return { fields, passages, firstPageText, unreadablePages: [...unreadable].sort((a, b) => a - b), textless, tokensOf };
}
