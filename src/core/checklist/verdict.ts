import type { Evidence } from '../../shared/contract/index.ts';
import { facetLabel, type FacetFinding } from './facets.ts';
import type { RequirementReading } from './requirement.ts';
import type { LayerVerdict } from './types.ts';

/**
 * From per-facet findings to an item's status, confidence and feedback:
 * every facet found is met, some is partial, none is not met. When nothing is
 * found and the item does not apply (its condition does not hold, or the
 * document is not the kind of document the framework is for), it is
 * not_applicable instead, with the reason.
 */

export interface Applicability {
  /** The item's condition ("Where measurements were taken") holds: true, false, or null when there is none. */
  condition: boolean | null;
  /** Why the framework as a whole does not fit the document, or null when it does. */
  documentMismatch: string | null;
}

/** Evidence shown per item. */
const MAX_EVIDENCE = 3;

const sentence = (s: string) => {
  const t = s.trim();
  return t ? `${t[0]!.toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}` : '';
};

function guidanceOf(reading: RequirementReading): string {
  return reading.item.guidance ? ` ${sentence(reading.item.guidance)}` : '';
}

function collectEvidence(findings: readonly FacetFinding[], states: ReadonlyArray<FacetFinding['state']>): Evidence[] {
  const out: Evidence[] = [];
  for (const f of findings) {
    if (!states.includes(f.state)) continue;
    for (const e of f.evidence) if (!out.some((o) => o.page === e.page && o.text === e.text)) out.push(e);
  }
  return out.slice(0, MAX_EVIDENCE);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
const round2 = (x: number) => Math.round(Math.max(0, Math.min(1, x)) * 100) / 100;

/**
 * `missingRequired`: the item's `all_of` patterns that occur nowhere in the
 * document; while any is missing the item is at most partial.
 */
export function verdictFrom(reading: RequirementReading, findings: FacetFinding[], applicability: Applicability, source: string, missingRequired: readonly string[] = []): LayerVerdict {
  const found = findings.filter((f) => f.state === 'found');
  const weak = findings.filter((f) => f.state === 'weak');
  const blank = findings.filter((f) => f.state === 'blank');
  const title = reading.item.title.replace(/\.$/, '');

  if (found.length === findings.length && missingRequired.length > 0) {
    return {
      status: 'partial', confidence: round2(mean(found.map((f) => f.strength)) * 0.8), source, facets: findings,
      evidence: collectEvidence(findings, ['found']),
      feedback: `${sentence(`Found ${found.map((f) => f.note).filter(Boolean).join('; ') || title}`)} But the document never mentions ${missingRequired.map((p) => `/${p}/`).join(', ')}, which the framework requires.${guidanceOf(reading)}`,
    };
  }

  if (found.length === findings.length) {
    return {
      status: 'met', confidence: round2(mean(found.map((f) => f.strength))), source, facets: findings,
      evidence: collectEvidence(findings, ['found']),
      feedback: `Found: ${found.map((f) => f.note).filter(Boolean).join('; ') || title}.`,
    };
  }

  if (found.length > 0 || weak.length > 0) {
    const missing = findings.filter((f) => f.state !== 'found');
    const have = [...found, ...weak].map((f) => f.note).filter(Boolean);
    const lacking = missing.map((f) => (f.state === 'weak' ? `${facetLabel(f.facet)} is not clear` : f.state === 'blank' ? f.note : `${facetLabel(f.facet)} is missing`));
    const strength = mean([...found.map((f) => f.strength), ...missing.map((f) => (f.state === 'weak' ? 1 - f.strength : f.strength || 0.5))]);
    return {
      status: 'partial', confidence: round2(strength * 0.8), source, facets: findings,
      evidence: collectEvidence(findings, ['found', 'weak']),
      feedback: `${sentence(`Found ${have.join('; ') || 'part of it'}`)} But ${lacking.join('; ')}.${guidanceOf(reading)}`,
    };
  }

  // Nothing found: not applicable when the item or the framework does not apply, else not met.
  if (applicability.condition === false) {
    return {
      status: 'not_applicable', confidence: 0.55, source, facets: findings, evidence: [],
      feedback: `Not applicable: the requirement applies only where "${reading.condition!}", and nothing in the document shows that. Check that this is so.`,
    };
  }
  if (applicability.documentMismatch) {
    return {
      status: 'not_applicable', confidence: 0.5, source, facets: findings, evidence: [],
      feedback: `Not applicable: ${applicability.documentMismatch} Nothing in it addresses "${title}".`,
    };
  }
  const blankNotes = blank.map((f) => f.note);
  return {
    status: 'not_met', confidence: round2(blank.length > 0 ? 0.8 : 0.6), source, facets: findings,
    evidence: collectEvidence(findings, ['blank']),
    feedback: blankNotes.length > 0
      ? `${sentence(`${title} not given: ${blankNotes.join('; ')}`)}${guidanceOf(reading)}`
      : `${sentence(`No ${title.charAt(0).toLowerCase()}${title.slice(1)} found in the document`)}${guidanceOf(reading)}`,
  };
}
