import type {
  AssetId, AssetReview, Calibration, FileErrorCode, Finding, FindingSnapshot, FindingStatus, JobId, JobReview, ProcedureParsedInput, ReviewState, StatusCounts,
} from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Tx } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { newId } from '../ids.ts';
import { toFinding, type FindingRow } from './analyses.ts';

/**
 * Review of findings: a person's decisions (accept, reject, edit, reclass,
 * note, add, undo), each a `decisions` row with before/after snapshots, the
 * finding's new state (version + 1), an audit entry and an event, in the
 * caller's transaction; the job's current findings, paged and filtered; a
 * job's review overview; a model's precision per class from those decisions.
 */

type Box = [number, number, number, number];
type Action = 'accept' | 'reject' | 'edit' | 'reclass' | 'note' | 'add' | 'undo';
export type DecideInput = ProcedureParsedInput<'findings.decide'>;
export type ReviewFilter = { class?: string; status?: FindingStatus; minScore?: number; maxScore?: number; assetId?: AssetId };
export interface ImageSize { width: number; height: number }

const AUDIT_ACTION: Record<Action, string> = {
  accept: 'finding.accepted', reject: 'finding.rejected', edit: 'finding.edited', reclass: 'finding.reclassified',
  note: 'finding.noted', add: 'finding.added', undo: 'finding.undone',
};

const zeroCounts = (): StatusCounts => ({ proposed: 0, accepted: 0, rejected: 0, edited: 0 });

const snapshot = (r: FindingRow): FindingSnapshot => ({
  status: r.status, class: r.class, box: [r.x1, r.y1, r.x2, r.y2],
  polygon: r.polygon === null ? null : (JSON.parse(r.polygon) as Array<[number, number]>),
  note: r.note, rejectReason: r.reject_reason,
});

export function findingRow(db: Db, id: string): FindingRow {
  const row = db.prepare('SELECT * FROM findings WHERE id = ?').get(id) as FindingRow | undefined;
  if (!row) throw new ChittiError('NOT_FOUND', `No finding with id ${id}.`);
  return row;
}

/** CONFLICT, saying who changed the finding and when, unless it is still at `expected`. */
function checkVersion(db: Db, row: FindingRow, expected: number): void {
  if (row.version === expected) return;
  const last = db.prepare('SELECT reviewer, created_at FROM decisions WHERE finding_id = ? ORDER BY rowid DESC LIMIT 1').get(row.id) as
    | { reviewer: string; created_at: string } | undefined;
  const who = last?.reviewer ?? row.decided_by ?? 'someone';
  const when = last?.created_at ?? row.decided_at ?? 'an unknown time';
  throw new ChittiError(
    'CONFLICT',
    `This finding was changed by ${who} at ${when} since you loaded it (it is now version ${row.version}; you had version ${expected}). Reload it and decide again.`,
  );
}

/** `edited` when the class or box differ from what the model proposed, else `accepted`. */
function acceptedStatus(row: FindingRow, cls: string, box: Box): FindingStatus {
  if (row.model_class === null || row.model_box === null) return 'accepted';
  const proposed = JSON.parse(row.model_box) as Box;
  const same = cls === row.model_class && box.every((v, i) => Math.abs(v - proposed[i]!) < 1e-6);
  return same ? 'accepted' : 'edited';
}

function bounds(polygon: ReadonlyArray<readonly [number, number]>): Box {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** INVALID_INPUT unless the box (and outline) lie within the image, and the outline within the box. */
export function checkInImage(size: ImageSize, box: Box | undefined, polygon: ReadonlyArray<readonly [number, number]> | undefined): void {
  const inside = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && x >= 0 && y >= 0 && x <= size.width && y <= size.height;
  if (box && !(inside(box[0], box[1]) && inside(box[2], box[3]))) {
    throw new ChittiError('INVALID_INPUT', `The box [${box.join(', ')}] is not within the ${size.width}×${size.height} image.`);
  }
  if (polygon && !polygon.every(([x, y]) => inside(x, y))) {
    throw new ChittiError('INVALID_INPUT', `The outline is not within the ${size.width}×${size.height} image.`);
  }
  // A box given with an outline is the finding's extent: the outline may not stick out of it (a rounding's worth aside).
  const EPS = 1e-6;
  if (box && polygon && !polygon.every(([x, y]) => x >= box[0] - EPS && y >= box[1] - EPS && x <= box[2] + EPS && y <= box[3] + EPS)) {
    throw new ChittiError('INVALID_INPUT', `The outline is not within the box [${box.join(', ')}]; give the outline alone to have the box follow it.`);
  }
}

/**
 * Writes one decision on an existing finding: the finding's new state
 * (version + 1, decided by this actor now), its `decisions` row, the audit
 * entry and the `finding.changed` event. The caller has checked the version.
 */
function commit(tx: Tx, row: FindingRow, action: Exclude<Action, 'add'>, after: FindingSnapshot, extra: Record<string, unknown> = {}): Finding {
  const before = snapshot(row);
  const at = tx.now.toISOString();
  const [x1, y1, x2, y2] = after.box;
  const changed = tx.db.prepare(
    `UPDATE findings SET status = ?, class = ?, x1 = ?, y1 = ?, x2 = ?, y2 = ?, polygon = ?, note = ?, reject_reason = ?,
       version = version + 1, decided_by = ?, decided_at = ? WHERE id = ? AND version = ?`,
  ).run(
    after.status, after.class, x1, y1, x2, y2, after.polygon === null ? null : JSON.stringify(after.polygon), after.note, after.rejectReason,
    tx.actor, at, row.id, row.version,
  );
  if (changed.changes !== 1) checkVersion(tx.db, findingRow(tx.db, row.id), row.version);
  const decisionId = newId('dec');
  tx.db.prepare(
    `INSERT INTO decisions (id, finding_id, job_id, asset_id, action, before, after, reviewer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(decisionId, row.id, row.job_id, row.asset_id, action, JSON.stringify(before), JSON.stringify(after), tx.actor, at);
  const finding = toFinding(findingRow(tx.db, row.id));
  tx.audit({
    action: AUDIT_ACTION[action], entityType: 'finding', entityId: row.id,
    data: { decisionId, jobId: row.job_id, assetId: row.asset_id, version: finding.version, before, after, ...extra },
  });
  tx.emit('finding.changed', { finding });
  return finding;
}

/** What `input` makes of the finding, or INVALID_INPUT when the action and its fields do not go together. */
function decidedState(row: FindingRow, input: Omit<DecideInput, 'findingId' | 'expectedVersion'>): FindingSnapshot {
  const { action } = input;
  const wrong = (field: string, allowed: string) => new ChittiError('INVALID_INPUT', `${field} goes only with ${allowed}, not with ${action}.`);
  if (input.reason !== undefined && action !== 'reject') throw wrong('reason', 'reject');
  if ((input.box !== undefined || input.polygon !== undefined) && action !== 'edit') throw wrong('box and polygon', 'edit');
  if (input.class !== undefined && action !== 'edit' && action !== 'reclass') throw wrong('class', 'edit and reclass');
  const current = snapshot(row);
  const note = input.note === undefined ? current.note : input.note === '' ? null : input.note;
  switch (action) {
    case 'note':
      if (input.note === undefined) throw new ChittiError('INVALID_INPUT', 'A note decision needs `note` (an empty one clears it).');
      return { ...current, note };
    case 'reject':
      return { ...current, status: 'rejected', rejectReason: input.reason ? input.reason : null, note };
    case 'accept':
      return { ...current, status: acceptedStatus(row, current.class, current.box), rejectReason: null, note };
    case 'reclass': {
      if (input.class === undefined) throw new ChittiError('INVALID_INPUT', 'A reclass decision needs the new `class`.');
      return { ...current, class: input.class, status: acceptedStatus(row, input.class, current.box), rejectReason: null, note };
    }
    case 'edit': {
      if (input.box === undefined && input.polygon === undefined) throw new ChittiError('INVALID_INPUT', 'An edit needs a new `box` and/or `polygon`.');
      const polygon = input.polygon ? input.polygon.map(([x, y]) => [x, y] as [number, number]) : null;
      const box: Box = input.box ? [...input.box] : bounds(polygon!);
      if (!(box[2] > box[0] && box[3] > box[1])) throw new ChittiError('INVALID_INPUT', 'The outline encloses no area.');
      const cls = input.class ?? current.class;
      return { ...current, class: cls, box, polygon, status: acceptedStatus(row, cls, box), rejectReason: null, note };
    }
  }
}

/** `findings.decide`, in the caller's transaction. `size` is the image's, needed only when the decision carries a box or outline. */
export function decide(tx: Tx, input: DecideInput, size: ImageSize | null): Finding {
  const row = findingRow(tx.db, input.findingId);
  checkVersion(tx.db, row, input.expectedVersion);
  const after = decidedState(row, input);
  if (input.action === 'edit') {
    if (!size) throw new ChittiError('INTERNAL', 'The image size is needed to check an edit.');
    checkInImage(size, after.box, after.polygon ?? undefined);
  }
  return commit(tx, row, input.action, after, input.reason ? { reason: input.reason } : {});
}

/** `findings.add`: a reviewer's own finding on an image asset, accepted. The caller checked the asset is an image of `jobId` and the box is inside it. */
export function addFinding(
  tx: Tx, asset: { id: AssetId; jobId: JobId }, input: { class: string; box: readonly number[]; polygon?: ReadonlyArray<readonly [number, number]>; note?: string },
): Finding {
  const id = newId('fnd');
  const at = tx.now.toISOString();
  const [x1, y1, x2, y2] = input.box as Box;
  const polygon = input.polygon ? input.polygon.map(([x, y]) => [x, y] as [number, number]) : null;
  const note = input.note ? input.note : null;
  tx.db.prepare(
    `INSERT INTO findings (id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, polygon, status, created_at, source, version, note, decided_by, decided_at)
     VALUES (?, NULL, ?, ?, ?, 1, ?, ?, ?, ?, ?, 'accepted', ?, 'reviewer', 1, ?, ?, ?)`,
  ).run(id, asset.jobId, asset.id, input.class, x1, y1, x2, y2, polygon === null ? null : JSON.stringify(polygon), at, note, tx.actor, at);
  const row = findingRow(tx.db, id);
  const after = snapshot(row);
  const decisionId = newId('dec');
  tx.db.prepare(
    `INSERT INTO decisions (id, finding_id, job_id, asset_id, action, before, after, reviewer, created_at) VALUES (?, ?, ?, ?, 'add', NULL, ?, ?, ?)`,
  ).run(decisionId, id, asset.jobId, asset.id, JSON.stringify(after), tx.actor, at);
  const finding = toFinding(row);
  tx.audit({ action: AUDIT_ACTION.add, entityType: 'finding', entityId: id, data: { decisionId, jobId: asset.jobId, assetId: asset.id, version: 1, before: null, after } });
  tx.emit('finding.changed', { finding });
  return finding;
}

/** `findings.undo`: restores the `before` of the latest decision not already undone. */
export function undo(tx: Tx, findingId: string, expectedVersion: number): Finding {
  const row = findingRow(tx.db, findingId);
  checkVersion(tx.db, row, expectedVersion);
  return undoLatest(tx, row);
}

/** A finding and the version it has after a decision: what a bulk decision returns, and its undo checks. */
export interface FindingVersion { findingId: string; version: number }

/**
 * `findings.bulkUndo`: undoes the latest decision of each finding (a bulk
 * decision, as one step), all or none: one stale version, a finding of
 * another job, or a finding with nothing left to undo refuses the whole call
 * before anything is written. Each undo is a decision `undo` and a
 * `finding.undone` audit entry marked `bulk`, as `findings.undo`.
 */
export function bulkUndo(tx: Tx, jobId: JobId, findings: readonly { findingId: string; expectedVersion: number }[]): FindingVersion[] {
  if (new Set(findings.map((f) => f.findingId)).size !== findings.length) throw new ChittiError('INVALID_INPUT', 'A finding is named twice.');
  const rows = findings.map(({ findingId, expectedVersion }) => {
    const row = findingRow(tx.db, findingId);
    if (row.job_id !== jobId) throw new ChittiError('NOT_FOUND', `Finding ${findingId} is not one of job ${jobId}.`);
    checkVersion(tx.db, row, expectedVersion);
    return row;
  });
  // The whole call runs in the caller's transaction: a refusal midway (nothing left to undo) rolls back those already undone.
  return rows.map((row) => {
    const now = undoLatest(tx, row, { bulk: true });
    return { findingId: now.id, version: now.version };
  });
}

/** Restores the `before` of the finding's latest decision not already undone (the version was checked). */
function undoLatest(tx: Tx, row: FindingRow, extra: Record<string, unknown> = {}): Finding {
  const findingId = row.id;
  const decisions = tx.db.prepare('SELECT id, action, before FROM decisions WHERE finding_id = ? ORDER BY rowid').all(findingId) as
    Array<{ id: string; action: Action; before: string | null }>;
  const open: typeof decisions = [];
  for (const d of decisions) {
    if (d.action === 'undo') open.pop();
    else open.push(d);
  }
  const last = open.at(-1);
  if (!last) throw new ChittiError('CONFLICT', 'There is no decision on this finding left to undo.');
  if (last.action === 'add' || last.before === null) {
    throw new ChittiError('CONFLICT', 'This finding was added by a reviewer and its adding cannot be undone; reject it instead.');
  }
  return commit(tx, row, 'undo', JSON.parse(last.before) as FindingSnapshot, { undid: last.id, undidAction: last.action, ...extra });
}

/** The filter's conditions on findings `f` (each with its leading AND), and their parameters. */
function filterSql(filter: ReviewFilter): { sql: string; params: Record<string, unknown> } {
  const conditions: Array<[keyof ReviewFilter, string]> = [
    ['class', 'f.class = @class'], ['status', 'f.status = @status'], ['minScore', 'f.score >= @minScore'],
    ['maxScore', 'f.score <= @maxScore'], ['assetId', 'f.asset_id = @assetId'],
  ];
  let sql = '';
  const params: Record<string, unknown> = {};
  for (const [key, condition] of conditions) {
    if (filter[key] === undefined) continue;
    sql += ` AND ${condition}`;
    params[key] = filter[key];
  }
  return { sql, params };
}

/** The latest successful analysis of each image of job @jobId: (id, asset_id). */
const LATEST = `SELECT id, asset_id FROM (
    SELECT id, asset_id, row_number() OVER (PARTITION BY asset_id ORDER BY created_at DESC, rowid DESC) AS rn
    FROM analyses WHERE job_id = @jobId AND status = 'done') WHERE rn = 1`;

/**
 * The job's current findings, as SQL: those of each image's latest successful
 * analysis and those reviewers added, with the filter's conditions. For
 * pages (walked in score order along findings_by_job_score) and bulk.
 */
function currentFindings(jobId: JobId, filter: ReviewFilter): { where: string; params: Record<string, unknown> } {
  const { sql, params } = filterSql(filter);
  const where = `f.job_id = @jobId AND (f.analysis_id IS NULL OR f.analysis_id IN (SELECT id FROM (${LATEST})))${sql}`;
  return { where, params: { ...params, jobId } };
}

/**
 * How many of the job's current findings match `filter`, from indexes only:
 * the latest analyses' findings through findings_by_analysis (which covers
 * the filters), plus the reviewer-added ones (few) through its NULL range.
 */
function countCurrent(db: Db, jobId: JobId, filter: ReviewFilter): number {
  const { sql, params } = filterSql({ ...filter, assetId: undefined });
  const byAsset = filter.assetId !== undefined;
  const args = { ...params, jobId, ...(byAsset ? { assetId: filter.assetId } : {}) };
  const model = db.prepare(
    `WITH l AS MATERIALIZED (${LATEST}) SELECT count(*) AS n FROM l CROSS JOIN findings f ON f.analysis_id = l.id
     WHERE 1 = 1${byAsset ? ' AND l.asset_id = @assetId' : ''}${sql}`,
  ).get(args) as { n: number };
  // Unary + keeps SQLite on the analysis_id IS NULL range rather than walking the job's findings.
  const reviewer = db.prepare(
    `SELECT count(*) AS n FROM findings f WHERE f.analysis_id IS NULL AND +f.job_id = @jobId${byAsset ? ' AND +f.asset_id = @assetId' : ''}${sql}`,
  ).get(args) as { n: number };
  return model.n + reviewer.n;
}

/** The job's current findings counted per (asset, class, status), from indexes only (as countCurrent). */
function countsPerAsset(db: Db, jobId: JobId): Array<{ asset_id: string; class: string; status: FindingStatus; n: number }> {
  type Row = { asset_id: string; class: string; status: FindingStatus; n: number };
  const model = db.prepare(
    `WITH l AS MATERIALIZED (${LATEST}) SELECT l.asset_id, f.class, f.status, count(*) AS n FROM l CROSS JOIN findings f ON f.analysis_id = l.id
     GROUP BY l.id, f.status, f.class`,
  ).all({ jobId }) as Row[];
  const reviewer = db.prepare(
    `SELECT f.asset_id, f.class, f.status, count(*) AS n FROM findings f WHERE f.analysis_id IS NULL AND +f.job_id = @jobId GROUP BY f.asset_id, f.class, f.status`,
  ).all({ jobId }) as Row[];
  return [...model, ...reviewer];
}

const ORDER = {
  // rowid as the tie-break: findings_by_job_score gives the score order, so only equal scores are sorted.
  'score-desc': 'f.score DESC, f.rowid DESC',
  'score-asc': 'f.score ASC, f.rowid ASC',
} as const;

/**
 * `findings.query`: one page of the job's current findings, and how many match in all.
 * The `image` order walks the job's images in order, counting each one's
 * matches (an index range each) until the page is reached, then reads only
 * the findings of the images on the page: no sort of the whole job.
 */
export function queryFindings(
  db: Db, jobId: JobId, filter: ReviewFilter, sort: 'score-desc' | 'score-asc' | 'image', limit: number, offset: number,
): { findings: Finding[]; total: number } {
  const total = countCurrent(db, jobId, filter);
  if (sort !== 'image') {
    const { where, params } = currentFindings(jobId, filter);
    // The page's rowids first, from findings_by_job_score alone (it covers the filters), then only
    // those rows: rows skipped by the offset are never read from the table, so a page deep in a
    // 100,000-finding job (the findings list scrolled far) costs tens of ms rather than a second.
    const rows = db.prepare(
      `SELECT f.* FROM findings f WHERE f.rowid IN (SELECT f.rowid FROM findings f WHERE ${where} ORDER BY ${ORDER[sort]} LIMIT @limit OFFSET @offset)
       ORDER BY ${ORDER[sort]}`,
    ).all({ ...params, limit, offset }) as FindingRow[];
    return { findings: rows.map(toFinding), total };
  }
  const images = db.prepare(
    `SELECT a.id, (SELECT id FROM analyses WHERE asset_id = a.id AND status = 'done' ORDER BY created_at DESC, rowid DESC LIMIT 1) AS analysis
     FROM assets a WHERE a.job_id = ? ${filter.assetId !== undefined ? 'AND a.id = ?' : ''} ORDER BY a.created_at, a.id`,
  ).all(...[jobId, ...(filter.assetId !== undefined ? [filter.assetId] : [])]) as Array<{ id: string; analysis: string | null }>;
  const cond = filterSql({ ...filter, assetId: undefined });
  const mine = `f.asset_id = @asset AND (f.analysis_id IS NULL OR f.analysis_id = @analysis)${cond.sql}`;
  const count = db.prepare(`SELECT count(*) AS n FROM findings f WHERE ${mine}`);
  const page = db.prepare(`SELECT f.* FROM findings f WHERE ${mine} ORDER BY f.score DESC, f.rowid DESC LIMIT @limit OFFSET @offset`);
  const rows: FindingRow[] = [];
  let skip = offset;
  for (const image of images) {
    if (rows.length >= limit) break;
    const args = { ...cond.params, asset: image.id, analysis: image.analysis };
    const { n } = count.get(args) as { n: number };
    if (n <= skip) {
      skip -= n;
      continue;
    }
    rows.push(...(page.all({ ...args, limit: limit - rows.length, offset: skip }) as FindingRow[]));
    skip = 0;
  }
  return { findings: rows.map(toFinding), total };
}

/** `findings.bulk`: accepts or rejects the job's current proposed findings that match; returns each one decided, at its new version. */
export function bulkDecide(
  tx: Tx, input: { jobId: JobId; action: 'accept' | 'reject'; findingIds?: string[]; filter?: ReviewFilter; reason?: string },
): FindingVersion[] {
  const { where, params } = currentFindings(input.jobId, { ...input.filter, status: 'proposed' });
  const byId = input.findingIds ? ' AND f.id IN (SELECT value FROM json_each(@ids))' : '';
  const rows = tx.db.prepare(`SELECT f.* FROM findings f WHERE ${where}${byId} ORDER BY f.rowid`)
    .all({ ...params, ...(input.findingIds ? { ids: JSON.stringify(input.findingIds) } : {}) }) as FindingRow[];
  return rows.map((row) => {
    const after = decidedState(row, { action: input.action, ...(input.action === 'reject' && input.reason !== undefined ? { reason: input.reason } : {}) });
    const now = commit(tx, row, input.action, after, { bulk: true, ...(input.reason ? { reason: input.reason } : {}) });
    return { findingId: now.id, version: now.version };
  });
}

/** `jobs.review`: each image of the job, where it stands, and counts of its current findings. */
export function jobReview(db: Db, jobId: JobId): JobReview {
  const images = db.prepare(`SELECT id, original_name AS name FROM assets WHERE job_id = ? AND kind = 'image' ORDER BY created_at, id`).all(jobId) as
    Array<{ id: AssetId; name: string }>;
  const latest = (status: 'done' | 'failed') => db.prepare(
    `SELECT asset_id, id, model_id, error_code, message FROM (
       SELECT asset_id, id, model_id, error_code, message, row_number() OVER (PARTITION BY asset_id ORDER BY created_at DESC, rowid DESC) AS rn
       FROM analyses WHERE job_id = ? AND status = ?) WHERE rn = 1`,
  ).all(jobId, status) as Array<{ asset_id: string; id: string; model_id: string; error_code: FileErrorCode | null; message: string | null }>;
  const done = new Map(latest('done').map((r) => [r.asset_id, r]));
  const failed = new Map(latest('failed').map((r) => [r.asset_id, r]));
  const groups = countsPerAsset(db, jobId);

  const perAsset = new Map<string, StatusCounts>();
  const byClass: Record<string, StatusCounts> = {};
  const byStatus = zeroCounts();
  for (const g of groups) {
    const counts = perAsset.get(g.asset_id) ?? zeroCounts();
    perAsset.set(g.asset_id, counts);
    counts[g.status] += g.n;
    (byClass[g.class] ??= zeroCounts())[g.status] += g.n;
    byStatus[g.status] += g.n;
  }
  const byState: Record<ReviewState, number> = { 'not-analysed': 0, 'to-review': 0, reviewed: 0, failed: 0 };
  const assets = images.map((a): AssetReview => {
    const counts = perAsset.get(a.id) ?? zeroCounts();
    const analysis = done.get(a.id);
    const failure = analysis ? undefined : failed.get(a.id);
    const state: ReviewState = analysis ? (counts.proposed > 0 ? 'to-review' : 'reviewed') : failure ? 'failed' : 'not-analysed';
    byState[state]++;
    return {
      assetId: a.id, name: a.name, state,
      error: failure ? { code: failure.error_code!, message: failure.message ?? '' } : null,
      analysisId: analysis?.id ?? null, modelId: analysis?.model_id ?? failure?.model_id ?? null, counts,
    };
  });
  return { jobId, assets, totals: { byStatus, byClass: Object.fromEntries(Object.entries(byClass).sort(([a], [b]) => a.localeCompare(b))), byState } };
}

/** Thresholds 0.05, 0.10 … 0.95 (as k/20, so each is the nearest double to its decimal). */
export const CALIBRATION_THRESHOLDS = Array.from({ length: 19 }, (_, i) => (i + 1) / 20);
const SUGGEST_PRECISION = 0.9;
const SUGGEST_MIN_N = 10;

/**
 * `calibration.get`: per class the model proposed, precision among decided
 * findings scoring at least each threshold. `model` gives the installed
 * model's classes and thresholds (null: no longer installed).
 */
export function calibration(
  db: Db, modelId: string, model: { classes: readonly string[]; threshold: (cls: string) => number } | null,
): Calibration {
  const rows = db.prepare(
    `SELECT coalesce(f.model_class, f.class) AS cls, f.score, f.status FROM findings f JOIN analyses a ON a.id = f.analysis_id
     WHERE a.model_id = ? AND f.source = 'model'`,
  ).all(modelId) as Array<{ cls: string; score: number; status: FindingStatus }>;
  const overrides = thresholdOverrides(db, modelId);
  const byClass = new Map<string, typeof rows>();
  for (const c of model?.classes ?? []) byClass.set(c, []);
  for (const r of [...rows].sort((a, b) => a.cls.localeCompare(b.cls))) {
    const list = byClass.get(r.cls) ?? [];
    byClass.set(r.cls, list);
    list.push(r);
  }
  const classes = [...byClass].map(([cls, list]) => {
    const decided = list.filter((r) => r.status !== 'proposed');
    const points = CALIBRATION_THRESHOLDS.map((threshold) => {
      const over = decided.filter((r) => r.score >= threshold);
      const truePositives = over.filter((r) => r.status === 'accepted' || r.status === 'edited').length;
      return { threshold, n: over.length, truePositives, precision: over.length === 0 ? null : truePositives / over.length };
    });
    const suggested = points.find((p) => p.n >= SUGGEST_MIN_N && p.precision !== null && p.precision >= SUGGEST_PRECISION)?.threshold ?? null;
    return {
      class: cls, modelThreshold: model && model.classes.includes(cls) ? model.threshold(cls) : null, override: overrides[cls] ?? null,
      decided: decided.length, proposed: list.length - decided.length, points, suggested,
    };
  });
  return { modelId, classes };
}

/** A model's per-class threshold overrides. */
export function thresholdOverrides(db: Db, modelId: string): Record<string, number> {
  const rows = db.prepare('SELECT class, threshold FROM threshold_overrides WHERE model_id = ? ORDER BY class').all(modelId) as Array<{ class: string; threshold: number }>;
  return Object.fromEntries(rows.map((r) => [r.class, r.threshold]));
}

/** `thresholds.set`: sets or (null) removes one class's override, audited with old and new value. */
export function setThreshold(tx: Tx, modelId: string, cls: string, threshold: number | null): Record<string, number> {
  const old = (tx.db.prepare('SELECT threshold FROM threshold_overrides WHERE model_id = ? AND class = ?').get(modelId, cls) as { threshold: number } | undefined)?.threshold ?? null;
  if (old !== threshold) {
    if (threshold === null) {
      tx.db.prepare('DELETE FROM threshold_overrides WHERE model_id = ? AND class = ?').run(modelId, cls);
    } else {
      tx.db.prepare(
        `INSERT INTO threshold_overrides (model_id, class, threshold, set_by, set_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (model_id, class) DO UPDATE SET threshold = excluded.threshold, set_by = excluded.set_by, set_at = excluded.set_at`,
      ).run(modelId, cls, threshold, tx.actor, tx.now.toISOString());
    }
    tx.audit({ action: threshold === null ? 'threshold.removed' : 'threshold.set', entityType: 'model', entityId: modelId, data: { class: cls, old, new: threshold } });
    tx.emit('thresholds.changed', { modelId });
  }
  return thresholdOverrides(tx.db, modelId);
}
