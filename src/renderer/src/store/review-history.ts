import type { Finding, ProcedureInput, ProcedureOutput } from '../../../shared/contract/index.ts';
import type { ApiClient } from '../api/client.ts';

export type DecideAction = ProcedureInput<'findings.decide'>['action'];
/** What goes with a decision besides the finding and its version. */
export type DecideExtra = Omit<ProcedureInput<'findings.decide'>, 'findingId' | 'expectedVersion' | 'action'>;
export type FindingVersion = ProcedureOutput<'findings.bulk'>['decided'][number];
export type BulkAction = ProcedureInput<'findings.bulk'>['action'];

/**
 * One step of a review session, as undo and redo walk it. Each carries the
 * version the finding(s) had right after it, so walking it back (or again)
 * is refused with CONFLICT when someone changed them since.
 * - `decide`: one decision; undone by `findings.undo`, redone by deciding the same again.
 * - `add`: a finding the reviewer drew; the core keeps every added finding
 *   (its adding is on record), so undo rejects it and redo restores it (`findings.undo`).
 * - `bulk`: a bulk decision, one step however many it decided; undone by `findings.bulkUndo`, redone by the same bulk decision on those findings.
 */
export type ReviewStep =
  | { kind: 'decide'; assetId: string; findingId: string; version: number; action: DecideAction; extra: DecideExtra }
  | { kind: 'add'; assetId: string; findingId: string; version: number }
  | { kind: 'bulk'; jobId: string; action: BulkAction; reason?: string; findings: FindingVersion[] };

/** Why an added finding is rejected when its adding is undone: what the record shows. */
export const UNDONE_ADD_REASON = 'Added by mistake (undone)';

/** What applying a step did: the step that walks it back the other way, the single finding changed (bulk changes arrive as events), and a remark. */
export interface Applied {
  inverse: ReviewStep;
  finding: Finding | null;
  remark: string | null;
}

const plural = (n: number) => `${n} finding${n === 1 ? '' : 's'}`;

/** Walks one step back, through the core's own procedures (versioned and audited like any decision). */
export async function undoStep(api: ApiClient, step: ReviewStep): Promise<Applied> {
  switch (step.kind) {
    case 'decide': {
      const finding = await api.invoke('findings.undo', { findingId: step.findingId, expectedVersion: step.version });
      return { inverse: { ...step, version: finding.version }, finding, remark: null };
    }
    case 'add': {
      const finding = await api.invoke('findings.decide', { findingId: step.findingId, expectedVersion: step.version, action: 'reject', reason: UNDONE_ADD_REASON });
      return { inverse: { ...step, version: finding.version }, finding, remark: null };
    }
    case 'bulk': {
      const { undone } = await api.invoke('findings.bulkUndo', {
        jobId: step.jobId, findings: step.findings.map((f) => ({ findingId: f.findingId, expectedVersion: f.version })),
      });
      return { inverse: { ...step, findings: undone }, finding: null, remark: null };
    }
  }
}

/** Applies an undone step again, through the same procedures as the first time. */
export async function redoStep(api: ApiClient, step: ReviewStep): Promise<Applied> {
  switch (step.kind) {
    case 'decide': {
      const finding = await api.invoke('findings.decide', { findingId: step.findingId, expectedVersion: step.version, action: step.action, ...step.extra });
      return { inverse: { ...step, version: finding.version }, finding, remark: null };
    }
    case 'add': {
      const finding = await api.invoke('findings.undo', { findingId: step.findingId, expectedVersion: step.version });
      return { inverse: { ...step, version: finding.version }, finding, remark: null };
    }
    case 'bulk': {
      // Bulk decides only proposed findings: one changed since the undo is left as it is, and said so.
      const { decided } = await api.invoke('findings.bulk', {
        jobId: step.jobId, action: step.action, findingIds: step.findings.map((f) => f.findingId), ...(step.reason !== undefined ? { reason: step.reason } : {}),
      });
      const missed = step.findings.length - decided.length;
      const remark = missed > 0 ? `${plural(decided.length)} decided again; ${plural(missed)} had changed meanwhile and ${missed === 1 ? 'was' : 'were'} left as ${missed === 1 ? 'it is' : 'they are'}.` : null;
      return { inverse: { ...step, findings: decided }, finding: null, remark };
    }
  }
}

/** The image whose findings a step touched, where it is known (a bulk step spans the job). */
export const stepAsset = (step: ReviewStep): string | null => (step.kind === 'bulk' ? null : step.assetId);

/** The ids a step touched. */
export const stepFindings = (step: ReviewStep): string[] => (step.kind === 'bulk' ? step.findings.map((f) => f.findingId) : [step.findingId]);

/** How a step reads in a notice or a tooltip ("Undo: accept"). */
export function describeStep(step: ReviewStep): string {
  if (step.kind === 'add') return 'the added finding';
  if (step.kind === 'bulk') return `bulk ${step.action} of ${plural(step.findings.length)}`;
  return step.action === 'edit' ? 'the edit' : step.action;
}
