import type { TaskId } from '../../shared/contract/index.ts';
import { toErrorShape } from '../app/errors.ts';
import type { Write } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import type { IngestOutcome } from '../ingest/ingest-file.ts';
import type { IngestRequest, IngestResponse } from '../ingest/ingest-protocol.ts';
import type { Logger } from '../ports.ts';
import { runChecklist, type ChecklistDeps } from './checklist-task.ts';
import { runDetect, type DetectDeps } from './detect-task.ts';
import { commitImportItem, expandImport } from './import-task.ts';
import { ACTIVE_STATUSES, finishTask, getTask, pendingItems, setTaskStatus, taskRow } from './task-store.ts';
import { interruptUpload, isUploadTask } from './upload-task.ts';
import { WorkerCrashedError, type WorkerPool } from './worker-pool.ts';

export interface RunnerDeps {
  db: Db;
  write: Write;
  logger: Logger;
  concurrency: number;
  createPool: () => WorkerPool<IngestRequest, IngestResponse>;
  /** True for an upload task this process began (its bytes may still arrive); others can never get theirs. */
  isLiveUpload: (taskId: TaskId) => boolean;
  /** What detect tasks need: the inference engine (its pool sets how many images are in flight), the originals. */
  detect: Omit<DetectDeps, 'db' | 'write'>;
  /** What checklist tasks need: the document pipeline and the evaluator. */
  checklist: Omit<ChecklistDeps, 'db' | 'write'>;
}

/**
 * Runs queued tasks one after another, the files of a task in parallel on a
 * worker pool (an import's on the ingest pool, a detect task's images on the
 * inference engine's). All state lives in the database: the runner can be killed at
 * any point and `resume` carries on from the last committed file.
 */
export class TaskRunner {
  private readonly queue: TaskId[] = [];
  private loop: Promise<void> | null = null;
  private stopping = false;
  private pool: WorkerPool<IngestRequest, IngestResponse> | null = null;

  constructor(private readonly deps: RunnerDeps) {}

  enqueue(taskId: TaskId): void {
    if (this.stopping || this.queue.includes(taskId)) return;
    this.queue.push(taskId);
    this.kick();
  }

  private kick(): void {
    if (this.loop || this.stopping || this.queue.length === 0) return;
    this.loop = this.drain().finally(() => {
      this.loop = null;
      this.kick();
    });
  }

  /** Queues every task a previous process left unfinished (or only `taskId`). */
  resume(taskId?: TaskId): TaskId[] {
    const rows = this.deps.db
      .prepare(`SELECT id FROM tasks WHERE status IN (${ACTIVE_STATUSES.map(() => '?').join(',')}) ORDER BY created_at, id`)
      .all(...ACTIVE_STATUSES) as Array<{ id: TaskId }>;
    const ids = rows.map((r) => r.id).filter((id) => (taskId === undefined || id === taskId) && !this.deps.isLiveUpload(id));
    ids.forEach((id) => this.enqueue(id));
    return ids;
  }

  /** Resolves when the queue is empty. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Stops after the files in flight are committed; unfinished tasks stay resumable. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.queue.length = 0;
    await this.idle();
    await this.pool?.close();
    this.pool = null;
    await this.deps.detect.engine.close();
  }

  private async drain(): Promise<void> {
    try {
      for (let id = this.queue.shift(); id !== undefined && !this.stopping; id = this.queue.shift()) {
        await this.runTask(id).catch((e: unknown) => this.failTask(id, e));
      }
    } finally {
      // Threads are released between batches so an idle app holds no workers.
      await this.pool?.close();
      this.pool = null;
      await this.deps.detect.engine.close();
    }
  }

  /** Marks a task failed. Never throws: it runs in the queue's loop, where a throw would be unhandled. */
  private failTask(id: TaskId, e: unknown) {
    this.deps.logger.error('task failed', { taskId: id, error: e instanceof Error ? e.stack ?? e.message : String(e) });
    // Callers see the same text dispatch would give them: specific for known errors, generic otherwise.
    const { code, message } = toErrorShape(e);
    try {
      this.deps.write((tx) => {
        setTaskStatus(tx, id, 'failed', message, code);
        tx.audit({ action: 'task.failed', entityType: 'task', entityId: id, data: { code, message } });
        tx.emit('task.finished', { task: getTask(tx.db, id) });
      });
    } catch (again) {
      this.deps.logger.error('task could not be marked failed; it stays resumable', { taskId: id, error: String(again) });
    }
  }

  private cancelRequested(id: TaskId) {
    // Anything but `running` stops the loop: cancelling, or ended meanwhile (cancelled while
    // queued, or settled by another process working on the same task).
    return taskRow(this.deps.db, id).status !== 'running';
  }

  private async runTask(id: TaskId): Promise<void> {
    const { db, write } = this.deps;
    const row = taskRow(db, id);
    if (!ACTIVE_STATUSES.includes(row.status)) return;
    if (isUploadTask(row)) {
      // Its bytes come from the client that began it, by request; there is nothing here to read.
      if (!this.deps.isLiveUpload(id)) write((tx) => interruptUpload(tx, id));
      return;
    }
    if (row.kind === 'detect' || row.kind === 'checklist') {
      const stop = () => this.stopping || this.cancelRequested(id);
      if (row.kind === 'detect') await runDetect({ db, write, ...this.deps.detect }, id, stop);
      else await runChecklist({ db, write, ...this.deps.checklist }, id, stop);
      if (this.stopping) return; // left running; resumed on the next start
      write((tx) => finishTask(tx, id));
      return;
    }
    if (!row.expanded && row.status !== 'cancelling') await expandImport(db, write, id);
    const jobId = row.job_id!;
    const todo = pendingItems(db, id);
    const inFlight = new Set<Promise<void>>();
    // A failed commit (disk full, database error) fails the task; remember the
    // first one, let the files in flight settle, then report it.
    const commitErrors: unknown[] = [];
    for (const item of todo) {
      if (this.stopping || commitErrors.length > 0 || this.cancelRequested(id)) break;
      const tracked: Promise<void> = this.process(item)
        .then((outcome) => {
          commitImportItem(write, id, jobId, item, outcome);
        })
        .catch((error: unknown) => {
          commitErrors.push(error);
        })
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= this.deps.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (commitErrors.length > 0) throw commitErrors[0];
    if (this.stopping) return; // left running; resumed on the next start
    write((tx) => finishTask(tx, id));
  }

  private async process(item: { source: string; name: string }): Promise<IngestOutcome> {
    this.pool ??= this.deps.createPool();
    try {
      const res = await this.pool.run({ source: item.source, name: item.name });
      return res.outcome;
    } catch (e) {
      if (e instanceof WorkerCrashedError) return { ok: false, code: 'WORKER_CRASHED', message: `processing this file crashed a worker (${e.message})` };
      throw e;
    }
  }
}
