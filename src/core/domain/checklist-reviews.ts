import { createHash } from 'node:crypto';
import type {
  AssetId, ChecklistStatus, DocumentReview, Evidence, JobId, ProcedureParsedInput, Proposal, ReviewItem, Severity, TaskId,
} from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Tx } from '../app/unit-of-work.ts';
import type { Framework } from '../checklist/framework.ts';
import type { Db } from '../db/open.ts';
import { newId } from '../ids.ts';

/**
 * Checklist reviews: a framework applied to one document, with the AI's
 * proposal and a person's decision per item. Decisions are versioned and
 * audited like findings; a rejected proposal is remembered per framework item
 * and feedback text (`feedback_memory`), so the same feedback is ranked down
 * in later reviews and the reviewer sees why.
 */

/** The framework as a review keeps it: a snapshot, so the review stays readable (and a resumed task evaluates the same items) when the file changes. */
export type FrameworkSnapshot = Framework;

export interface ReviewOutcomeDone {
  ok: true;
  /** One proposal per framework item, by item id. */
  proposals: ReadonlyMap<string, Proposal>;
  layers: string[];
  /** What the reviewer should know about the run (embeddings unavailable, pages without text). */
  warnings: string[];
  pageCount: number;
  durationMs: number;
}
export type ReviewOutcome = ReviewOutcomeDone | { ok: false; code: string; message: string };

interface ResultRow {
  id: string; review_id: string; seq: number; item_id: string | null; section: string; title: string; requirement: string;
  severity: Severity; guidance: string | null; proposal: string | null; decision: ReviewItem['decision']; status: ChecklistStatus;
  feedback: string; anchor: string | null; note: string | null; reject_reason: string | null; decided_by: string | null;
  decided_at: string | null; version: number; created_at: string;
}

interface ReviewRow {
  id: string; job_id: string; asset_id: string; task_id: string; framework_id: string; framework_version: string; framework_title: string;
  status: 'done' | 'failed'; error_code: string | null; message: string | null; layers: string; warnings: string; page_count: number;
  duration_ms: number | null; created_at: string; document_name: string;
}

/** What a decision changes, kept before and after in `checklist_decisions` (undo restores `before`). */
interface ItemState {
  decision: ReviewItem['decision'];
  status: ChecklistStatus;
  feedback: string;
  note: string | null;
  rejectReason: string | null;
}

/** How much one earlier rejection of the same feedback lowers a proposal's confidence. */
const REJECTION_DISCOUNT = 0.6;

/** Feedback compared as a person reads it: case, spacing and digits (page numbers, counts) do not make it new. */
export function feedbackKey(feedback: string): string {
  const normal = feedback.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(normal).digest('hex').slice(0, 32);
}

interface Memory { rejected: number; last_reason: string | null; last_at: string }

function memoryOf(db: Db, frameworkId: string, itemId: string, feedback: string): Memory | null {
  const row = db.prepare('SELECT rejected, last_reason, last_at FROM feedback_memory WHERE framework_id = ? AND item_id = ? AND feedback_key = ?')
    .get(frameworkId, itemId, feedbackKey(feedback)) as Memory | undefined;
  return row && row.rejected > 0 ? row : null;
}

/** Ranks a proposal down by the times reviewers rejected the same feedback for the same item. */
export function rankedDown(proposal: Proposal, memory: Memory | null): Proposal {
  if (!memory) return proposal;
  return { ...proposal, confidence: Math.round(proposal.confidence * REJECTION_DISCOUNT ** memory.rejected * 1000) / 1000 };
}

const SELECT_REVIEW = `SELECT r.*, a.original_name AS document_name FROM checklist_reviews r JOIN assets a ON a.id = r.asset_id`;

function reviewRow(db: Db, id: string): ReviewRow {
  const row = db.prepare(`${SELECT_REVIEW} WHERE r.id = ?`).get(id) as ReviewRow | undefined;
  if (!row) throw new ChittiError('NOT_FOUND', `No checklist review with id ${id}.`);
  return row;
}

function resultRow(db: Db, id: string): ResultRow {
  const row = db.prepare('SELECT * FROM checklist_results WHERE id = ?').get(id) as ResultRow | undefined;
  if (!row) throw new ChittiError('NOT_FOUND', `No checklist result with id ${id}.`);
  return row;
}

function frameworkIdOf(db: Db, reviewId: string): string {
  return (db.prepare('SELECT framework_id FROM checklist_reviews WHERE id = ?').get(reviewId) as { framework_id: string }).framework_id;
}

function toItem(db: Db, r: ResultRow, frameworkId = frameworkIdOf(db, r.review_id)): ReviewItem {
  const proposal = r.proposal === null ? null : (JSON.parse(r.proposal) as Proposal);
  const memory = r.item_id !== null && proposal ? memoryOf(db, frameworkId, r.item_id, proposal.feedback) : null;
  return {
    id: r.id, reviewId: r.review_id, itemId: r.item_id, section: r.section, title: r.title, requirement: r.requirement,
    severity: r.severity, guidance: r.guidance, proposal, decision: r.decision, status: r.status, feedback: r.feedback,
    anchor: r.anchor === null ? null : (JSON.parse(r.anchor) as Evidence), note: r.note, rejectReason: r.reject_reason,
    decidedBy: r.decided_by, decidedAt: r.decided_at,
    history: memory ? { rejected: memory.rejected, lastReason: memory.last_reason, lastAt: memory.last_at } : null,
    version: r.version,
  };
}

const ZERO = () => ({ met: 0, partial: 0, not_met: 0, not_applicable: 0 });

function toReview(db: Db, r: ReviewRow): DocumentReview {
  const summary = { high: ZERO(), medium: ZERO(), low: ZERO() };
  // A rejected proposal says the AI was wrong without saying what is right: it counts nowhere until a status is set.
  const counts = db.prepare(
    `SELECT severity, status, count(*) AS n FROM checklist_results WHERE review_id = ? AND decision != 'rejected' GROUP BY severity, status`,
  ).all(r.id) as Array<{ severity: Severity; status: ChecklistStatus; n: number }>;
  for (const c of counts) summary[c.severity][c.status] = c.n;
  const totals = db.prepare(`SELECT count(*) AS total, count(*) FILTER (WHERE decision != 'proposed') AS decided FROM checklist_results WHERE review_id = ?`)
    .get(r.id) as { total: number; decided: number };
  return {
    id: r.id, jobId: r.job_id, assetId: r.asset_id, taskId: r.task_id, documentName: r.document_name,
    framework: { id: r.framework_id, version: r.framework_version, title: r.framework_title },
    status: r.status, errorCode: r.error_code, message: r.message, layers: JSON.parse(r.layers) as string[], warnings: JSON.parse(r.warnings) as string[], pageCount: r.page_count,
    summary, decided: totals.decided, total: totals.total, durationMs: r.duration_ms, createdAt: r.created_at,
  };
}

/**
 * Stores a finished (or failed) review of one document by a task, with one
 * result per framework item, each proposal ranked down by what reviewers
 * rejected before. Audited `checklist.reviewed`; emits `review.added`.
 */
export function addReview(
  tx: Tx,
  input: { jobId: JobId; assetId: AssetId; taskId: TaskId; framework: FrameworkSnapshot; outcome: ReviewOutcome },
): DocumentReview {
  const { framework, outcome } = input;
  const id = newId('rv');
  const at = tx.now.toISOString();
  tx.db.prepare(
    `INSERT INTO checklist_reviews (id, job_id, asset_id, task_id, framework_id, framework_version, framework_title, framework, status,
       error_code, message, layers, warnings, page_count, duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id, input.jobId, input.assetId, input.taskId, framework.id, framework.version, framework.title, JSON.stringify(framework),
    outcome.ok ? 'done' : 'failed', outcome.ok ? null : outcome.code, outcome.ok ? null : outcome.message,
    JSON.stringify(outcome.ok ? outcome.layers : []), JSON.stringify(outcome.ok ? outcome.warnings : []), outcome.ok ? outcome.pageCount : 0, outcome.ok ? outcome.durationMs : null, at,
  );
  if (outcome.ok) {
    const insert = tx.db.prepare(
      `INSERT INTO checklist_results (id, review_id, seq, item_id, section, title, requirement, severity, guidance, proposal, status, feedback, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    framework.items.forEach((item, seq) => {
      const proposed = outcome.proposals.get(item.id);
      if (!proposed) throw new ChittiError('INTERNAL', `The evaluation gave no result for item ${item.id}.`);
      const proposal = rankedDown(proposed, memoryOf(tx.db, framework.id, item.id, proposed.feedback));
      insert.run(newId('cr'), id, seq, item.id, item.section, item.title, item.requirement, item.severity, item.guidance ?? null,
        JSON.stringify(proposal), proposal.status, proposal.feedback, at);
    });
  }
  const review = toReview(tx.db, reviewRow(tx.db, id));
  tx.audit({
    action: outcome.ok ? 'checklist.reviewed' : 'checklist.review-failed', entityType: 'checklist_review', entityId: id,
    data: {
      jobId: input.jobId, assetId: input.assetId, taskId: input.taskId, framework: { id: framework.id, version: framework.version },
      ...(outcome.ok ? { layers: outcome.layers, summary: review.summary } : { code: outcome.code, message: outcome.message }),
    },
  });
  tx.emit('review.added', { review });
  return review;
}

export function getReview(db: Db, reviewId: string): { review: DocumentReview; items: ReviewItem[] } {
  const row = reviewRow(db, reviewId);
  const rows = db.prepare('SELECT * FROM checklist_results WHERE review_id = ? ORDER BY seq').all(reviewId) as ResultRow[];
  return { review: toReview(db, row), items: rows.map((r) => toItem(db, r, row.framework_id)) };
}

export function frameworkOfReview(db: Db, reviewId: string): FrameworkSnapshot {
  reviewRow(db, reviewId);
  const { framework } = db.prepare('SELECT framework FROM checklist_reviews WHERE id = ?').get(reviewId) as { framework: string };
  return JSON.parse(framework) as FrameworkSnapshot;
}

export function listReviews(db: Db, jobId: JobId, assetId: AssetId | undefined, limit: number, offset: number) {
  const where = assetId ? 'r.job_id = ? AND r.asset_id = ?' : 'r.job_id = ?';
  const args = assetId ? [jobId, assetId] : [jobId];
  const rows = db.prepare(`${SELECT_REVIEW} WHERE ${where} ORDER BY r.created_at DESC, r.rowid DESC LIMIT ? OFFSET ?`).all(...args, limit, offset) as ReviewRow[];
  const { total } = db.prepare(`SELECT count(*) AS total FROM checklist_reviews r WHERE ${where}`).get(...args) as { total: number };
  return { reviews: rows.map((r) => toReview(db, r)), total };
}

const stateOf = (r: ResultRow): ItemState => ({ decision: r.decision, status: r.status, feedback: r.feedback, note: r.note, rejectReason: r.reject_reason });

function checkVersion(db: Db, row: ResultRow, expected: number): void {
  if (row.version === expected) return;
  const last = db.prepare('SELECT reviewer, created_at FROM checklist_decisions WHERE result_id = ? ORDER BY rowid DESC LIMIT 1').get(row.id) as
    | { reviewer: string; created_at: string } | undefined;
  throw new ChittiError(
    'CONFLICT',
    `This checklist item was changed by ${last?.reviewer ?? 'someone'} at ${last?.created_at ?? 'an unknown time'} since you loaded it ` +
      `(it is now version ${row.version}; you had version ${expected}). Reload it and decide again.`,
  );
}

/** Remembers (or, on undo, forgets) one rejection of a proposal's feedback for its framework item. */
function rememberRejection(tx: Tx, row: ResultRow, delta: 1 | -1, reason: string | null): void {
  if (row.item_id === null || row.proposal === null) return; // reviewers' own items teach nothing about the AI
  const proposal = JSON.parse(row.proposal) as Proposal;
  const frameworkId = frameworkIdOf(tx.db, row.review_id);
  const at = tx.now.toISOString();
  tx.db.prepare(
    `INSERT INTO feedback_memory (framework_id, item_id, feedback_key, feedback, rejected, last_reason, last_at) VALUES (?, ?, ?, ?, max(?, 0), ?, ?)
     ON CONFLICT (framework_id, item_id, feedback_key) DO UPDATE SET rejected = max(rejected + ?, 0),
       last_reason = CASE WHEN ? > 0 THEN excluded.last_reason ELSE last_reason END, last_at = excluded.last_at`,
  ).run(frameworkId, row.item_id, feedbackKey(proposal.feedback), proposal.feedback, delta, reason, at, delta, delta);
}

const AUDIT_ACTION = {
  accept: 'checklist.accepted', reject: 'checklist.rejected', 'set-status': 'checklist.status-set',
  'edit-feedback': 'checklist.feedback-edited', note: 'checklist.noted', undo: 'checklist.undone',
} as const;

/**
 * How a decision changes what is remembered of rejected feedback: a reject
 * counts once; taking it back (undoing the reject, or accepting the proposal
 * after all) uncounts it. Setting the right status after a reject keeps it:
 * that is the normal way to correct the AI.
 */
function memoryDelta(action: keyof typeof AUDIT_ACTION, before: ItemState, after: ItemState, undid: string | null): 1 | -1 | 0 {
  if (action === 'reject' && before.decision !== 'rejected') return 1;
  if (action === 'accept' && before.decision === 'rejected') return -1;
  if (action === 'undo' && undid === 'reject' && after.decision !== 'rejected') return -1;
  if (action === 'undo' && undid === 'accept' && after.decision === 'rejected') return 1; // the accept that took a reject back is undone
  return 0;
}

function commit(tx: Tx, row: ResultRow, action: keyof typeof AUDIT_ACTION, after: ItemState, extra: Record<string, unknown> = {}, undid: string | null = null): ReviewItem {
  const before = stateOf(row);
  const at = tx.now.toISOString();
  const changed = tx.db.prepare(
    `UPDATE checklist_results SET decision = ?, status = ?, feedback = ?, note = ?, reject_reason = ?, version = version + 1,
       decided_by = ?, decided_at = ? WHERE id = ? AND version = ?`,
  ).run(after.decision, after.status, after.feedback, after.note, after.rejectReason, tx.actor, at, row.id, row.version);
  if (changed.changes !== 1) checkVersion(tx.db, resultRow(tx.db, row.id), row.version);
  const decisionId = newId('crd');
  tx.db.prepare(
    `INSERT INTO checklist_decisions (id, result_id, review_id, action, before, after, reviewer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(decisionId, row.id, row.review_id, action, JSON.stringify(before), JSON.stringify(after), tx.actor, at);
  const delta = memoryDelta(action, before, after, undid);
  if (delta !== 0) rememberRejection(tx, row, delta, delta > 0 ? after.rejectReason : null);
  const item = toItem(tx.db, resultRow(tx.db, row.id));
  tx.audit({
    action: AUDIT_ACTION[action], entityType: 'checklist_result', entityId: row.id,
    data: { decisionId, reviewId: row.review_id, itemId: row.item_id, version: item.version, before, after, ...extra },
  });
  tx.emit('review.changed', { item });
  return item;
}

type DecideInput = ProcedureParsedInput<'reviews.decide'>;

/** `reviews.decide`, in the caller's transaction. */
export function decideItem(tx: Tx, input: DecideInput): ReviewItem {
  const row = resultRow(tx.db, input.resultId);
  checkVersion(tx.db, row, input.expectedVersion);
  const current = stateOf(row);
  const wrong = (field: string, allowed: string) => new ChittiError('INVALID_INPUT', `${field} goes only with ${allowed}, not with ${input.action}.`);
  if (input.status !== undefined && input.action !== 'set-status') throw wrong('status', 'set-status');
  if (input.feedback !== undefined && input.action !== 'edit-feedback') throw wrong('feedback', 'edit-feedback');
  if (input.reason !== undefined && input.action !== 'reject') throw wrong('reason', 'reject');
  const note = input.note === undefined ? current.note : input.note === '' ? null : input.note;
  const proposal = row.proposal === null ? null : (JSON.parse(row.proposal) as Proposal);
  let after: ItemState;
  switch (input.action) {
    case 'accept':
      if (!proposal) throw new ChittiError('INVALID_INPUT', 'This item was added by a reviewer: there is no proposal to accept.');
      after = { ...current, decision: 'accepted', status: proposal.status, feedback: proposal.feedback, rejectReason: null, note };
      break;
    case 'reject':
      if (!proposal) throw new ChittiError('INVALID_INPUT', 'This item was added by a reviewer: there is no proposal to reject.');
      after = { ...current, decision: 'rejected', status: proposal.status, feedback: proposal.feedback, rejectReason: input.reason || null, note };
      break;
    case 'set-status':
      after = { ...current, decision: 'edited', status: input.status!, rejectReason: null, note };
      break;
    case 'edit-feedback':
      // Rewording the feedback of a rejected proposal does not make its rejected status count again: only a status does.
      after = current.decision === 'rejected'
        ? { ...current, feedback: input.feedback!, note }
        : { ...current, decision: 'edited', feedback: input.feedback!, rejectReason: null, note };
      break;
    case 'note':
      after = { ...current, note };
      break;
  }
  return commit(tx, row, input.action, after);
}

/** `reviews.undo`: restores the state before the item's last decision (a reviewer's own item cannot be un-added). */
export function undoItem(tx: Tx, resultId: string, expectedVersion: number): ReviewItem {
  const row = resultRow(tx.db, resultId);
  checkVersion(tx.db, row, expectedVersion);
  // Decisions already undone are skipped: each undo row cancels the latest open decision before it.
  const history = tx.db.prepare('SELECT id, action, before FROM checklist_decisions WHERE result_id = ? ORDER BY rowid').all(resultId) as Array<{ id: string; action: string; before: string | null }>;
  const open: Array<{ action: string; before: string | null; id: string }> = [];
  for (const d of history) {
    if (d.action === 'undo') open.pop();
    else open.push(d);
  }
  const target = open.at(-1);
  if (!target) throw new ChittiError('CONFLICT', 'There is no decision on this item to undo.');
  if (target.action === 'add') throw new ChittiError('CONFLICT', 'This item was added by a reviewer and its adding cannot be undone; set its status to not applicable instead.');
  return commit(tx, row, 'undo', JSON.parse(target.before!) as ItemState, { undid: target.id, undidAction: target.action }, target.action);
}

type AddInput = ProcedureParsedInput<'reviews.addItem'>;

/** `reviews.addItem`: a reviewer's own feedback, anchored to a text selection on a page of the reviewed document. */
export function addItem(tx: Tx, input: AddInput): ReviewItem {
  const review = reviewRow(tx.db, input.reviewId);
  if (review.status !== 'done') throw new ChittiError('CONFLICT', 'This review failed; start a new review of the document to add feedback.');
  if (input.anchor.page > review.page_count) {
    throw new ChittiError('INVALID_INPUT', `The document has ${review.page_count} page${review.page_count === 1 ? '' : 's'}; page ${input.anchor.page} does not exist.`);
  }
  const { seq } = tx.db.prepare('SELECT coalesce(max(seq), -1) + 1 AS seq FROM checklist_results WHERE review_id = ?').get(input.reviewId) as { seq: number };
  const id = newId('cr');
  const at = tx.now.toISOString();
  tx.db.prepare(
    `INSERT INTO checklist_results (id, review_id, seq, item_id, section, title, requirement, severity, guidance, proposal, decision, status, feedback, anchor,
       decided_by, decided_at, created_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, NULL, NULL, 'edited', ?, ?, ?, ?, ?, ?)`,
  ).run(id, input.reviewId, seq, input.section, input.title, input.title, input.severity, input.status, input.feedback, JSON.stringify(input.anchor), tx.actor, at, at);
  const after: ItemState = { decision: 'edited', status: input.status, feedback: input.feedback, note: null, rejectReason: null };
  const decisionId = newId('crd');
  tx.db.prepare(
    `INSERT INTO checklist_decisions (id, result_id, review_id, action, before, after, reviewer, created_at) VALUES (?, ?, ?, 'add', NULL, ?, ?, ?)`,
  ).run(decisionId, id, input.reviewId, JSON.stringify({ ...after, anchor: input.anchor, title: input.title }), tx.actor, at);
  const item = toItem(tx.db, resultRow(tx.db, id), review.framework_id);
  tx.audit({
    action: 'checklist.item-added', entityType: 'checklist_result', entityId: id,
    data: { decisionId, reviewId: input.reviewId, version: 1, section: input.section, title: input.title, severity: input.severity, status: input.status, feedback: input.feedback, anchor: input.anchor },
  });
  tx.emit('review.changed', { item });
  return item;
}

/** The decisions on a review's items, oldest first (for the exported report). */
export function reviewDecisions(db: Db, reviewId: string) {
  return db.prepare('SELECT result_id AS resultId, action, reviewer, created_at AS at FROM checklist_decisions WHERE review_id = ? ORDER BY rowid').all(reviewId) as
    Array<{ resultId: string; action: string; reviewer: string; at: string }>;
}
