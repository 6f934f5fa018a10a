import { UploadTargetSchema, type JobId, type Task, type TaskId, type TaskItem } from '../../shared/contract/index.ts';
import { isHousekeeping } from '../../shared/housekeeping.ts';
import { ChittiError } from '../app/errors.ts';
import type { Tx, Write } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { getJob } from '../domain/jobs.ts';
import { sizeRefusal } from '../ingest/ingest-file.ts';
import { drainBody, ingestUpload } from '../ingest/ingest-upload.ts';
import { displayName } from '../ingest/names.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { commitImportItem } from './import-task.ts';
import {
  ACTIVE_STATUSES, addItems, createTask, failPendingItems, findItem, finishTask, getItem, getTask, pendingCount, setItemOutcome, taskRow,
} from './task-store.ts';

/**
 * Import by upload: a browser cannot give paths, so it declares its files
 * (`uploads.begin`), then sends each one's bytes to the transport's upload
 * route, which hands them to `receiveUpload`. The task is an ordinary import
 * task whose items are the declared files; no runner works on it, each
 * request settles its own item, and the last one finishes the task.
 */

export interface UploadFile {
  name: string;
  size: number;
}

interface UploadParams {
  upload: true;
  files: UploadFile[];
}

/** An upload item's `source`: the name as the browser gave it (folder parts included), for display only. */
export const UPLOAD_SOURCE_PREFIX = 'upload:';

const INTERRUPTED_MESSAGE = 'the upload was interrupted before this file arrived; add the file again';

export function isUploadTask(row: { params: string }): boolean {
  try {
    return (JSON.parse(row.params) as Partial<UploadParams> | null)?.upload === true;
  } catch {
    return false;
  }
}

/**
 * The declared files an upload task keeps: folder housekeeping (`.DS_Store`,
 * `._*`, hidden folders; see src/shared/housekeeping.ts) gets no item. Items
 * are numbered over these files, and the renderer applies the same function
 * to the names it declares, so its `seq` for each file matches.
 */
export const keptUploadFiles = (files: readonly UploadFile[]): UploadFile[] => files.filter((f) => !isHousekeeping(f.name));

/**
 * Creates the task with one item per kept file (keptUploadFiles), in order,
 * already running. Sizes settle what they can at once (empty, over the
 * limit); a task with nothing left to receive ends right away.
 */
export function beginUpload(tx: Tx, jobId: JobId, declared: readonly UploadFile[], maxBytes: number): Task {
  getJob(tx.db, jobId);
  const files = keptUploadFiles(declared);
  const params: UploadParams = { upload: true, files: files.map((f) => ({ name: f.name, size: f.size })) };
  const { id } = createTask(tx, 'import', jobId, params);
  addItems(tx, id, files.map((f) => ({
    // eslint-disable-next-line no-control-regex
    source: UPLOAD_SOURCE_PREFIX + f.name.replace(/[\u0000-\u001f\u007f]/g, ''),
    name: displayName(f.name),
  })));
  files.forEach((f, seq) => {
    const refused = sizeRefusal(f.size, maxBytes);
    if (refused) setItemOutcome(tx, id, seq, { status: 'failed', errorCode: refused.code, message: refused.message });
  });
  tx.emit('task.progressed', { task: getTask(tx.db, id), item: null });
  return pendingCount(tx.db, id) === 0 ? finishTask(tx, id) : getTask(tx.db, id);
}

/**
 * Ends an upload task that no process is receiving any more (found on
 * resume): its missing files can only come from the browser that began it,
 * so they fail with UPLOAD_INTERRUPTED and the task finishes.
 */
export function interruptUpload(tx: Tx, taskId: TaskId): void {
  const { status } = taskRow(tx.db, taskId);
  if (!ACTIVE_STATUSES.includes(status)) return; // another process got there first
  if (status !== 'cancelling' && failPendingItems(tx, taskId, 'UPLOAD_INTERRUPTED', INTERRUPTED_MESSAGE) > 0) {
    tx.emit('task.progressed', { task: getTask(tx.db, taskId), item: null });
  }
  finishTask(tx, taskId);
}

export interface UploadServiceDeps {
  db: Db;
  write: Write;
  store: BlobStore;
  maxBytes: number;
}

interface Receiving {
  taskId: TaskId;
  controller: AbortController;
}

/** The upload tasks of this process: begins them, receives their files, stops them on cancel and close. */
export class UploadService {
  /** Upload tasks begun by this process and not ended: their bytes may still arrive. */
  private readonly live = new Map<TaskId, { jobId: JobId; sizes: number[] }>();
  /** Files being received now, by `taskId/seq`. */
  private readonly receiving = new Map<string, Receiving>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly closing = new AbortController();

  constructor(private readonly deps: UploadServiceDeps) {}

  begin(jobId: JobId, files: readonly UploadFile[]): Task {
    const task = this.deps.write((tx) => beginUpload(tx, jobId, files, this.deps.maxBytes));
    if (ACTIVE_STATUSES.includes(task.status)) this.live.set(task.id, { jobId, sizes: keptUploadFiles(files).map((f) => f.size) });
    return task;
  }

  /** True while this process may still receive bytes for the task (the runner leaves it alone). */
  isLive(taskId: TaskId): boolean {
    return this.live.has(taskId);
  }

  /**
   * Receives one file's bytes and settles its item. Throws NOT_FOUND (no such
   * task or file), CONFLICT (not an upload, ended, or the file is not waiting
   * for bytes: settled, cancelled, or being received by another request),
   * INVALID_INPUT (the body stopped early: nothing stored, send it again).
   */
  async receive(taskId: string, seq: number, body: AsyncIterable<Uint8Array>): Promise<TaskItem> {
    const target = UploadTargetSchema.safeParse({ taskId, seq });
    if (!target.success) throw new ChittiError('INVALID_INPUT', 'An upload needs a task id like tsk_… and a file number (0, 1, …).');
    const work = this.receiveChecked(target.data.taskId, target.data.seq, body);
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  private async receiveChecked(taskId: TaskId, seq: number, body: AsyncIterable<Uint8Array>): Promise<TaskItem> {
    const { db, write } = this.deps;
    if (this.closing.signal.aborted) throw new ChittiError('CONFLICT', 'Chitti is shutting down; the file was not received.');
    const row = taskRow(db, taskId);
    const item = findItem(db, taskId, seq);
    if (!item) throw new ChittiError('NOT_FOUND', `Task ${taskId} has no file ${seq}.`);
    if (!isUploadTask(row)) throw new ChittiError('CONFLICT', `Task ${taskId} is not an upload: its files are read from disk.`);
    if (!ACTIVE_STATUSES.includes(row.status)) throw new ChittiError('CONFLICT', `Task ${taskId} has already ended (${row.status}).`);
    if (row.status === 'cancelling') throw new ChittiError('CONFLICT', `Task ${taskId} is being cancelled.`);
    const live = this.live.get(taskId);
    const declared = live?.sizes[seq];
    if (!live || declared === undefined) {
      throw new ChittiError('CONFLICT', `Task ${taskId} was begun by a Chitti process that has stopped since; add the files again.`);
    }
    if (item.status !== 'pending') throw new ChittiError('CONFLICT', `File ${seq} of task ${taskId} is not waiting for bytes (it is ${item.status}).`);
    const key = `${taskId}/${seq}`;
    if (this.receiving.has(key)) throw new ChittiError('CONFLICT', `File ${seq} of task ${taskId} is being received by another request.`);

    const controller = new AbortController();
    this.receiving.set(key, { taskId, controller });
    const iterator = body[Symbol.asyncIterator]();
    try {
      const result = await ingestUpload(iterator, {
        name: item.name,
        declared,
        store: this.deps.store,
        maxBytes: this.deps.maxBytes,
        signal: AbortSignal.any([controller.signal, this.closing.signal]),
        stillWanted: () => this.whyNotWanted(taskId, seq),
      });
      switch (result.kind) {
        case 'incomplete':
          throw new ChittiError('INVALID_INPUT', `The upload of “${item.name}” stopped early (${result.message}); nothing was stored. Send the file again.`);
        case 'abandoned':
          await drainBody(iterator, this.closing.signal);
          throw new ChittiError('CONFLICT', `“${item.name}” was not stored: ${result.reason}.`);
        case 'settled': {
          const applied = commitImportItem(write, taskId, live.jobId, { seq, name: item.name }, result.outcome);
          if (applied) this.finishIfSettled(taskId);
          // Whatever the sender still has to say is read and dropped, so that it gets its answer.
          if (result.rest) await drainBody(iterator, this.closing.signal);
          const now = getItem(db, taskId, seq);
          if (!applied) throw new ChittiError('CONFLICT', `File ${seq} of task ${taskId} was settled meanwhile (it is ${now.status}).`);
          return now;
        }
      }
    } finally {
      this.receiving.delete(key);
    }
  }

  /** Why bytes for this item are no longer wanted (checked against the database: a cancel may come from another process). */
  private whyNotWanted(taskId: TaskId, seq: number): string | null {
    const { status } = taskRow(this.deps.db, taskId);
    if (status === 'cancelling' || status === 'cancelled') return 'the import was cancelled';
    if (!ACTIVE_STATUSES.includes(status)) return `the import has ended (${status})`;
    const item = findItem(this.deps.db, taskId, seq);
    return item?.status === 'pending' ? null : `the file was settled meanwhile (it is ${item?.status ?? 'gone'})`;
  }

  /** Finishes the task, as the runner does, once its last file has settled. */
  private finishIfSettled(taskId: TaskId): void {
    const finished = this.deps.write((tx) => {
      if (!ACTIVE_STATUSES.includes(taskRow(tx.db, taskId).status) || pendingCount(tx.db, taskId) > 0) return false;
      finishTask(tx, taskId);
      return true;
    });
    if (finished) this.live.delete(taskId);
  }

  /** The task was cancelled (its items are settled): stops the files being received, storing nothing. */
  cancelled(taskId: TaskId): void {
    this.live.delete(taskId);
    for (const r of this.receiving.values()) if (r.taskId === taskId) r.controller.abort('the import was cancelled');
  }

  /** Stops every file being received (their items stay pending) and waits until they let go. */
  async close(): Promise<void> {
    this.closing.abort('Chitti is shutting down');
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
