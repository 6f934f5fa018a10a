import type { AssetId, ErrorCode, FileErrorCode, JobId, Task, TaskId, TaskItem, TaskItemStatus, TaskStatus } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Tx } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { newId } from '../ids.ts';

interface TaskRow {
  id: string; kind: Task['kind']; job_id: string | null; status: TaskStatus; params: string; expanded: number;
  error: string | null; error_code: ErrorCode | null; created_at: string; finished_at: string | null;
}
interface ItemRow {
  seq: number; source: string; name: string; status: TaskItemStatus; asset_id: string | null;
  error_code: FileErrorCode | null; message: string | null;
}

export const ACTIVE_STATUSES: readonly TaskStatus[] = ['queued', 'running', 'cancelling'];

function counts(db: Db, taskId: string) {
  const c = { total: 0, processed: 0, imported: 0, duplicates: 0, analysed: 0, failed: 0 };
  for (const r of db.prepare('SELECT status, count(*) AS n FROM task_items WHERE task_id = ? GROUP BY status').all(taskId) as Array<{ status: TaskItemStatus; n: number }>) {
    c.total += r.n;
    if (r.status !== 'pending') c.processed += r.n;
    if (r.status === 'imported') c.imported = r.n;
    if (r.status === 'duplicate') c.duplicates = r.n;
    if (r.status === 'analysed') c.analysed = r.n;
    if (r.status === 'failed') c.failed = r.n;
  }
  return c;
}

const toTask = (db: Db, r: TaskRow): Task => ({
  id: r.id, kind: r.kind, jobId: r.job_id, status: r.status, error: r.error, errorCode: r.error_code,
  createdAt: r.created_at, finishedAt: r.finished_at, ...counts(db, r.id),
});

const toItem = (r: ItemRow): TaskItem => ({
  seq: r.seq, source: r.source, name: r.name, status: r.status, assetId: r.asset_id, errorCode: r.error_code, message: r.message,
});

export function taskRow(db: Db, id: TaskId): TaskRow {
  const row = db.prepare('SELECT * FROM tasks WHERE id = ?').get(id) as TaskRow | undefined;
  if (!row) throw new ChittiError('NOT_FOUND', `No task with id ${id}.`);
  return row;
}

export const getTask = (db: Db, id: TaskId): Task => toTask(db, taskRow(db, id));

export function listTasks(db: Db, active: boolean, limit: number, offset: number): Task[] {
  const where = active ? `WHERE status IN (${ACTIVE_STATUSES.map(() => '?').join(',')})` : '';
  const rows = db.prepare(`SELECT * FROM tasks ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`)
    .all(...(active ? ACTIVE_STATUSES : []), limit, offset) as TaskRow[];
  return rows.map((r) => toTask(db, r));
}

export function listItems(db: Db, taskId: TaskId, status: TaskItemStatus | undefined, limit: number, offset: number) {
  taskRow(db, taskId);
  const filter = status ? 'AND status = ?' : '';
  const args = status ? [taskId, status] : [taskId];
  const rows = db.prepare(`SELECT * FROM task_items WHERE task_id = ? ${filter} ORDER BY seq LIMIT ? OFFSET ?`).all(...args, limit, offset) as ItemRow[];
  const { n } = db.prepare(`SELECT count(*) AS n FROM task_items WHERE task_id = ? ${filter}`).get(...args) as { n: number };
  return { items: rows.map(toItem), total: n };
}

export function getItem(db: Db, taskId: TaskId, seq: number): TaskItem {
  const item = findItem(db, taskId, seq);
  if (!item) throw new ChittiError('NOT_FOUND', `Task ${taskId} has no file #${seq}.`);
  return item;
}

/** The item, or null when the task has no item `seq`. */
export function findItem(db: Db, taskId: TaskId, seq: number): TaskItem | null {
  const row = db.prepare('SELECT * FROM task_items WHERE task_id = ? AND seq = ?').get(taskId, seq) as ItemRow | undefined;
  return row ? toItem(row) : null;
}

export function pendingCount(db: Db, taskId: TaskId): number {
  return (db.prepare(`SELECT count(*) AS n FROM task_items WHERE task_id = ? AND status = 'pending'`).get(taskId) as { n: number }).n;
}

export function pendingItems(db: Db, taskId: TaskId): Array<{ seq: number; source: string; name: string }> {
  return db.prepare(`SELECT seq, source, name FROM task_items WHERE task_id = ? AND status = 'pending' ORDER BY seq`).all(taskId) as Array<{ seq: number; source: string; name: string }>;
}

export function createTask(tx: Tx, kind: Task['kind'], jobId: JobId | null, params: unknown): Task {
  const id = newId('tsk');
  tx.db.prepare(`INSERT INTO tasks (id, kind, job_id, status, params, created_at) VALUES (?, ?, ?, 'queued', ?, ?)`)
    .run(id, kind, jobId, JSON.stringify(params), tx.now.toISOString());
  tx.audit({ action: 'task.created', entityType: 'task', entityId: id, data: { kind, jobId, params } });
  return getTask(tx.db, id);
}

/** Stores the expanded file list; runs once per task, in one transaction, so a kill mid-walk just walks again. */
export function addItems(tx: Tx, taskId: TaskId, files: ReadonlyArray<{ source: string; name: string }>): void {
  const insert = tx.db.prepare(`INSERT INTO task_items (task_id, seq, source, name, status) VALUES (?, ?, ?, ?, 'pending')`);
  files.forEach((f, seq) => insert.run(taskId, seq, f.source, f.name));
  tx.db.prepare(`UPDATE tasks SET expanded = 1, status = CASE status WHEN 'queued' THEN 'running' ELSE status END, started_at = ? WHERE id = ?`)
    .run(tx.now.toISOString(), taskId);
}

export function setItemOutcome(
  tx: Tx, taskId: TaskId, seq: number,
  outcome: { status: Exclude<TaskItemStatus, 'pending'>; assetId?: string | null; errorCode?: FileErrorCode | null; message?: string | null },
): boolean {
  const r = tx.db.prepare(
    `UPDATE task_items SET status = ?, asset_id = ?, error_code = ?, message = ? WHERE task_id = ? AND seq = ? AND status = 'pending'`,
  ).run(outcome.status, outcome.assetId ?? null, outcome.errorCode ?? null, outcome.message ?? null, taskId, seq);
  return r.changes === 1;
}

export function setTaskStatus(tx: Tx, taskId: TaskId, status: TaskStatus, error: string | null = null, errorCode: ErrorCode | null = null): void {
  const finished = status === 'done' || status === 'failed' || status === 'cancelled';
  tx.db.prepare('UPDATE tasks SET status = ?, error = ?, error_code = ?, finished_at = ? WHERE id = ?')
    .run(status, error, errorCode, finished ? tx.now.toISOString() : null, taskId);
}

export function cancelPendingItems(tx: Tx, taskId: TaskId): number {
  const kind = taskRow(tx.db, taskId).kind;
  const message = kind === 'detect' ? 'cancelled before it was analysed' : kind === 'checklist' ? 'cancelled before it was reviewed' : 'cancelled before it was imported';
  return tx.db.prepare(`UPDATE task_items SET status = 'cancelled', message = ? WHERE task_id = ? AND status = 'pending'`).run(message, taskId).changes;
}

export function failPendingItems(tx: Tx, taskId: TaskId, errorCode: FileErrorCode, message: string): number {
  return tx.db.prepare(`UPDATE task_items SET status = 'failed', error_code = ?, message = ? WHERE task_id = ? AND status = 'pending'`)
    .run(errorCode, message, taskId).changes;
}

/**
 * Ends a task once no more of its items will be processed: 'done', or, when
 * a cancel was requested, 'cancelled' with its pending items marked so. One
 * audit row with the counts, then task.finished. Every way a task can end
 * normally (the runner, the last upload, a cancelled upload) comes here.
 */
/**
 * Settles a task: `cancelling` becomes `cancelled` (its pending files marked
 * so), anything else active becomes `done`. A task that already ended is left
 * as it is, so two runners, or a cancel racing the end, cannot settle it twice.
 */
export function finishTask(tx: Tx, taskId: TaskId): Task {
  const { status, kind } = taskRow(tx.db, taskId);
  if (!ACTIVE_STATUSES.includes(status)) return getTask(tx.db, taskId);
  const cancelled = status === 'cancelling';
  if (cancelled) cancelPendingItems(tx, taskId);
  setTaskStatus(tx, taskId, cancelled ? 'cancelled' : 'done');
  const task = getTask(tx.db, taskId);
  tx.audit({
    action: cancelled ? 'task.cancelled' : 'task.finished', entityType: 'task', entityId: taskId,
    data: kind === 'detect' || kind === 'checklist'
      ? { analysed: task.analysed, failed: task.failed, total: task.total }
      : { imported: task.imported, duplicates: task.duplicates, failed: task.failed, total: task.total },
  });
  tx.emit('task.finished', { task });
  return task;
}

/**
 * Makes a failed task that still has pending items runnable again (a detect
 * task stopped by a model problem, once the model is fixed): queued, its
 * error cleared, audited. Returns false when there is nothing to reopen.
 */
export function reopenFailedTask(tx: Tx, taskId: TaskId): boolean {
  const row = taskRow(tx.db, taskId);
  if (row.status !== 'failed' || (row.kind !== 'detect' && row.kind !== 'checklist') || pendingCount(tx.db, taskId) === 0) return false;
  tx.db.prepare(`UPDATE tasks SET status = 'queued', error = NULL, error_code = NULL, finished_at = NULL WHERE id = ?`).run(taskId);
  tx.audit({ action: 'task.reopened', entityType: 'task', entityId: taskId, data: { previousError: { code: row.error_code, message: row.error } } });
  return true;
}

/**
 * The items of a task over assets already in the job (detection, checklist
 * review): one pending item per asset in the given order, the task marked
 * expanded and its progress emitted. A task with no asset ends at once.
 */
export function addAssetItems(tx: Tx, taskId: TaskId, assets: ReadonlyArray<{ id: string; name: string }>): Task {
  const insert = tx.db.prepare(`INSERT INTO task_items (task_id, seq, source, name, status, asset_id) VALUES (?, ?, ?, ?, 'pending', ?)`);
  assets.forEach((a, seq) => insert.run(taskId, seq, a.id, a.name, a.id));
  tx.db.prepare('UPDATE tasks SET expanded = 1 WHERE id = ?').run(taskId);
  tx.emit('task.progressed', { task: getTask(tx.db, taskId), item: null });
  return assets.length === 0 ? finishTask(tx, taskId) : getTask(tx.db, taskId);
}

/** A queued task starts running (its first start time is kept across resumes). */
export function markRunning(tx: Tx, taskId: TaskId): void {
  tx.db.prepare(`UPDATE tasks SET status = 'running', started_at = coalesce(started_at, ?) WHERE id = ? AND status = 'queued'`).run(tx.now.toISOString(), taskId);
}

/** The asset items of a task still to be processed, in order. */
export function pendingAssetItems(db: Db, taskId: TaskId): Array<{ seq: number; assetId: AssetId }> {
  return db.prepare(`SELECT seq, asset_id AS assetId FROM task_items WHERE task_id = ? AND status = 'pending' ORDER BY seq`).all(taskId) as Array<{ seq: number; assetId: AssetId }>;
}
