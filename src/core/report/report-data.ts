import type { FindingStatus, JobId } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { AuditService } from '../audit/service.ts';
import type { Db } from '../db/open.ts';
import { getJob } from '../domain/jobs.ts';
import type { ModelCatalog } from '../inference/catalog.ts';
import type { ImageAsset } from '../media/media-service.ts';

/**
 * Everything an inspection report says, gathered once from the database, the
 * originals' headers, the installed models and the audit trail. The PDF, JSON
 * and CSV exports are renderings of this one object, so they cannot disagree.
 *
 * What the report covers: a job's findings are those of the latest successful
 * analysis of each image plus the ones reviewers added. Accepted and edited
 * (accepted with changes) findings are the report's findings; rejected ones
 * are kept for the record (an appendix); proposed ones, not yet decided, are
 * only counted.
 */
export const REPORT_FORMAT = 'chitti.inspection-report';
export const REPORT_FORMAT_VERSION = 1;

export type Box = [number, number, number, number];
export type Decision = Exclude<FindingStatus, 'proposed'>;

export interface ReportFinding {
  id: string;
  /** Short reference used on the image and in the tables: `<image number>.<n>` for kept findings, `<image number>.R<n>` for rejected ones. */
  ref: string;
  class: string;
  source: 'model' | 'reviewer';
  /** The model's score; null for a finding a reviewer drew. */
  score: number | null;
  /** [x1, y1, x2, y2] in image pixels. */
  box: Box;
  polygon: Array<[number, number]> | null;
  status: Decision;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
  rejectReason: string | null;
  /** What the model proposed, when a reviewer changed its class or box. */
  proposed: { class: string; box: Box } | null;
}

export interface ReportImage {
  /** 1-based, in the job's order; the `<n>` of finding refs. */
  number: number;
  assetId: string;
  name: string;
  mime: string;
  sha256: string;
  fileBytes: number;
  /** Displayed size and bit depth; null when the image cannot be read. */
  width: number | null;
  height: number | null;
  bitsPerSample: 8 | 16 | null;
  state: 'analysed' | 'failed' | 'not-analysed';
  /** Why the latest analysis failed, or why the image cannot be read. */
  problem: string | null;
  analysis: { id: string; modelId: string; modelVersion: string; modelSha256: string; at: string; threshold: number | null } | null;
  /** Accepted and edited findings, in reading order (top to bottom, left to right). */
  findings: ReportFinding[];
  rejected: ReportFinding[];
  /** Findings still waiting for a decision. */
  proposed: number;
}

export interface ReportModel {
  id: string;
  version: string;
  sha256: string;
  /** How many images of the report its analyses cover. */
  images: number;
  /** From the installed manifest; null when that model is no longer installed, or only another file with this id is. */
  installed: null | {
    title: string;
    task: 'detect' | 'segment';
    classes: string[];
    licence: string;
    trainingData: string | null;
    metrics: Record<string, unknown>;
  };
  /** Why `installed` is null. */
  notInstalled: string | null;
}

export interface DecisionCounts {
  accepted: number;
  edited: number;
  rejected: number;
  proposed: number;
}

export interface ReportData {
  format: typeof REPORT_FORMAT;
  formatVersion: typeof REPORT_FORMAT_VERSION;
  generatedAt: string;
  generatedBy: string;
  chittiVersion: string;
  job: {
    id: string; name: string; client: string; site: string; component: string; procedure: string; inspector: string;
    startDate: string | null; endDate: string | null; createdAt: string;
  };
  images: ReportImage[];
  documents: Array<{ assetId: string; name: string; mime: string; fileBytes: number }>;
  models: ReportModel[];
  summary: {
    byClass: Array<{ class: string } & DecisionCounts>;
    totals: DecisionCounts;
    images: { total: number; analysed: number; failed: number; notAnalysed: number; withFindings: number };
  };
  audit: { headHash: string | null; headSeq: number | null; entries: number; intact: boolean; problems: number };
}

export interface ReportSources {
  db: Db;
  media: { describe(asset: ImageAsset): Promise<{ width: number; height: number; bitsPerSample: 8 | 16 }> };
  catalog: Pick<ModelCatalog, 'get'>;
  audit: Pick<AuditService, 'verify'>;
  actor: () => string;
  clock: () => Date;
  version: string;
}

interface AssetRow { id: string; kind: 'image' | 'document'; mime: string; size: number; sha256: string; original_name: string }
interface AnalysisRow {
  id: string; asset_id: string; model_id: string; model_version: string; model_sha256: string; settings: string;
  status: 'done' | 'failed'; message: string | null; created_at: string;
}
interface FindingRow {
  id: string; asset_id: string; class: string; score: number; x1: number; y1: number; x2: number; y2: number; polygon: string | null;
  status: FindingStatus; source: 'model' | 'reviewer'; note: string | null; reject_reason: string | null;
  decided_by: string | null; decided_at: string | null; model_class: string | null; model_box: string | null;
}

/** Each asset's latest analysis with the given status (the order `findings.list` uses). */
const LATEST = (status: 'done' | 'failed') => `
  SELECT a.* FROM analyses a
  WHERE a.job_id = @jobId AND a.status = '${status}' AND a.rowid = (
    SELECT b.rowid FROM analyses b WHERE b.asset_id = a.asset_id AND b.status = '${status}' ORDER BY b.created_at DESC, b.rowid DESC LIMIT 1
  )`;

const FINDINGS = `
  WITH latest AS (${LATEST('done')})
  SELECT f.* FROM findings f
  WHERE f.job_id = @jobId AND (f.source = 'reviewer' OR f.analysis_id IN (SELECT id FROM latest))`;

const sameBox = (a: Box, b: Box) => a.every((v, i) => Math.abs(v - b[i]!) < 1e-6);
const emptyCounts = (): DecisionCounts => ({ accepted: 0, edited: 0, rejected: 0, proposed: 0 });

function parseBox(json: string | null): Box | null {
  if (json === null) return null;
  const v = JSON.parse(json) as unknown;
  return Array.isArray(v) && v.length === 4 && v.every((n) => typeof n === 'number') ? (v as Box) : null;
}

/** Top to bottom, then left to right, as a person reads the image. */
const readingOrder = (a: FindingRow, b: FindingRow) => a.y1 - b.y1 || a.x1 - b.x1 || a.id.localeCompare(b.id);

function toFinding(r: FindingRow, ref: string): ReportFinding {
  const box: Box = [r.x1, r.y1, r.x2, r.y2];
  const modelBox = parseBox(r.model_box);
  const changed = r.source === 'model' && r.model_class !== null && modelBox !== null && (r.model_class !== r.class || !sameBox(modelBox, box));
  return {
    id: r.id, ref, class: r.class, source: r.source, score: r.source === 'model' ? r.score : null, box,
    polygon: r.polygon === null ? null : (JSON.parse(r.polygon) as Array<[number, number]>),
    status: r.status as Decision, decidedBy: r.decided_by, decidedAt: r.decided_at, note: r.note, rejectReason: r.reject_reason,
    proposed: changed ? { class: r.model_class!, box: modelBox } : null,
  };
}

function thresholdOf(settings: string): number | null {
  try {
    const s = JSON.parse(settings) as { threshold?: unknown };
    return typeof s.threshold === 'number' ? s.threshold : null;
  } catch {
    return null;
  }
}

async function modelEntry(catalog: ReportSources['catalog'], id: string, version: string, sha256: string, images: number): Promise<ReportModel> {
  const base = { id, version, sha256, images };
  let installed;
  try {
    installed = await catalog.get(id);
  } catch (e) {
    if (!(e instanceof ChittiError)) throw e;
    return { ...base, installed: null, notInstalled: 'This model is no longer installed: its manifest (metrics, training data) is not available.' };
  }
  const m = installed.manifest;
  if (m.sha256 !== sha256) {
    return { ...base, installed: null, notInstalled: `The model installed under this id now is another file (version ${m.version}, sha256 ${m.sha256.slice(0, 12)}…): its metrics do not apply.` };
  }
  const data = (m.training as { data?: unknown }).data;
  return {
    ...base,
    installed: { title: m.title, task: m.task, classes: m.classes, licence: m.licence, trainingData: typeof data === 'string' ? data : null, metrics: m.metrics },
    notInstalled: null,
  };
}

/** Gathers the report of a job; NOT_FOUND for an unknown job. */
export async function buildReportData(src: ReportSources, jobId: JobId): Promise<ReportData> {
  const { db } = src;
  const job = getJob(db, jobId);
  const generatedAt = src.clock().toISOString();

  // One read transaction: the rows below are one consistent state even while a review goes on.
  const { assets, done, failed, findings } = db.transaction(() => ({
    assets: db.prepare('SELECT id, kind, mime, size, sha256, original_name FROM assets WHERE job_id = ? ORDER BY created_at, id').all(jobId) as AssetRow[],
    done: db.prepare(LATEST('done')).all({ jobId }) as AnalysisRow[],
    failed: db.prepare(LATEST('failed')).all({ jobId }) as AnalysisRow[],
    findings: db.prepare(FINDINGS).all({ jobId }) as FindingRow[],
  }))();

  const doneBy = new Map(done.map((a) => [a.asset_id, a]));
  const failedBy = new Map(failed.map((a) => [a.asset_id, a]));
  const findingsBy = new Map<string, FindingRow[]>();
  for (const f of findings) findingsBy.set(f.asset_id, [...(findingsBy.get(f.asset_id) ?? []), f]);

  const images: ReportImage[] = [];
  let number = 0;
  for (const a of assets) {
    if (a.kind !== 'image') continue;
    number++;
    let size: { width: number; height: number; bitsPerSample: 8 | 16 } | null = null;
    let problem: string | null = null;
    try {
      size = await src.media.describe({ id: a.id, kind: a.kind, mime: a.mime, sha256: a.sha256, size: a.size });
    } catch (e) {
      if (!(e instanceof ChittiError)) throw e;
      problem = e.message;
    }
    const analysis = doneBy.get(a.id);
    const failure = analysis ? undefined : failedBy.get(a.id);
    const rows = (findingsBy.get(a.id) ?? []).sort(readingOrder);
    const kept = rows.filter((r) => r.status === 'accepted' || r.status === 'edited');
    const rejected = rows.filter((r) => r.status === 'rejected');
    images.push({
      number, assetId: a.id, name: a.original_name, mime: a.mime, sha256: a.sha256, fileBytes: a.size,
      width: size?.width ?? null, height: size?.height ?? null, bitsPerSample: size?.bitsPerSample ?? null,
      state: analysis ? 'analysed' : failure ? 'failed' : 'not-analysed',
      problem: failure ? failure.message ?? 'The analysis failed.' : problem,
      analysis: analysis
        ? { id: analysis.id, modelId: analysis.model_id, modelVersion: analysis.model_version, modelSha256: analysis.model_sha256, at: analysis.created_at, threshold: thresholdOf(analysis.settings) }
        : null,
      findings: kept.map((r, i) => toFinding(r, `${number}.${i + 1}`)),
      rejected: rejected.map((r, i) => toFinding(r, `${number}.R${i + 1}`)),
      proposed: rows.filter((r) => r.status === 'proposed').length,
    });
  }

  const modelKeys = new Map<string, { id: string; version: string; sha256: string; images: number }>();
  for (const img of images) {
    if (!img.analysis) continue;
    const { modelId, modelVersion, modelSha256 } = img.analysis;
    const key = `${modelId}\n${modelVersion}\n${modelSha256}`;
    const entry = modelKeys.get(key) ?? { id: modelId, version: modelVersion, sha256: modelSha256, images: 0 };
    entry.images++;
    modelKeys.set(key, entry);
  }
  const models = await Promise.all([...modelKeys.values()].map((m) => modelEntry(src.catalog, m.id, m.version, m.sha256, m.images)));

  // Classes in the models' own order, then any other (a reviewer's class) by name.
  const classOrder = [...new Set(models.flatMap((m) => m.installed?.classes ?? []))];
  const byClass = new Map<string, DecisionCounts>();
  const totals = emptyCounts();
  for (const f of findings) {
    const counts = byClass.get(f.class) ?? emptyCounts();
    counts[f.status]++;
    totals[f.status]++;
    byClass.set(f.class, counts);
  }
  const rank = (c: string) => (classOrder.includes(c) ? classOrder.indexOf(c) : classOrder.length);
  const classes = [...byClass.keys()].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

  const audit = await src.audit.verify();
  const head = audit.headHash === null ? undefined : (db.prepare('SELECT seq FROM audit_log WHERE hash = ?').get(audit.headHash) as { seq: number } | undefined);
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    generatedAt,
    generatedBy: src.actor(),
    chittiVersion: src.version,
    job: {
      id: job.id, name: job.name, client: job.client, site: job.site, component: job.component, procedure: job.procedure,
      inspector: job.inspector, startDate: job.startDate, endDate: job.endDate, createdAt: job.createdAt,
    },
    images,
    documents: assets.filter((a) => a.kind === 'document').map((a) => ({ assetId: a.id, name: a.original_name, mime: a.mime, fileBytes: a.size })),
    models,
    summary: {
      byClass: classes.map((c) => ({ class: c, ...byClass.get(c)! })),
      totals,
      images: {
        total: images.length,
        analysed: images.filter((i) => i.state === 'analysed').length,
        failed: images.filter((i) => i.state === 'failed').length,
        notAnalysed: images.filter((i) => i.state === 'not-analysed').length,
        withFindings: images.filter((i) => i.findings.length > 0).length,
      },
    },
    audit: {
      headHash: audit.headHash,
      headSeq: head?.seq ?? null,
      entries: audit.entries,
      intact: audit.ok,
      problems: audit.problems.length,
    },
  };
}
