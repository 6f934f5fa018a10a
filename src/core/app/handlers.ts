import type { ProcedureName, ProcedureOutput, ProcedureParsedInput } from '../../shared/contract/index.ts';
import { latestFindings, listAnalyses } from '../domain/analyses.ts';
import { getAsset, listAssets } from '../domain/assets.ts';
import { addFinding, bulkDecide, bulkUndo, calibration, checkInImage, decide, findingRow, jobReview, queryFindings, setThreshold, undo, type ImageSize } from '../domain/review.ts';
import { thresholdFor } from '../inference/manifest.ts';
import { createJob, getJob, listJobs, updateJob } from '../domain/jobs.ts';
import { toModelSummary } from '../domain/models.ts';
import type { DetectionEngine } from '../inference/engine.ts';
import { startDetect } from '../tasks/detect-task.ts';
import { ACTIVE_STATUSES, createTask, getTask, listItems, listTasks, finishTask, reopenFailedTask, setTaskStatus, taskRow } from '../tasks/task-store.ts';
import type { TaskRunner } from '../tasks/runner.ts';
import { isUploadTask, type UploadService } from '../tasks/upload-task.ts';
import type { Db } from '../db/open.ts';
import { createDocumentHandlers, type DocumentHandlerContext } from './document-handlers.ts';
import { ChittiError } from './errors.ts';
import { createImagingHandlers } from './imaging-handlers.ts';
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
  documents: DocumentHandlerContext['documents'];
  checklists: DocumentHandlerContext['checklists'];
  info: { version: string; dataDir: string; keyMethod: string; schemaVersion: () => number };
}

type Handler<N extends ProcedureName> = (input: ProcedureParsedInput<N>) => ProcedureOutput<N> | Promise<ProcedureOutput<N>>;
export type Handlers = { [N in ProcedureName]: Handler<N> };

/** One function per procedure of the contract; inputs arrive already validated. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { db, write, runner } = ctx;
  /** An image's size: from an analysis of it, else by decoding it (NOT_AN_IMAGE for a document). */
  const imageSize = async (assetId: string): Promise<ImageSize> => {
    const seen = db.prepare(`SELECT width, height FROM analyses WHERE asset_id = ? AND status = 'done' AND width IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT 1`)
      .get(assetId) as ImageSize | undefined;
    return seen ?? ctx.media.imageInfo(getAsset(db, assetId));
  };
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
    'findings.decide': async (input) => {
      const size = input.action === 'edit' ? await imageSize(findingRow(db, input.findingId).asset_id) : null;
      return write((tx) => decide(tx, input, size));
    },
    'findings.add': async ({ assetId, ...finding }) => {
      const asset = getAsset(db, assetId);
      if (asset.kind !== 'image') throw new ChittiError('NOT_AN_IMAGE', `This is a document (${asset.mime}), not an image: findings are drawn on images.`);
      checkInImage(await imageSize(assetId), finding.box, finding.polygon);
      return write((tx) => addFinding(tx, { id: asset.id, jobId: asset.jobId }, finding));
    },
    'findings.undo': ({ findingId, expectedVersion }) => write((tx) => undo(tx, findingId, expectedVersion)),
    'findings.bulk': (input) => write((tx) => {
      getJob(tx.db, input.jobId);
      const decided = bulkDecide(tx, input);
      return { count: decided.length, decided };
    }),
    'findings.bulkUndo': ({ jobId, findings }) => write((tx) => {
      getJob(tx.db, jobId);
      const undone = bulkUndo(tx, jobId, findings);
      return { count: undone.length, undone };
    }),
    'findings.query': ({ jobId, sort, limit, offset, ...filter }) => {
      getJob(db, jobId);
      return queryFindings(db, jobId, filter, sort, limit, offset);
    },
    'jobs.review': ({ jobId }) => {
      getJob(db, jobId);
      return jobReview(db, jobId);
    },
    'calibration.get': async ({ modelId }) => {
      ctx.engine.catalog.refresh();
      const installed = await ctx.engine.catalog.get(modelId).catch((e: unknown) => {
        if (e instanceof ChittiError && e.code === 'MODEL_NOT_FOUND') return null; // decisions outlive the model
        throw e;
      });
      const m = installed?.manifest;
      return calibration(db, modelId, m ? { classes: m.classes, threshold: (cls) => thresholdFor(m, cls) } : null);
    },
    'thresholds.set': async ({ modelId, class: cls, threshold }) => {
      ctx.engine.catalog.refresh();
      const { manifest } = await ctx.engine.catalog.get(modelId);
      if (threshold !== null && !manifest.classes.includes(cls)) {
        throw new ChittiError('INVALID_INPUT', `Model ${modelId} has no class “${cls}” (its classes: ${manifest.classes.join(', ')}).`);
      }
      return { modelId, overrides: write((tx) => setThreshold(tx, modelId, cls, threshold)) };
    },

    'audit.list': ({ entityId, limit, offset }) => ({ entries: ctx.audit.list(entityId, limit, offset) }),
    'audit.verify': () => ctx.audit.verify(),

    ...createDocumentHandlers(ctx),
    ...createImagingHandlers(ctx),
  };
}
