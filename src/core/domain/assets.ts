import type { Asset, AssetId, JobId } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Tx } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { newId } from '../ids.ts';

interface AssetRow {
  id: string; job_id: string; kind: 'image' | 'document'; mime: string; size: number; sha256: string;
  original_name: string; status: 'ready'; created_at: string;
}

const toAsset = (r: AssetRow): Asset => ({
  id: r.id, jobId: r.job_id, kind: r.kind, mime: r.mime, size: r.size, sha256: r.sha256,
  originalName: r.original_name, status: r.status, createdAt: r.created_at,
});

export function listAssets(db: Db, jobId: JobId, limit: number, offset: number): { assets: Asset[]; total: number } {
  const rows = db.prepare('SELECT * FROM assets WHERE job_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?').all(jobId, limit, offset) as AssetRow[];
  const { n } = db.prepare('SELECT count(*) AS n FROM assets WHERE job_id = ?').get(jobId) as { n: number };
  return { assets: rows.map(toAsset), total: n };
}

export function getAsset(db: Db, id: AssetId): Asset {
  const row = db.prepare('SELECT * FROM assets WHERE id = ?').get(id) as AssetRow | undefined;
  if (!row) throw new ChittiError('NOT_FOUND', `No asset with id ${id}.`);
  return toAsset(row);
}

export function findAssetByHash(db: Db, jobId: JobId, sha256: string): AssetId | null {
  const row = db.prepare('SELECT id FROM assets WHERE job_id = ? AND sha256 = ?').get(jobId, sha256) as { id: string } | undefined;
  return row?.id ?? null;
}

export interface NewAsset {
  jobId: JobId;
  kind: 'image' | 'document';
  mime: string;
  size: number;
  sha256: string;
  originalName: string;
}

export function addAsset(tx: Tx, a: NewAsset, context: { taskId: string }): AssetId {
  const id = newId('ast');
  tx.db.prepare(
    `INSERT INTO assets (id, job_id, kind, mime, size, sha256, original_name, status, created_at)
     VALUES (@id, @jobId, @kind, @mime, @size, @sha256, @originalName, 'ready', @at)`,
  ).run({ id, ...a, at: tx.now.toISOString() });
  tx.audit({ action: 'asset.imported', entityType: 'asset', entityId: id, data: { ...a, taskId: context.taskId } });
  tx.emit('asset.added', { jobId: a.jobId, assetId: id });
  return id;
}
