import type { Analysis, AnalysisId, AssetId, FileErrorCode, Finding, JobId, TaskId } from '../../shared/contract/index.ts';
import type { Tx } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { newId } from '../ids.ts';

export interface AnalysisRow {
  id: string; job_id: string; asset_id: string; task_id: string; model_id: string; model_version: string; model_sha256: string;
  settings: string; status: 'done' | 'failed'; error_code: FileErrorCode | null; message: string | null; duration_ms: number | null;
  width: number | null; height: number | null; created_at: string;
}
export interface FindingRow {
  id: string; analysis_id: string | null; job_id: string; asset_id: string; class: string; score: number;
  x1: number; y1: number; x2: number; y2: number; polygon: string | null; status: Finding['status']; created_at: string;
  source: Finding['source']; version: number; note: string | null; reject_reason: string | null;
  decided_by: string | null; decided_at: string | null; model_class: string | null; model_box: string | null;
}

function classCounts(db: Db, analysisId: string): Record<string, number> {
  const rows = db.prepare('SELECT class, count(*) AS n FROM findings WHERE analysis_id = ? GROUP BY class ORDER BY class').all(analysisId) as Array<{ class: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.class, r.n]));
}

function toAnalysis(db: Db, r: AnalysisRow): Analysis {
  const counts = classCounts(db, r.id);
  return {
    id: r.id, jobId: r.job_id, assetId: r.asset_id, taskId: r.task_id,
    modelId: r.model_id, modelVersion: r.model_version, modelSha256: r.model_sha256,
    settings: JSON.parse(r.settings) as Analysis['settings'],
    status: r.status, errorCode: r.error_code, message: r.message, durationMs: r.duration_ms, width: r.width, height: r.height,
    findingCount: Object.values(counts).reduce((a, b) => a + b, 0), classCounts: counts, createdAt: r.created_at,
  };
}

export const toFinding = (r: FindingRow): Finding => ({
  id: r.id, analysisId: r.analysis_id, jobId: r.job_id, assetId: r.asset_id, class: r.class, score: r.score,
  box: [r.x1, r.y1, r.x2, r.y2], polygon: r.polygon === null ? null : (JSON.parse(r.polygon) as Array<[number, number]>),
  status: r.status, createdAt: r.created_at, source: r.source, version: r.version, note: r.note, rejectReason: r.reject_reason,
  decidedBy: r.decided_by, decidedAt: r.decided_at, modelClass: r.model_class,
  modelBox: r.model_box === null ? null : (JSON.parse(r.model_box) as [number, number, number, number]),
});

export function getAnalysis(db: Db, id: AnalysisId): Analysis {
  return toAnalysis(db, db.prepare('SELECT * FROM analyses WHERE id = ?').get(id) as AnalysisRow);
}

/** Analyses, newest first, filtered by job, asset and/or task. */
export function listAnalyses(db: Db, filter: { jobId?: JobId; assetId?: AssetId; taskId?: TaskId }, limit: number, offset: number) {
  const by = ([['job_id', filter.jobId], ['asset_id', filter.assetId], ['task_id', filter.taskId]] as const).filter(([, v]) => v !== undefined);
  const where = by.map(([column]) => `${column} = ?`);
  const args = by.map(([, v]) => v as string);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const rows = db.prepare(`SELECT * FROM analyses ${clause} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`).all(...args, limit, offset) as AnalysisRow[];
  const { n } = db.prepare(`SELECT count(*) AS n FROM analyses ${clause}`).get(...args) as { n: number };
  return { analyses: rows.map((r) => toAnalysis(db, r)), total: n };
}

/** The asset's latest successful analysis, if any. */
export function latestAnalysisRow(db: Db, assetId: AssetId): AnalysisRow | undefined {
  return db.prepare(`SELECT * FROM analyses WHERE asset_id = ? AND status = 'done' ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(assetId) as AnalysisRow | undefined;
}

/** The asset's current findings: its latest successful analysis's and reviewer-added ones, highest score first. */
export function latestFindings(db: Db, assetId: AssetId): { analysis: Analysis | null; findings: Finding[] } {
  const row = latestAnalysisRow(db, assetId);
  const findings = db.prepare(
    `SELECT * FROM findings WHERE asset_id = ? AND (analysis_id IS NULL OR analysis_id = ?) ORDER BY score DESC, source DESC, created_at, id`,
  ).all(assetId, row?.id ?? null) as FindingRow[];
  return { analysis: row ? toAnalysis(db, row) : null, findings: findings.map(toFinding) };
}

export interface NewAnalysis {
  jobId: JobId;
  assetId: AssetId;
  taskId: TaskId;
  model: { id: string; version: string; sha256: string };
  settings: Analysis['settings'];
  durationMs: number | null;
  outcome:
    | { ok: true; width: number; height: number; findings: ReadonlyArray<{ class: string; score: number; box: readonly [number, number, number, number]; polygon?: ReadonlyArray<readonly [number, number]> }> }
    | { ok: false; code: FileErrorCode; message: string };
}

/**
 * Stores one analysis (done, with its findings as `proposed`, or failed with
 * why) and its audit row; the caller's transaction makes it all-or-nothing.
 */
export function addAnalysis(tx: Tx, a: NewAnalysis): Analysis {
  const id = newId('ana');
  const at = tx.now.toISOString();
  const o = a.outcome;
  tx.db.prepare(
    `INSERT INTO analyses (id, job_id, asset_id, task_id, model_id, model_version, model_sha256, settings, status, error_code, message, duration_ms, width, height, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id, a.jobId, a.assetId, a.taskId, a.model.id, a.model.version, a.model.sha256, JSON.stringify(a.settings),
    o.ok ? 'done' : 'failed', o.ok ? null : o.code, o.ok ? null : o.message,
    a.durationMs === null ? null : Math.round(a.durationMs), o.ok ? o.width : null, o.ok ? o.height : null, at,
  );
  if (o.ok) {
    const insert = tx.db.prepare(
      `INSERT INTO findings (id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, polygon, status, created_at, source, model_class, model_box)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, 'model', ?, ?)`,
    );
    for (const f of o.findings) {
      const [x1, y1, x2, y2] = f.box;
      insert.run(newId('fnd'), id, a.jobId, a.assetId, f.class, f.score, x1, y1, x2, y2, f.polygon ? JSON.stringify(f.polygon) : null, at, f.class, JSON.stringify(f.box));
    }
  }
  const analysis = getAnalysis(tx.db, id);
  tx.audit({
    action: 'analysis.created', entityType: 'analysis', entityId: id,
    data: {
      jobId: a.jobId, assetId: a.assetId, taskId: a.taskId,
      model: { id: a.model.id, version: a.model.version, sha256: a.model.sha256 }, settings: a.settings,
      status: analysis.status, ...(o.ok ? { findings: analysis.findingCount, classCounts: analysis.classCounts } : { code: o.code, message: o.message }),
    },
  });
  tx.emit('analysis.added', { analysis });
  return analysis;
}
