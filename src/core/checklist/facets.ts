import type { Evidence } from '../../shared/contract/index.ts';
import type { Passage } from '../retrieval/passages.ts';
import type { FactField } from './document-facts.ts';
import type { Facet } from './requirement.ts';

/**
 * The finding for one facet of a requirement, as a layer establishes it.
 *  - found: the content is there (a filled field, a sentence with the value);
 *  - weak: something related is there, but not clearly the content asked for;
 *  - blank: the document has a place for it (a field, a heading) left empty;
 *  - missing: nothing about it.
 */
export type FacetState = 'found' | 'weak' | 'blank' | 'missing';

export interface FacetFinding {
  facet: Facet;
  state: FacetState;
  /** 0..1: how sure the layer is of `state`. */
  strength: number;
  evidence: Evidence[];
  /** Short description for the feedback: 'Report No. 54-11-001-11 (p. 1)', '"Name of Inspector" is blank (p. 1)'. */
  note: string;
  source: 'rule' | 'retrieval';
}

/** Evidence quotes are kept short: a reviewer reads them in a table cell. */
export const MAX_QUOTE = 200;

export function quote(text: string, around?: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= MAX_QUOTE) return t;
  if (around === undefined || around < MAX_QUOTE / 2) return `${t.slice(0, MAX_QUOTE - 1).trimEnd()}…`;
  const start = Math.max(0, Math.min(around - 60, t.length - MAX_QUOTE + 2));
  return `…${t.slice(start, start + MAX_QUOTE - 2).trim()}…`;
}

export function fieldEvidence(f: FactField): Evidence {
  return { page: f.page, text: quote(f.value ? `${f.key}: ${f.value}` : `${f.key}:`), ...(f.bbox ? { bbox: f.bbox } : {}) };
}

export function passageEvidence(p: Passage, matchAt?: number): Evidence {
  return { page: p.page, text: quote(p.text, matchAt), ...(p.bbox ? { bbox: p.bbox } : {}) };
}

/** The facet as a reviewer would name it: without its examples and leading article. */
export function facetLabel(facet: Facet): string {
  return facet.text
    .replace(/\s*\(.*?\)/g, '')
    .replace(/^(?:the|a|an)\s+/i, '')
    .replace(/\s+(?:is|are)\s+(?:stated|given|recorded|identified|named|referenced|listed)$/i, '')
    .trim();
}

const rank: Record<FacetState, number> = { found: 3, weak: 2, blank: 1, missing: 0 };

/** The better of two findings for one facet: a found one beats a weak one, and so on; ties go to the stronger. */
export function better(a: FacetFinding, b: FacetFinding): FacetFinding {
  if (rank[a.state] !== rank[b.state]) return rank[a.state] > rank[b.state] ? a : b;
  return b.strength > a.strength ? b : a;
}
