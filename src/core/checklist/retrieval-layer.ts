import type { RetrievalHit, RetrievalIndex } from '../retrieval/index.ts';
import { words } from '../retrieval/tokenize.ts';
import { better, passageEvidence, type FacetFinding } from './facets.ts';
import type { Facet, RequirementReading } from './requirement.ts';
import type { Passage } from '../retrieval/passages.ts';
import { isStandardTerms } from './passage-filters.ts';
import { hasValueKinds, isPlaceholder, type LabelTest } from './values.ts';

/**
 * The retrieval layer: for each facet the rules did not settle, the passages
 * that best match the facet's words (BM25, plus sentence embeddings when on).
 * A passage counts when its match is strong enough on an absolute scale (the
 * share of the facet's terms it holds and, with embeddings, its cosine
 * similarity) and it passes the same content check as the rules.
 */

/** Passages looked at per facet. */
const TOP_K = 6;
/**
 * Absolute match needed for "found" and for "weak": the IDF-weighted share of
 * the facet's words a passage holds. Measured on the labelled reports
 * (tests/fixtures/checklist-labels), cosine similarity of USE-lite embeddings
 * hardly separates a passage that fills a requirement from one that merely
 * talks about the same subject (both sit around 0.4-0.7), so it ranks
 * candidates and vouches for a paraphrase only when it is very high and some
 * words are shared too.
 */
export const FOUND_MATCH = 0.5;
export const WEAK_MATCH = 0.3;
const PARAPHRASE_COSINE = 0.7;
const PARAPHRASE_COVERAGE = 0.25;

/** How well a passage matches, on a 0..1 scale comparable across queries and documents. */
export function absoluteMatch(hit: RetrievalHit): number {
  if (hit.cosine !== null && hit.cosine >= PARAPHRASE_COSINE && hit.coverage >= PARAPHRASE_COVERAGE) return Math.max(hit.coverage, FOUND_MATCH);
  return hit.coverage;
}

/** Does the passage hold content rather than just naming the subject? */
function substantive(hit: RetrievalHit, facet: Facet, isLabel: LabelTest): boolean {
  const p = hit.passage;
  if (p.kind === 'heading' && p.empty) return false;
  if (p.kind === 'field') return p.field !== undefined && !isPlaceholder(p.field.value) && hasValueKinds(p.field.value, facet.valueKinds, isLabel, true);
  if (facet.valueKinds.length > 0) return !isStandardTerms(p) && hasValueKinds(p.text, facet.valueKinds, isLabel);
  return words(p.text).length >= 5;
}

export interface RetrievalOptions {
  /** Terms many items of the framework use: sharing only those with a facet is no match. */
  isCommon(term: string): boolean;
  isLabel: LabelTest;
}

/** Words that never make a match on their own. */
const WEAK_TERMS = new Set(['date', 'number', 'name', 'type', 'data']);

export async function retrievalFinding(facet: Facet, index: RetrievalIndex, tokensOf: (p: Passage) => string[], options: RetrievalOptions): Promise<FacetFinding> {
  const hits = await index.candidates(facet.query, TOP_K);
  const distinctive = [...facet.terms].filter((t) => !options.isCommon(t) && !WEAK_TERMS.has(t));
  let best: FacetFinding = { facet, state: 'missing', strength: 0.5, evidence: [], note: '', source: 'retrieval' };
  for (const hit of hits) {
    const match = absoluteMatch(hit);
    if (match < WEAK_MATCH) continue;
    // Sharing only the framework's everyday words ("inspection", "date") is not a match.
    const tokens = new Set(tokensOf(hit.passage));
    if (distinctive.length > 0 && !distinctive.some((t) => tokens.has(t))) continue;
    const ok = substantive(hit, facet, options.isLabel);
    // A facet that asks for a value (a name, a date) is not half-met by a passage without one.
    if (!ok && facet.valueKinds.length > 0) continue;
    const state = ok && match >= FOUND_MATCH ? 'found' : 'weak';
    const finding: FacetFinding = {
      facet, state, strength: Math.min(0.85, 0.4 + match * 0.5), source: 'retrieval',
      evidence: [passageEvidence(hit.passage)], note: `"${shorten(hit.passage.text)}" (p. ${hit.passage.page})`,
    };
    best = better(best, finding);
    if (best.state === 'found') break;
  }
  return best;
}

const shorten = (t: string) => {
  const s = t.replace(/\s+/g, ' ').trim();
  return s.length > 80 ? `${s.slice(0, 79).trimEnd()}…` : s;
};

/** Each facet's finding after retrieval: the rule finding where it was found, else the better of both. */
export async function refineWithRetrieval(reading: RequirementReading, prior: readonly FacetFinding[], index: RetrievalIndex, tokensOf: (p: Passage) => string[], options: RetrievalOptions): Promise<FacetFinding[]> {
  return Promise.all(reading.facets.map(async (facet, i) => {
    const rule = prior[i];
    if (rule?.state === 'found') return rule;
    const found = await retrievalFinding(facet, index, tokensOf, options);
    if (!rule) return found;
    // A blank field is strong evidence of absence: retrieval must find the content clearly to overrule it.
    if (rule.state === 'blank' && found.state !== 'found') return rule;
    return better(rule, found);
  }));
}
