import type { ProcedureName, ProcedureOutput, ProcedureParsedInput } from '../../shared/contract/index.ts';
import { getAsset, listAssets } from '../domain/assets.ts';
import { createJob, getJob, listJobs, updateJob } from '../domain/jobs.ts';
import { createTask, getTask, listItems, listTasks, finishTask, setTaskStatus, taskRow } from '../tasks/task-store.ts';
import type { TaskRunner } from '../tasks/runner.ts';
import { isUploadTask, type UploadService } from '../tasks/upload-task.ts';
import type { Db } from '../db/open.ts';
import { ChittiError } from './errors.ts';
import type { Write } from './unit-of-work.ts';
import type { AuditService } from '../audit/service.ts';
import type { MediaService } from '../media/media-service.ts';

export interface HandlerContext {
  db: Db;
  write: Write;
  runner: TaskRunner;
  uploads: UploadService;
  audit: AuditService;
  media: MediaService;
  info: { version: string; dataDir: string; keyMethod: string; schemaVersion: () => number };
}

type Handler<N extends ProcedureName> = (input: ProcedureParsedInput<N>) => ProcedureOutput<N> | Promise<ProcedureOutput<N>>;
export type Handlers = { [N in ProcedureName]: Handler<N> };

/** One function per procedure of the contract; inputs arrive already validated. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { db, write, runner } = ctx;
  return {
    'app.info': () => ({ version: ctx.info.version, dataDir: ctx.info.dataDir, keyMethod: ctx.info.keyMethod, schemaVersion: ctx.info.schemaVersion() }),

    'jobs.create': (fields) => write((tx) => createJob(tx, fields)),
    'jobs.list': ({ limit, offset }) => listJobs(db, limit, offset),
    'jobs.get': ({ jobId }) => getJob(db, jobId),
    'jobs.update': ({ jobId, changes }) => write((tx) => updateJob(tx, jobId, changes)),

    'assets.list': ({ jobId, limit, offset }) => {
      getJob(db, jobId);
      return listAssets(db, jobId, limit, offset);
    },
    'assets.import': ({ jobId, paths }) => {
      const task = write((tx) => {
        getJob(tx.db, jobId);
        return createTask(tx, 'import', jobId, { paths });
      });
      runner.enqueue(task.id);
      return task;
    },
    'assets.get': ({ assetId }) => getAsset(db, assetId),
    'assets.imageInfo': ({ assetId }) => ctx.media.imageInfo(getAsset(db, assetId)),
    'uploads.begin': ({ jobId, files }) => ctx.uploads.begin(jobId, files),

    'tasks.get': ({ taskId }) => getTask(db, taskId),
    'tasks.list': ({ active, limit, offset }) => ({ tasks: listTasks(db, active, limit, offset) }),
    'tasks.items': ({ taskId, status, limit, offset }) => listItems(db, taskId, status, limit, offset),
    'tasks.cancel': ({ taskId }) => {
      const task = write((tx) => {
        const row = taskRow(tx.db, taskId);
        const { status } = row;
        if (status === 'done' || status === 'failed' || status === 'cancelled') {
          throw new ChittiError('CONFLICT', `Task ${taskId} has already ended (${status}).`);
        }
        if (status === 'queued' || status === 'running') {
          setTaskStatus(tx, taskId, 'cancelling');
          tx.audit({ action: 'task.cancel-requested', entityType: 'task', entityId: taskId, data: {} });
          // A queued task has no file in flight, and an upload has no runner (its files arrive by
          // request): settle those here and now. A running import is settled by its runner, in
          // this process or another, at the next file.
          if (status === 'queued' || isUploadTask(row)) finishTask(tx, taskId);
        }
        return getTask(tx.db, taskId);
      });
      // Files of an upload still arriving in this process are dropped, storing nothing.
      if (task.status === 'cancelled') ctx.uploads.cancelled(taskId);
      return task;
    },
    'tasks.resume': ({ taskId }) => {
      if (taskId) taskRow(db, taskId);
      return { resumed: runner.resume(taskId) };
    },

    'audit.list': ({ entityId, limit, offset }) => ({ entries: ctx.audit.list(entityId, limit, offset) }),
    'audit.verify': () => ctx.audit.verify(),
  };
}
