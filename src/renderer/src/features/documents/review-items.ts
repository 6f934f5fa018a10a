import type { ChecklistStatus, DocumentReview, Evidence, ReviewItem, Severity } from '../../../../shared/contract/index.ts';

/** The statuses in the order of the keys that set them (1–4). */
export const STATUSES: readonly ChecklistStatus[] = ['met', 'partial', 'not_met', 'not_applicable'];
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

export const STATUS_LABEL: Record<ChecklistStatus, string> = { met: 'met', partial: 'partial', not_met: 'not met', not_applicable: 'n.a.' };
export const STATUS_COLOUR: Record<ChecklistStatus, string> = { met: 'teal', partial: 'yellow', not_met: 'red', not_applicable: 'gray' };
export const SEVERITY_COLOUR: Record<Severity, string> = { high: 'red', medium: 'orange', low: 'gray' };
export const DECISION_LABEL: Record<ReviewItem['decision'], string> = { proposed: 'to decide', accepted: 'accepted', rejected: 'rejected', edited: 'edited' };

/** Why a reviewer rejects the AI's feedback on an item: keys 1–4 pick one, 5 asks for free text. */
export const FEEDBACK_REJECT_REASONS = [
  'Evidence does not support it',
  'Wrong status',
  'Not applicable to this document',
  'Feedback unclear or unhelpful',
] as const;

export interface ItemFilter {
  section: string | null;
  severity: Severity | null;
  status: ChecklistStatus | null;
  /** 'open': no decision yet; 'decided': accepted, rejected or edited. */
  decision: 'open' | 'decided' | null;
}
export const NO_ITEM_FILTER: ItemFilter = { section: null, severity: null, status: null, decision: null };

export const isFiltered = (f: ItemFilter) => f.section !== null || f.severity !== null || f.status !== null || f.decision !== null;

export function filterItems(items: readonly ReviewItem[], f: ItemFilter): ReviewItem[] {
  return items.filter((i) =>
    (f.section === null || i.section === f.section)
    && (f.severity === null || i.severity === f.severity)
    && (f.status === null || i.status === f.status)
    && (f.decision === null || (f.decision === 'open') === (i.decision === 'proposed')));
}

/** Sections in the order the framework lists them (first appearance), each with its items in order. */
export function groupBySection(items: readonly ReviewItem[]): Array<{ section: string; items: ReviewItem[] }> {
  const groups = new Map<string, ReviewItem[]>();
  for (const i of items) {
    const list = groups.get(i.section);
    if (list) list.push(i);
    else groups.set(i.section, [i]);
  }
  return [...groups].map(([section, list]) => ({ section, items: list }));
}

/** The order the list shows and j/k walk: grouped by section, as the framework orders them. */
export const inListOrder = (items: readonly ReviewItem[]): ReviewItem[] => groupBySection(items).flatMap((g) => g.items);

export type StatusCounts = Record<ChecklistStatus, number>;
export type ComplianceSummary = Record<Severity, StatusCounts>;

const zero = (): StatusCounts => ({ met: 0, partial: 0, not_met: 0, not_applicable: 0 });

/**
 * Current statuses by severity, as the core counts them (DocumentReview.summary):
 * a rejected proposal says the AI was wrong without saying what is right, so
 * it counts nowhere until the reviewer sets a status.
 */
export function complianceSummary(items: readonly ReviewItem[]): ComplianceSummary {
  const summary: ComplianceSummary = { high: zero(), medium: zero(), low: zero() };
  for (const i of items) if (i.decision !== 'rejected') summary[i.severity][i.status] += 1;
  return summary;
}

export const decidedCount = (items: readonly ReviewItem[]) => items.filter((i) => i.decision !== 'proposed').length;

/** All severities together. */
export function summaryTotals(summary: DocumentReview['summary']): StatusCounts {
  const t = zero();
  for (const sev of SEVERITIES) for (const st of STATUSES) t[st] += summary[sev][st];
  return t;
}

/** What an item points at in the document: the AI's evidence, or the selection a reviewer anchored it to. */
export function evidenceOf(item: ReviewItem): Evidence[] {
  return [...(item.proposal?.evidence ?? []), ...(item.anchor ? [item.anchor] : [])];
}

/** The item as one line ("IRC-01 Report number and date"), for labels. */
export const itemName = (item: ReviewItem) => (item.itemId ? `${item.itemId} ${item.title}` : item.title);

export const confidenceLabel = (c: number) => c.toFixed(2);

/**
 * "Ranked down: rejected 2× before (last reason: …)": why the AI's confidence
 * in this feedback was lowered. The count the core keeps includes this item's
 * own rejection once it is rejected: that one is not "before".
 */
export function rankedDownLabel(item: ReviewItem): string | null {
  const h = item.history;
  if (!h) return null;
  const before = h.rejected - (item.decision === 'rejected' ? 1 : 0);
  if (before <= 0) return null;
  const reason = item.decision === 'rejected' ? null : h.lastReason;
  return `Ranked down: rejected ${before}× before${reason ? ` (last reason: ${reason})` : ''}`;
}
