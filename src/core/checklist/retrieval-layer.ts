import type { RetrievalHit, RetrievalIndex } from '../retrieval/index.ts';
import { words } from '../retrieval/tokenize.ts';
import { better, passageEvidence, type FacetFinding } from './facets.ts';
import type { Facet, RequirementReading } from './requirement.ts';
import { hasValueKinds, isPlaceholder } from './values.ts';

/**
 * The retrieval layer: for each facet the rules did not settle, the passages
 * that best match the facet's words (BM25, plus sentence embeddings when on).
 * A passage counts when its match is strong enough on an absolute scale (the
 * share of the facet's terms it holds and, with embeddings, its cosine
 * similarity) and it passes the same content check as the rules.
 */

/** Passages looked at per facet. */
const TOP_K = 6;
/** Absolute match needed for "found" and for "weak" (tuned on the labelled reports, see tests/fixtures/checklist-labels). */
export const FOUND_MATCH = 0.5;
export const WEAK_MATCH = 0.3;
/** Cosine band of USE-lite that maps to 0..1 in the absolute match. */
const COS_LOW = 0.2;
const COS_HIGH = 0.6;

/** How well a passage matches, on a 0..1 scale comparable across queries and documents. */
export function absoluteMatch(hit: RetrievalHit): number {
  if (hit.cosine === null) return hit.coverage;
  const semantic = Math.max(0, Math.min(1, (hit.cosine - COS_LOW) / (COS_HIGH - COS_LOW)));
  return 0.5 * hit.coverage + 0.5 * semantic;
}

/** Does the passage hold content rather than just naming the subject? */
function substantive(hit: RetrievalHit, facet: Facet): boolean {
  const p = hit.passage;
  if (p.kind === 'heading' && p.empty) return false;
  if (p.kind === 'field') return p.field !== undefined && !isPlaceholder(p.field.value) && hasValueKinds(p.field.value, facet.valueKinds, undefined, true);
  if (facet.valueKinds.length > 0) return hasValueKinds(p.text, facet.valueKinds);
  return words(p.text).length >= 5;
}

export async function retrievalFinding(facet: Facet, index: RetrievalIndex): Promise<FacetFinding> {
  const hits = await index.search(facet.query, TOP_K);
  let best: FacetFinding = { facet, state: 'missing', strength: 0.5, evidence: [], note: '', source: 'retrieval' };
  for (const hit of hits) {
    const match = absoluteMatch(hit);
    if (match < WEAK_MATCH) continue;
    const ok = substantive(hit, facet);
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
export async function refineWithRetrieval(reading: RequirementReading, prior: readonly FacetFinding[], index: RetrievalIndex): Promise<FacetFinding[]> {
  return Promise.all(reading.facets.map(async (facet, i) => {
    const rule = prior[i];
    if (rule?.state === 'found') return rule;
    const found = await retrievalFinding(facet, index);
    if (!rule) return found;
    // A blank field is strong evidence of absence: retrieval must find the content clearly to overrule it.
    if (rule.state === 'blank' && found.state !== 'found') return rule;
    return better(rule, found);
  }));
}
