import type { StoreApi } from 'zustand/vanilla';
import type { Finding, JobReview, ProcedureInput } from '../../../shared/contract/index.ts';
import { ApiError, type ApiClient } from '../api/client.ts';

export type DecideAction = ProcedureInput<'findings.decide'>['action'];
/** What goes with a decision besides the finding and its version. */
export type DecideExtra = Omit<ProcedureInput<'findings.decide'>, 'findingId' | 'expectedVersion' | 'action'>;

/** A message about the last review action: a conflict (someone else changed the finding) or a failure. */
export interface ReviewNotice {
  kind: 'conflict' | 'error';
  message: string;
}

export interface ReviewSlice {
  /** Decisions made in this window, newest last: what Ctrl+Z walks back. */
  undoStack: Array<{ findingId: string; assetId: string }>;
  reviewNotice: ReviewNotice | null;
  dismissReviewNotice: () => void;
  /**
   * Decides one finding at the version shown. On CONFLICT (it changed
   * meanwhile) nothing is decided: the notice says so and the image's
   * findings are read again. Returns the finding as it now is, or null.
   */
  decide: (finding: Finding, action: DecideAction, extra?: DecideExtra) => Promise<Finding | null>;
  /** Undoes the latest decision of this session (Ctrl+Z). */
  undo: () => Promise<Finding | null>;
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

  const slice: ReviewSlice = {
    undoStack: [],
    reviewNotice: null,
    dismissReviewNotice: () => set({ reviewNotice: null } as Partial<S>),
    async decide(finding, action, extra = {}) {
      try {
        const now = await api.invoke('findings.decide', { findingId: finding.id, expectedVersion: finding.version, action, ...extra });
        set((s) => ({
          ...withFinding(s, now),
          undoStack: [...s.undoStack, { findingId: now.id, assetId: now.assetId }],
          reviewNotice: null,
        }));
        return now;
      } catch (e) {
        return failed(e, finding.assetId);
      }
    },
    async undo() {
      const last = get().undoStack.at(-1);
      if (!last) {
        set({ reviewNotice: { kind: 'error', message: 'Nothing to undo in this session.' } } as Partial<S>);
        return null;
      }
      set((s) => ({ undoStack: s.undoStack.slice(0, -1) }) as Partial<S>);
      const finding = get().findings[last.assetId]?.findings.find((f) => f.id === last.findingId);
      if (!finding) {
        set({ reviewNotice: { kind: 'error', message: 'That finding is no longer shown; open its image to undo.' } } as Partial<S>);
        return null;
      }
      try {
        const now = await api.invoke('findings.undo', { findingId: finding.id, expectedVersion: finding.version });
        set((s) => ({ ...withFinding(s, now), reviewNotice: null }));
        return now;
      } catch (e) {
        return failed(e, finding.assetId);
      }
    },
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
