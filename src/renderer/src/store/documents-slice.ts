import type { StoreApi } from 'zustand/vanilla';
import type {
  ChecklistStatus, DocumentModelWire, DocumentReview, ProcedureInput, ProcedureOutput, ReviewItem, Task, TaskItem,
} from '../../../shared/contract/index.ts';
import { ApiError, type ApiClient } from '../api/client.ts';

/** A checklist review task as the user follows it: the task's latest counts and the documents that could not be reviewed. */
export interface ChecklistRun {
  jobId: string;
  task: Task;
  /** Documents that failed, in the order they settled. */
  failures: TaskItem[];
}

/** One review open on the review screen: the review and every item, as the core last told us. */
export interface ReviewDetail {
  review: DocumentReview;
  items: ReviewItem[];
}

/** Why the last reviewer action on a review did not happen: someone changed the item meanwhile (conflict), or it failed. */
export interface ChecklistNotice {
  reviewId: string;
  kind: 'conflict' | 'error';
  message: string;
}

export type ItemAction = 'accept' | 'reject' | 'set-status' | 'edit-feedback' | 'note';
export interface ItemExtra {
  status?: ChecklistStatus;
  feedback?: string;
  reason?: string;
  note?: string;
}
export type NewReviewItem = Omit<ProcedureInput<'reviews.addItem'>, 'reviewId'>;

export interface StartChecklistOptions {
  checklistId: string;
  /** false: rules and lexical retrieval only (no sentence-embedding model). */
  embeddings: boolean;
  /** Only these documents; none: every document of the job. */
  assetIds?: string[];
}

export interface DocumentsSlice {
  /** The installed checklist frameworks and the files refused; null until read. */
  checklists: ProcedureOutput<'checklists.list'> | null;
  checklistsError: string | null;
  loadChecklists: () => Promise<void>;
  /** Each job's document reviews (`reviews.list`), newest first, once read. */
  documentReviews: Record<string, DocumentReview[]>;
  documentReviewsError: Record<string, string>;
  loadDocumentReviews: (jobId: string) => Promise<void>;
  checklistRuns: Record<string, ChecklistRun>;
  startChecklistReview: (jobId: string, options: StartChecklistOptions) => Promise<Task>;
  cancelChecklistReview: (taskId: string) => Promise<void>;
  dismissChecklistReview: (taskId: string) => void;
  /** Follows the job's checklist tasks still running (started before a reload, or from the command line). */
  followActiveChecklistReviews: (jobId: string) => Promise<void>;
  /** Reviews opened on the review screen, by review id. */
  reviewDetails: Record<string, ReviewDetail>;
  reviewDetailsError: Record<string, string>;
  loadReviewDetail: (reviewId: string) => Promise<void>;
  /** Documents' structure (`documents.model`), by asset id, once read. */
  documentModels: Record<string, DocumentModelWire>;
  documentModelsError: Record<string, string>;
  loadDocumentModel: (assetId: string) => Promise<void>;
  checklistNotice: ChecklistNotice | null;
  dismissChecklistNotice: () => void;
  /**
   * A decision on one item at the version shown. On CONFLICT nothing is
   * decided and the notice says so (the screen offers to reload). Returns the
   * item as it now is, or null.
   */
  decideReviewItem: (item: ReviewItem, action: ItemAction, extra?: ItemExtra) => Promise<ReviewItem | null>;
  /** Reverts the item's last decision (`reviews.undo`, version-checked). */
  undoReviewItem: (item: ReviewItem) => Promise<ReviewItem | null>;
  /** Feedback the reviewer adds, anchored to a text selection (`reviews.addItem`). */
  addReviewItem: (reviewId: string, input: NewReviewItem) => Promise<ReviewItem | null>;
}

const FINISHED: ReadonlySet<Task['status']> = new Set(['done', 'failed', 'cancelled']);
const PAGE = 1000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A task only moves forward: an older picture (an answer that raced an event) never replaces a newer one. */
function isNewer(next: Task, current: Task): boolean {
  if (FINISHED.has(current.status)) return FINISHED.has(next.status) && next.processed >= current.processed;
  return FINISHED.has(next.status) || next.processed >= current.processed;
}

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = record;
  return rest;
}

/** Newest first, each review once: `review` replaces the one with its id. */
function withReview(list: DocumentReview[], review: DocumentReview): DocumentReview[] {
  return [review, ...list.filter((r) => r.id !== review.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** The item as it now is, in its open review; an older version never wins. */
export function withItem(details: Record<string, ReviewDetail>, item: ReviewItem): Record<string, ReviewDetail> {
  const detail = details[item.reviewId];
  if (!detail) return details;
  const at = detail.items.findIndex((i) => i.id === item.id);
  if (at >= 0 && detail.items[at]!.version > item.version) return details;
  const items = at >= 0 ? detail.items.map((i, n) => (n === at ? item : i)) : [...detail.items, item];
  return { ...details, [item.reviewId]: { ...detail, items } };
}

function followRun(runs: Record<string, ChecklistRun>, task: Task, items: TaskItem[]): Record<string, ChecklistRun> {
  const current = runs[task.id];
  const failed = items.filter((i) => i.status === 'failed');
  if (!current) return task.jobId ? { ...runs, [task.id]: { jobId: task.jobId, task, failures: failed } } : runs;
  const missing = failed.filter((i) => !current.failures.some((f) => f.seq === i.seq));
  return {
    ...runs,
    [task.id]: {
      ...current,
      task: isNewer(task, current.task) ? task : current.task,
      failures: missing.length > 0 ? [...current.failures, ...missing] : current.failures,
    },
  };
}

/**
 * Documents reviewed against checklist frameworks: starting and following
 * the review task, each job's reviews, and the reviewer's decisions on one
 * review's items. Facts only; summaries and filtered lists are computed from
 * them (features/documents/review-items.ts).
 */
export function createDocumentsSlice<S extends DocumentsSlice>(api: ApiClient, set: StoreApi<S>['setState'], get: () => S): DocumentsSlice {
  const put = (patch: Partial<DocumentsSlice> | ((s: S) => Partial<DocumentsSlice>)) => set(patch as Partial<S> | ((s: S) => Partial<S>));
  const listTimers = new Map<string, ReturnType<typeof setTimeout>>();

  const failed = (e: unknown, reviewId: string): null => {
    const conflict = e instanceof ApiError && e.code === 'CONFLICT';
    put({
      checklistNotice: {
        reviewId,
        kind: conflict ? 'conflict' : 'error',
        message: conflict ? `${e.message} Reload to see the item as it now is, then decide again.` : message(e),
      },
    });
    return null;
  };

  /** An item changed: it in its open review, and (a moment later, once per burst) its job's list of reviews, whose counts changed. */
  const itemChanged = (item: ReviewItem) => {
    put((s) => ({ reviewDetails: withItem(s.reviewDetails, item) }));
    const jobId = Object.entries(get().documentReviews).find(([, list]) => list.some((r) => r.id === item.reviewId))?.[0];
    if (!jobId || listTimers.has(jobId)) return;
    listTimers.set(jobId, setTimeout(() => {
      listTimers.delete(jobId);
      void get().loadDocumentReviews(jobId);
    }, 250));
  };

  /** Re-reads a run (its counts and failed documents) after events may have been missed. */
  const refreshRun = async (taskId: string) => {
    try {
      const task = await api.invoke('tasks.get', { taskId });
      const { items } = await api.invoke('tasks.items', { taskId, status: 'failed', limit: PAGE, offset: 0 });
      put((s) => (s.checklistRuns[taskId] ? { checklistRuns: followRun(s.checklistRuns, task, items) } : {}));
      if (FINISHED.has(task.status) && task.jobId) void get().loadDocumentReviews(task.jobId);
    } catch (e) {
      console.warn('Chitti: could not re-read a checklist review task', e);
    }
  };

  const slice: DocumentsSlice = {
    checklists: null,
    checklistsError: null,
    async loadChecklists() {
      try {
        put({ checklists: await api.invoke('checklists.list', {}), checklistsError: null });
      } catch (e) {
        put({ checklistsError: message(e) });
      }
    },

    documentReviews: {},
    documentReviewsError: {},
    async loadDocumentReviews(jobId) {
      try {
        const all: DocumentReview[] = [];
        for (;;) {
          const { reviews, total } = await api.invoke('reviews.list', { jobId, limit: PAGE, offset: all.length });
          all.push(...reviews);
          if (reviews.length === 0 || all.length >= total) break;
        }
        put((s) => ({ documentReviews: { ...s.documentReviews, [jobId]: all }, documentReviewsError: omit(s.documentReviewsError, jobId) }));
      } catch (e) {
        put((s) => ({ documentReviewsError: { ...s.documentReviewsError, [jobId]: message(e) } }));
      }
    },

    checklistRuns: {},
    async startChecklistReview(jobId, { checklistId, embeddings, assetIds }) {
      const task = await api.invoke('reviews.start', { jobId, checklistId, embeddings, ...(assetIds ? { assetIds } : {}) });
      // Its first events may have come before this answer: the newer picture wins.
      put((s) => ({ checklistRuns: followRun(s.checklistRuns, task, []) }));
      return task;
    },
    async cancelChecklistReview(taskId) {
      const task = await api.invoke('tasks.cancel', { taskId });
      put((s) => (s.checklistRuns[taskId] ? { checklistRuns: followRun(s.checklistRuns, task, []) } : {}));
    },
    dismissChecklistReview(taskId) {
      put((s) => ({ checklistRuns: omit(s.checklistRuns, taskId) }));
    },
    async followActiveChecklistReviews(jobId) {
      const { tasks } = await api.invoke('tasks.list', { active: true, limit: PAGE });
      for (const task of tasks.filter((t) => t.kind === 'checklist' && t.jobId === jobId)) {
        put((s) => ({ checklistRuns: followRun(s.checklistRuns, task, []) }));
        void refreshRun(task.id);
      }
    },

    reviewDetails: {},
    reviewDetailsError: {},
    async loadReviewDetail(reviewId) {
      try {
        const detail = await api.invoke('reviews.get', { reviewId });
        put((s) => ({
          reviewDetails: { ...s.reviewDetails, [reviewId]: detail },
          reviewDetailsError: omit(s.reviewDetailsError, reviewId),
          checklistNotice: s.checklistNotice?.reviewId === reviewId ? null : s.checklistNotice,
        }));
      } catch (e) {
        put((s) => ({ reviewDetailsError: { ...s.reviewDetailsError, [reviewId]: message(e) } }));
      }
    },

    documentModels: {},
    documentModelsError: {},
    async loadDocumentModel(assetId) {
      try {
        const model = await api.invoke('documents.model', { assetId });
        put((s) => ({ documentModels: { ...s.documentModels, [assetId]: model }, documentModelsError: omit(s.documentModelsError, assetId) }));
      } catch (e) {
        put((s) => ({ documentModelsError: { ...s.documentModelsError, [assetId]: message(e) } }));
      }
    },

    checklistNotice: null,
    dismissChecklistNotice: () => put({ checklistNotice: null }),
    async decideReviewItem(item, action, extra = {}) {
      try {
        const now = await api.invoke('reviews.decide', { resultId: item.id, expectedVersion: item.version, action, ...extra });
        put((s) => ({ reviewDetails: withItem(s.reviewDetails, now), checklistNotice: null }));
        return now;
      } catch (e) {
        return failed(e, item.reviewId);
      }
    },
    async undoReviewItem(item) {
      try {
        const now = await api.invoke('reviews.undo', { resultId: item.id, expectedVersion: item.version });
        put((s) => ({ reviewDetails: withItem(s.reviewDetails, now), checklistNotice: null }));
        return now;
      } catch (e) {
        return failed(e, item.reviewId);
      }
    },
    async addReviewItem(reviewId, input) {
      try {
        const now = await api.invoke('reviews.addItem', { reviewId, ...input });
        put((s) => ({ reviewDetails: withItem(s.reviewDetails, now), checklistNotice: null }));
        return now;
      } catch (e) {
        return failed(e, reviewId);
      }
    },
  };

  api.on('task.progressed', ({ task, item }) => {
    if (task.kind !== 'checklist') return;
    // Followed wherever it was started (here, another window, the command line), shown on its job's screen.
    put((s) => (s.checklistRuns[task.id] || !FINISHED.has(task.status) ? { checklistRuns: followRun(s.checklistRuns, task, item ? [item] : []) } : {}));
  });
  api.on('task.finished', ({ task }) => {
    if (task.kind !== 'checklist') return;
    put((s) => (s.checklistRuns[task.id] ? { checklistRuns: followRun(s.checklistRuns, task, []) } : {}));
    // In case a review.added event was missed.
    if (task.jobId && get().documentReviews[task.jobId]) void get().loadDocumentReviews(task.jobId);
  });
  api.on('review.added', ({ review }) => {
    put((s) => {
      const list = s.documentReviews[review.jobId];
      return list ? { documentReviews: { ...s.documentReviews, [review.jobId]: withReview(list, review) } } : {};
    });
  });
  api.on('review.changed', ({ item }) => itemChanged(item));
  // Events sent while the connection was down are lost: re-read the runs still going, the lists and the open reviews.
  api.onReconnect(() => {
    const s = get();
    for (const run of Object.values(s.checklistRuns)) {
      if (!FINISHED.has(run.task.status)) void refreshRun(run.task.id);
    }
    for (const jobId of Object.keys(s.documentReviews)) void s.loadDocumentReviews(jobId);
    for (const reviewId of Object.keys(s.reviewDetails)) void s.loadReviewDetail(reviewId);
  });
  return slice;
}
