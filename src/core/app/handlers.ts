import type { ProcedureName, ProcedureOutput, ProcedureParsedInput } from '../../shared/contract/index.ts';
import { latestFindings, listAnalyses } from '../domain/analyses.ts';
import { getAsset, listAssets } from '../domain/assets.ts';
import { createJob, getJob, listJobs, updateJob } from '../domain/jobs.ts';
import { toModelSummary } from '../domain/models.ts';
import type { DetectionEngine } from '../inference/engine.ts';
import { startDetect } from '../tasks/detect-task.ts';
import { ACTIVE_STATUSES, createTask, getTask, listItems, listTasks, finishTask, reopenFailedTask, setTaskStatus, taskRow } from '../tasks/task-store.ts';
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
  engine: DetectionEngine;
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
      // Named explicitly, a detect task stopped by a model problem runs again (its pending images).
      if (taskId) write((tx) => reopenFailedTask(tx, taskId));
      return { resumed: runner.resume(taskId) };
    },

    'models.list': async () => {
      ctx.engine.catalog.refresh(); // a model may have been added since the last look
      const { models, problems } = await ctx.engine.catalog.scan();
      return { models: models.map(toModelSummary), problems };
    },
    'models.get': async ({ id }) => toModelSummary(await ctx.engine.catalog.get(id)),
    'detect.start': async (input) => {
      ctx.engine.catalog.refresh();
      const task = await startDetect({ write, engine: ctx.engine }, input);
      if (ACTIVE_STATUSES.includes(task.status)) runner.enqueue(task.id);
      return task;
    },
    'analyses.list': ({ jobId, assetId, taskId, limit, offset }) => {
      if (jobId) getJob(db, jobId);
      if (assetId) getAsset(db, assetId);
      if (taskId) taskRow(db, taskId);
      return listAnalyses(db, { jobId, assetId, taskId }, limit, offset);
    },
    'findings.list': ({ assetId }) => {
      getAsset(db, assetId);
      return latestFindings(db, assetId);
    },

    'audit.list': ({ entityId, limit, offset }) => ({ entries: ctx.audit.list(entityId, limit, offset) }),
    'audit.verify': () => ctx.audit.verify(),
  };
}
