import { setTimeout as sleep } from 'node:timers/promises';
import type { Analysis, AssetId, FileErrorCode, JobId, Task, TaskId } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Write } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { addAnalysis } from '../domain/analyses.ts';
import { getAsset } from '../domain/assets.ts';
import { getJob } from '../domain/jobs.ts';
import { thresholdOverrides } from '../domain/review.ts';
import type { InstalledModel } from '../inference/catalog.ts';
import type { DetectionEngine, ImageFindings } from '../inference/engine.ts';
import { MAX_DISPLAY_BYTES, type MediaSource } from '../media/media-service.ts';
import { addAssetItems, createTask, getItem, getTask, markRunning, pendingAssetItems, setItemOutcome, taskRow } from './task-store.ts';

/**
 * A detect task runs a model on images already in a job. Its items (one per
 * asset, in a fixed order) are written when it starts; each image's analysis,
 * findings, audit row and item status are committed in one transaction that
 * first claims the item, so after a kill `tasks resume` analyses every image
 * exactly once.
 */

export interface DetectParams {
  modelId: string;
  /** The model as it was when the task started (each analysis records the one it actually used). */
  modelVersion: string;
  modelSha256: string;
  threshold: number | null;
  /** Reviewers' per-class thresholds for the model when the task started (absent in tasks from before them). */
  classThresholds?: Record<string, number>;
  /** The assets the caller chose; absent: every image of the job at the start. */
  assetIds?: AssetId[];
}

/** Failures that concern one image: the item fails, the task goes on. Anything else (MODEL_*) stops the task. */
const PER_IMAGE_CODES: ReadonlySet<string> = new Set<FileErrorCode>(['IMAGE_UNREADABLE', 'IMAGE_TOO_LARGE', 'NOT_AN_IMAGE', 'INFERENCE_FAILED', 'STORE_CORRUPT']);

type Outcome = { ok: true; result: ImageFindings } | { ok: false; code: FileErrorCode; message: string };

export interface DetectDeps {
  db: Db;
  write: Write;
  engine: DetectionEngine;
  /** Decrypted originals (the BlobStore). */
  store: MediaSource;
  /** Test-only fault injection: pause before each image. */
  delayMs: number;
}

/** Which assets a new detect task covers: the chosen ones (each of this job, once), or the job's images. */
function assetsFor(db: Db, jobId: JobId, assetIds: readonly AssetId[] | undefined): Array<{ id: string; name: string }> {
  if (!assetIds) {
    return db.prepare(`SELECT id, original_name AS name FROM assets WHERE job_id = ? AND kind = 'image' ORDER BY created_at, id`).all(jobId) as Array<{ id: string; name: string }>;
  }
  return [...new Set(assetIds)].map((id) => {
    const asset = getAsset(db, id);
    if (asset.jobId !== jobId) throw new ChittiError('INVALID_INPUT', `Asset ${id} belongs to another job, not ${jobId}.`);
    return { id, name: asset.originalName };
  });
}

/**
 * Checks the job and the model (MODEL_NOT_FOUND, MODEL_INVALID), then
 * creates the task with its items, queued. A task with no image ends at once.
 */
export async function startDetect(
  deps: Pick<DetectDeps, 'write' | 'engine'>,
  input: { jobId: JobId; modelId?: string; threshold?: number; assetIds?: AssetId[] },
): Promise<Task> {
  const model = await deps.engine.resolveModel(input.modelId);
  return deps.write((tx) => {
    const params: DetectParams = {
      modelId: model.manifest.id, modelVersion: model.manifest.version, modelSha256: model.manifest.sha256,
      threshold: input.threshold ?? null, classThresholds: thresholdOverrides(tx.db, model.manifest.id),
      ...(input.assetIds ? { assetIds: input.assetIds } : {}),
    };
    getJob(tx.db, input.jobId);
    const assets = assetsFor(tx.db, input.jobId, input.assetIds);
    const { id } = createTask(tx, 'detect', input.jobId, params);
    return addAssetItems(tx, id, assets);
  });
}

/** The thresholds a detect task asks for: one for every class, and reviewers' per-class overrides. */
type Thresholds = Pick<DetectParams, 'threshold' | 'classThresholds'>;

const settingsOf = (model: InstalledModel, t: Thresholds): Analysis['settings'] => ({
  threshold: t.threshold,
  scoreThreshold: model.manifest.postprocess.score_threshold,
  classThresholds: model.manifest.postprocess.class_thresholds,
  overrides: t.classThresholds ?? {},
});

/** Runs the model on one asset; a failure that concerns only this image becomes an outcome, others are thrown. */
async function analyse(deps: DetectDeps, assetId: AssetId, model: InstalledModel, t: Thresholds): Promise<Outcome> {
  if (deps.delayMs > 0) await sleep(deps.delayMs);
  try {
    const asset = getAsset(deps.db, assetId);
    if (asset.kind !== 'image') throw new ChittiError('NOT_AN_IMAGE', `This is a document (${asset.mime}), not an image.`);
    if (asset.size > MAX_DISPLAY_BYTES) {
      throw new ChittiError('IMAGE_TOO_LARGE', `This image file is ${(asset.size / 1024 ** 2).toFixed(0)} MB, over the ${MAX_DISPLAY_BYTES / 1024 ** 2} MB that can be analysed.`);
    }
    const bytes = await deps.store.read(asset.sha256);
    const result = await deps.engine.detectWith(bytes, asset.mime, model, {
      ...(t.threshold === null ? {} : { threshold: t.threshold }), ...(t.classThresholds ? { classThresholds: t.classThresholds } : {}),
    });
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ChittiError && PER_IMAGE_CODES.has(e.code)) return { ok: false, code: e.code as FileErrorCode, message: e.message };
    throw e;
  }
}

/**
 * Commits one image: claims its item (still pending), stores the analysis
 * (done with findings, or failed with why), audits it, settles the item.
 * Returns false when the item was no longer pending (nothing written).
 */
export function commitDetectItem(
  write: Write, taskId: TaskId, jobId: JobId, item: { seq: number; assetId: AssetId },
  model: InstalledModel, thresholds: Thresholds, outcome: Outcome,
): boolean {
  return write((tx) => {
    if (getItem(tx.db, taskId, item.seq).status !== 'pending') return false;
    const used = outcome.ok ? outcome.result.model : model.manifest;
    const analysis = addAnalysis(tx, {
      jobId, assetId: item.assetId, taskId,
      model: { id: used.id, version: used.version, sha256: used.sha256 },
      settings: settingsOf(model, thresholds),
      durationMs: outcome.ok ? outcome.result.durationMs : null,
      outcome: outcome.ok
        ? { ok: true, width: outcome.result.width, height: outcome.result.height, findings: outcome.result.findings }
        : outcome,
    });
    const counts = Object.entries(analysis.classCounts).map(([c, n]) => `${n} ${c}`).join(', ');
    setItemOutcome(tx, taskId, item.seq, outcome.ok
      ? { status: 'analysed', assetId: item.assetId, message: analysis.findingCount === 0 ? 'no findings' : `${analysis.findingCount} finding${analysis.findingCount === 1 ? '' : 's'}: ${counts}` }
      : { status: 'failed', assetId: item.assetId, errorCode: outcome.code, message: outcome.message });
    tx.emit('task.progressed', { task: getTask(tx.db, taskId), item: getItem(tx.db, taskId, item.seq) });
    return true;
  });
}

/**
 * Works through the task's pending images, `engine.poolSize` at a time.
 * `shouldStop` is asked before each image (cancel, shutdown). A model problem
 * or a failed commit stops the task: images in flight settle first, then the
 * error is thrown (the runner marks the task failed; its pending items stay
 * pending, so it can be resumed once the model is fixed).
 */
export async function runDetect(deps: DetectDeps, taskId: TaskId, shouldStop: () => boolean): Promise<void> {
  const { db, write } = deps;
  write((tx) => markRunning(tx, taskId));
  const row = taskRow(db, taskId);
  const jobId = row.job_id!;
  const params = JSON.parse(row.params) as DetectParams;
  const todo = pendingAssetItems(db, taskId);
  if (todo.length === 0 || shouldStop()) return;
  const model = await deps.engine.resolveModel(params.modelId);

  const inFlight = new Set<Promise<void>>();
  const errors: unknown[] = [];
  for (const item of todo) {
    if (errors.length > 0 || shouldStop()) break;
    const tracked: Promise<void> = analyse(deps, item.assetId, model, params)
      .then((outcome) => {
        commitDetectItem(write, taskId, jobId, item, model, params, outcome);
      })
      .catch((e: unknown) => {
        errors.push(e);
      })
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= deps.engine.poolSize) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (errors.length > 0) throw errors[0];
}
