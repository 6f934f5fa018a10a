import type { JobId, TaskId } from '../../shared/contract/index.ts';
import type { Write } from '../app/unit-of-work.ts';
import { addAsset, findAssetByHash } from '../domain/assets.ts';
import type { Db } from '../db/open.ts';
import type { IngestOutcome } from '../ingest/ingest-file.ts';
import { expandPaths } from '../ingest/walk.ts';
import { addItems, getItem, getTask, setItemOutcome, taskRow } from './task-store.ts';

export interface ImportParams {
  paths: string[];
}

/** Walks the user's paths once and stores the file list as the task's items. */
export async function expandImport(db: Db, write: Write, taskId: TaskId): Promise<void> {
  const params = JSON.parse(taskRow(db, taskId).params) as ImportParams;
  const files = await expandPaths(params.paths);
  write((tx) => {
    const row = taskRow(tx.db, taskId);
    // Another process got there first, or the task was cancelled while its folders were walked.
    if (row.expanded || (row.status !== 'queued' && row.status !== 'running')) return;
    addItems(tx, taskId, files);
    tx.emit('task.progressed', { task: getTask(tx.db, taskId), item: null });
  });
}

/**
 * Commits one file's outcome: the asset row, its audit row and the item's new
 * status in one transaction. The item is claimed inside that transaction, so
 * a file processed twice (after a kill, or by two processes) lands once.
 * Returns false when the item was no longer pending (nothing was written).
 */
export function commitImportItem(write: Write, taskId: TaskId, jobId: JobId, item: { seq: number; name: string }, outcome: IngestOutcome): boolean {
  return write((tx) => {
    const current = getItem(tx.db, taskId, item.seq);
    if (current.status !== 'pending') return false;
    if (!outcome.ok) {
      setItemOutcome(tx, taskId, item.seq, { status: 'failed', errorCode: outcome.code, message: outcome.message });
    } else {
      const existing = findAssetByHash(tx.db, jobId, outcome.sha256);
      if (existing) {
        const { original_name: was } = tx.db.prepare('SELECT original_name FROM assets WHERE id = ?').get(existing) as { original_name: string };
        setItemOutcome(tx, taskId, item.seq, { status: 'duplicate', assetId: existing, message: `same content as “${was}”, already in this job` });
      } else {
        const assetId = addAsset(tx, {
          jobId, kind: outcome.kind, mime: outcome.mime, size: outcome.size, sha256: outcome.sha256, originalName: item.name,
        }, { taskId });
        setItemOutcome(tx, taskId, item.seq, { status: 'imported', assetId, message: outcome.note });
      }
    }
    tx.emit('task.progressed', { task: getTask(tx.db, taskId), item: getItem(tx.db, taskId, item.seq) });
    return true;
  });
}
