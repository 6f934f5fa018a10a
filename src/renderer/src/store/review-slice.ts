import type { StoreApi } from 'zustand/vanilla';
import type { Finding, JobReview, ProcedureInput } from '../../../shared/contract/index.ts';
import { ApiError, type ApiClient } from '../api/client.ts';
import {
  describeStep, redoStep, stepAsset, stepFindings, undoStep, type Applied, type DecideAction, type DecideExtra, type ReviewStep,
} from './review-history.ts';

export type { DecideAction, DecideExtra, ReviewStep } from './review-history.ts';

/** A message about the last review action: a conflict (someone else changed the finding) or a failure, or a remark. */
export interface ReviewNotice {
  kind: 'conflict' | 'error' | 'info';
  message: string;
}

/** A finding the reviewer drew: `findings.add` without the image. */
export type NewFinding = Omit<ProcedureInput<'findings.add'>, 'assetId'>;
export type BulkInput = ProcedureInput<'findings.bulk'>;

export interface ReviewSlice {
  /** Steps taken in this window, newest last: what Ctrl+Z walks back. */
  undoStack: ReviewStep[];
  /** Steps undone, newest last: what Ctrl+Shift+Z (Ctrl+Y) applies again. A new step empties it. */
  redoStack: ReviewStep[];
  reviewNotice: ReviewNotice | null;
  dismissReviewNotice: () => void;
  /**
   * Decides one finding at the version shown. On CONFLICT (it changed
   * meanwhile) nothing is decided: the notice says so and the image's
   * findings are read again. Returns the finding as it now is, or null.
   */
  decide: (finding: Finding, action: DecideAction, extra?: DecideExtra) => Promise<Finding | null>;
  /** Adds a finding the reviewer drew on an image (`findings.add`); returns it, or null (the notice says why). */
  addFinding: (assetId: string, finding: NewFinding) => Promise<Finding | null>;
  /** A bulk decision (`findings.bulk`), one step for undo; returns how many were decided. Errors are thrown (the dialog shows them). */
  bulkDecide: (input: BulkInput) => Promise<number>;
  /** Undoes the latest step of this session (Ctrl+Z). Returns the finding it changed (null for a bulk step, or when nothing was done). */
  undo: () => Promise<Finding | null>;
  /** Applies the latest undone step again (Ctrl+Shift+Z, Ctrl+Y). */
  redo: () => Promise<Finding | null>;
  /** Each job's review overview (`jobs.review`), once read. */
  reviews: Record<string, JobReview>;
  reviewsError: Record<string, string>;
  loadReview: (jobId: string) => Promise<void>;
}

/** The part of the app state the review slice reads and writes. */
interface Host extends ReviewSlice {
  findings: Record<string, { analysis: unknown; findings: Finding[] }>;
  loadFindings: (assetId: string) => Promise<void>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A finding as it now is, in its image's list (when that list is loaded); an older picture never wins. */
export function withFinding<S extends Host>(s: S, finding: Finding): Partial<S> {
  const current = s.findings[finding.assetId];
  if (!current) return {};
  const at = current.findings.findIndex((f) => f.id === finding.id);
  if (at >= 0 && current.findings[at]!.version > finding.version) return {};
  const findings = at >= 0 ? current.findings.map((f, i) => (i === at ? finding : f)) : [...current.findings, finding].sort((a, b) => b.score - a.score);
  return { findings: { ...s.findings, [finding.assetId]: { ...current, findings } } } as Partial<S>;
}

export function createReviewSlice<S extends Host>(api: ApiClient, set: StoreApi<S>['setState'], get: () => S): ReviewSlice {
  const reviewTimers = new Map<string, ReturnType<typeof setTimeout>>();

  const failed = (e: unknown, assetId: string): null => {
    if (e instanceof ApiError && e.code === 'CONFLICT') {
      set({ reviewNotice: { kind: 'conflict', message: `${e.message} (It has been read again: it is shown as it now is.)` } } as Partial<S>);
      void get().loadFindings(assetId);
    } else {
      set({ reviewNotice: { kind: 'error', message: message(e) } } as Partial<S>);
    }
    return null;
  };

  /** Reads again each loaded image a bulk step touched (its events may not all have arrived, or come at all over a dropped connection). */
  const refresh = (step: ReviewStep) => {
    const ids = new Set(stepFindings(step));
    for (const [assetId, list] of Object.entries(get().findings)) {
      if (list.findings.some((f) => ids.has(f.id))) void get().loadFindings(assetId);
    }
  };

  /** Moves a step from one stack to the other by applying it; on failure the step is dropped (it no longer applies) and the notice says why. */
  const walk = async (from: 'undoStack' | 'redoStack', apply: (api: ApiClient, step: ReviewStep) => Promise<Applied>): Promise<Finding | null> => {
    const to = from === 'undoStack' ? 'redoStack' : 'undoStack';
    const step = get()[from].at(-1);
    if (!step) {
      set({ reviewNotice: { kind: 'info', message: `Nothing to ${from === 'undoStack' ? 'undo' : 'redo'} in this session.` } } as Partial<S>);
      return null;
    }
    // Off the stack before the call: a second key press meanwhile takes the step below, not this one again.
    set((s) => ({ [from]: s[from].slice(0, -1) }) as Partial<S>);
    try {
      const { inverse, finding, remark } = await apply(api, step);
      set((s) => ({
        ...(finding ? withFinding(s, finding) : {}),
        [to]: [...s[to], inverse],
        reviewNotice: remark ? { kind: 'info', message: remark } : null,
      }) as Partial<S>);
      if (step.kind === 'bulk') refresh(inverse);
      return finding;
    } catch (e) {
      const assetId = stepAsset(step);
      if (e instanceof ApiError && e.code === 'CONFLICT') {
        set({ reviewNotice: { kind: 'conflict', message: `Could not ${from === 'undoStack' ? 'undo' : 'redo'} ${describeStep(step)}: ${e.message}` } } as Partial<S>);
        if (assetId) void get().loadFindings(assetId);
        else refresh(step);
        return null;
      }
      return failed(e, assetId ?? '');
    }
  };

  /** A new step: on the undo stack, and what was undone can no longer be redone. */
  const pushed = (s: S, step: ReviewStep) => ({ undoStack: [...s.undoStack, step], redoStack: [] as ReviewStep[] });

  const slice: ReviewSlice = {
    undoStack: [],
    redoStack: [],
    reviewNotice: null,
    dismissReviewNotice: () => set({ reviewNotice: null } as Partial<S>),
    async decide(finding, action, extra = {}) {
      try {
        const now = await api.invoke('findings.decide', { findingId: finding.id, expectedVersion: finding.version, action, ...extra });
        set((s) => ({
          ...withFinding(s, now),
          ...pushed(s, { kind: 'decide', assetId: now.assetId, findingId: now.id, version: now.version, action, extra }),
          reviewNotice: null,
        }));
        return now;
      } catch (e) {
        return failed(e, finding.assetId);
      }
    },
    async addFinding(assetId, input) {
      try {
        const now = await api.invoke('findings.add', { assetId, ...input });
        set((s) => ({ ...withFinding(s, now), ...pushed(s, { kind: 'add', assetId, findingId: now.id, version: now.version }), reviewNotice: null }));
        return now;
      } catch (e) {
        return failed(e, assetId);
      }
    },
    async bulkDecide(input) {
      const { decided } = await api.invoke('findings.bulk', input);
      if (decided.length > 0) {
        const step: ReviewStep = { kind: 'bulk', jobId: input.jobId, action: input.action, findings: decided, ...(input.reason !== undefined ? { reason: input.reason } : {}) };
        set((s) => ({ ...pushed(s, step), reviewNotice: null }) as Partial<S>);
        refresh(step);
      }
      return decided.length;
    },
    undo: () => walk('undoStack', undoStep),
    redo: () => walk('redoStack', redoStep),
    reviews: {},
    reviewsError: {},
    async loadReview(jobId) {
      try {
        const review = await api.invoke('jobs.review', { jobId });
        set((s) => ({ reviews: { ...s.reviews, [jobId]: review }, reviewsError: omit(s.reviewsError, jobId) }) as Partial<S>);
      } catch (e) {
        set((s) => ({ reviewsError: { ...s.reviewsError, [jobId]: message(e) } }) as Partial<S>);
      }
    },
  };

  // A finding changed (here, in another window, by a bulk decision): its list follows, and its job's overview a moment later.
  api.on('finding.changed', ({ finding }) => {
    set((s) => withFinding(s, finding));
    if (!get().reviews[finding.jobId] || reviewTimers.has(finding.jobId)) return;
    reviewTimers.set(finding.jobId, setTimeout(() => {
      reviewTimers.delete(finding.jobId);
      void get().loadReview(finding.jobId);
    }, 250));
  });
  return slice;
}

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = record;
  return rest;
}
