import type { Finding, FindingStatus } from '../../../../shared/contract/index.ts';

/** Why a reviewer rejects a finding: the usual reasons, one key each, and free text for the rest. */
export const REJECT_REASONS = ['False indication', 'Surface artefact', 'Duplicate', 'Outside the inspection area'] as const;

export const STATUS_LABEL: Record<FindingStatus, string> = { proposed: 'proposed', accepted: 'accepted', rejected: 'rejected', edited: 'edited' };
export const STATUS_COLOUR: Record<FindingStatus, string> = { proposed: 'yellow', accepted: 'teal', rejected: 'gray', edited: 'blue' };

/** What the finding list shows: a class, a status, a score range, in score order either way. */
export interface FindingFilter {
  class: string | null;
  status: FindingStatus | null;
  minScore: number;
  maxScore: number;
  /** `score-asc`: lowest confidence first, the ones most worth a look. */
  sort: 'score-desc' | 'score-asc';
}

export const NO_FILTER: FindingFilter = { class: null, status: null, minScore: 0, maxScore: 1, sort: 'score-desc' };

export const isFiltered = (f: FindingFilter): boolean => f.class !== null || f.status !== null || f.minScore > 0 || f.maxScore < 1;

/** The findings the filter lets through, in its order. */
export function filterFindings(findings: readonly Finding[], f: FindingFilter): Finding[] {
  const kept = findings.filter((x) =>
    (f.class === null || x.class === f.class) && (f.status === null || x.status === f.status) && x.score >= f.minScore && x.score <= f.maxScore);
  return kept.sort((a, b) => (f.sort === 'score-asc' ? a.score - b.score : b.score - a.score));
}

/** "accepted by priya · 24 Nov 2026, 10:15" (or nothing for a finding no one decided yet). */
export function decidedLine(f: Finding): string {
  if (!f.decidedBy || !f.decidedAt) return '';
  return `${STATUS_LABEL[f.status]} by ${f.decidedBy} · ${new Date(f.decidedAt).toLocaleString()}`;
}
