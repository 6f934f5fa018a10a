import type { Asset, AssetId, FileErrorCode, JobId, Proposal, Task, TaskId } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Write } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { getAsset } from '../domain/assets.ts';
import { addReview, type FrameworkSnapshot, type ReviewOutcome } from '../domain/checklist-reviews.ts';
import { getJob } from '../domain/jobs.ts';
import type { DocumentModel } from '../structure/types.ts';
import { addAssetItems, createTask, getItem, getTask, markRunning, pendingAssetItems, setItemOutcome, taskRow } from './task-store.ts';

/**
 * A checklist task reviews documents of a job against one framework: each
 * document is parsed (in a worker), structured and evaluated, and its review
 * (a proposal per item), audit row and item status are committed in one
 * transaction that first claims the item, so after a kill `tasks resume`
 * reviews each document exactly once. The framework is snapshotted into the
 * task when it starts: a resumed task uses the same version.
 */

export interface ChecklistParams {
  framework: FrameworkSnapshot;
  embeddings: boolean;
  assetIds?: AssetId[];
}

/** The document pipeline the task drives; src/core/documents wires parse + structure + the cache. */
export interface DocumentModels {
  model(asset: Asset): Promise<DocumentModel>;
}

/** Evaluates a document against a framework, layer by layer (rules, retrieval, an LLM where one is configured). */
export interface ChecklistEvaluation {
  evaluate(model: DocumentModel, framework: FrameworkSnapshot, options: { embeddings: boolean }): Promise<{ proposals: Map<string, Proposal>; layers: string[]; warnings: string[] }>;
}

export interface ChecklistDeps {
  db: Db;
  write: Write;
  documents: DocumentModels;
  evaluation: ChecklistEvaluation;
}

/** Failures that concern one document: its item fails, the task goes on. */
const PER_DOCUMENT_CODES: ReadonlySet<string> = new Set<FileErrorCode>(['DOCUMENT_UNREADABLE', 'DOCUMENT_ENCRYPTED', 'DOCUMENT_TOO_LARGE', 'NOT_A_DOCUMENT', 'STORE_CORRUPT']);

function documentsFor(db: Db, jobId: JobId, assetIds: readonly AssetId[] | undefined): Array<{ id: string; name: string }> {
  if (!assetIds) {
    return db.prepare(`SELECT id, original_name AS name FROM assets WHERE job_id = ? AND kind = 'document' ORDER BY created_at, id`).all(jobId) as Array<{ id: string; name: string }>;
  }
  return [...new Set(assetIds)].map((id) => {
    const asset = getAsset(db, id);
    if (asset.jobId !== jobId) throw new ChittiError('INVALID_INPUT', `Asset ${id} belongs to another job, not ${jobId}.`);
    if (asset.kind !== 'document') throw new ChittiError('INVALID_INPUT', `${asset.originalName} is an image, not a document: checklists review documents.`);
    return { id, name: asset.originalName };
  });
}

/** Creates the task with one item per document, queued (done at once when the job has no document). */
export function startChecklist(write: Write, input: { jobId: JobId; framework: FrameworkSnapshot; embeddings: boolean; assetIds?: AssetId[] }): Task {
  return write((tx) => {
    getJob(tx.db, input.jobId);
    const params: ChecklistParams = { framework: input.framework, embeddings: input.embeddings, ...(input.assetIds ? { assetIds: input.assetIds } : {}) };
    const documents = documentsFor(tx.db, input.jobId, input.assetIds);
    const { id } = createTask(tx, 'checklist', input.jobId, { ...params, framework: { id: input.framework.id, version: input.framework.version } });
    // The whole snapshot is kept apart from the audited params (it can be long).
    tx.db.prepare('UPDATE tasks SET params = ? WHERE id = ?').run(JSON.stringify(params), id);
    return addAssetItems(tx, id, documents);
  });
}

async function reviewOne(deps: ChecklistDeps, assetId: AssetId, params: ChecklistParams): Promise<ReviewOutcome> {
  const started = performance.now();
  try {
    const asset = getAsset(deps.db, assetId);
    if (asset.kind !== 'document') throw new ChittiError('NOT_A_DOCUMENT', `This is an image (${asset.mime}), not a document.`);
    const model = await deps.documents.model(asset);
    const { proposals, layers, warnings } = await deps.evaluation.evaluate(model, params.framework, { embeddings: params.embeddings });
    const missing = params.framework.items.filter((i) => !proposals.has(i.id)).map((i) => i.id);
    if (missing.length) throw new ChittiError('DOCUMENT_UNREADABLE', `The evaluation gave no result for ${missing.join(', ')}; this document was not reviewed.`);
    return { ok: true, proposals, layers, warnings, pageCount: model.pageCount, durationMs: Math.round(performance.now() - started) };
  } catch (e) {
    if (e instanceof ChittiError && PER_DOCUMENT_CODES.has(e.code)) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Claims the item (still pending), stores the review, settles the item; false when it was no longer pending. */
export function commitChecklistItem(write: Write, taskId: TaskId, jobId: JobId, item: { seq: number; assetId: AssetId }, params: ChecklistParams, outcome: ReviewOutcome): boolean {
  return write((tx) => {
    if (getItem(tx.db, taskId, item.seq).status !== 'pending') return false;
    const review = addReview(tx, { jobId, assetId: item.assetId, taskId, framework: params.framework, outcome });
    if (outcome.ok) {
      const all = Object.values(review.summary);
      const sum = (k: 'met' | 'partial' | 'not_met') => all.reduce((n, c) => n + c[k], 0);
      setItemOutcome(tx, taskId, item.seq, { status: 'analysed', assetId: item.assetId, message: `${sum('met')} met, ${sum('partial')} partial, ${sum('not_met')} not met of ${plural(review.total, 'item')}` });
    } else {
      setItemOutcome(tx, taskId, item.seq, { status: 'failed', assetId: item.assetId, errorCode: outcome.code as FileErrorCode, message: outcome.message });
    }
    tx.emit('task.progressed', { task: getTask(tx.db, taskId), item: getItem(tx.db, taskId, item.seq) });
    return true;
  });
}

/**
 * Reviews the task's pending documents one at a time (parsing runs in a
 * worker and the embedding model is shared: one document at a time keeps
 * memory bounded). `shouldStop` is asked before each document.
 */
export async function runChecklist(deps: ChecklistDeps, taskId: TaskId, shouldStop: () => boolean): Promise<void> {
  const { db, write } = deps;
  write((tx) => markRunning(tx, taskId));
  const row = taskRow(db, taskId);
  const params = JSON.parse(row.params) as ChecklistParams;
  const todo = pendingAssetItems(db, taskId);
  for (const item of todo) {
    if (shouldStop()) return;
    const outcome = await reviewOne(deps, item.assetId, params);
    commitChecklistItem(write, taskId, row.job_id as JobId, item, params, outcome);
  }
}
