import { z } from 'zod';
import { ErrorCodeSchema, FileErrorCodeSchema } from './errors.ts';
import { AnalysisIdSchema, AssetIdSchema, FindingIdSchema, JobIdSchema, TaskIdSchema } from './ids.ts';
import { PixelSpacingSchema } from './imaging.ts';

const IsoDateSchema = z.iso.date();
const IsoDateTimeSchema = z.iso.datetime({ offset: true });
const Text = (max: number) => z.string().trim().max(max);

const JobFieldShapes = {
  name: Text(200).min(1, 'a job needs a name'),
  client: Text(200),
  site: Text(200),
  component: Text(200),
  procedure: Text(200),
  inspector: Text(200),
  startDate: IsoDateSchema.nullable(),
  endDate: IsoDateSchema.nullable(),
};

/** Fields a person types when creating an inspection job; all but the name may be left out. */
export const JobFieldsSchema = z.object({
  ...JobFieldShapes,
  client: JobFieldShapes.client.default(''),
  site: JobFieldShapes.site.default(''),
  component: JobFieldShapes.component.default(''),
  procedure: JobFieldShapes.procedure.default(''),
  inspector: JobFieldShapes.inspector.default(''),
  startDate: JobFieldShapes.startDate.default(null),
  endDate: JobFieldShapes.endDate.default(null),
});
/** An edit: only the fields given change (no defaults, so nothing is reset by omission). */
export const JobChangesSchema = z.object(JobFieldShapes).partial();
export type JobFields = z.infer<typeof JobFieldsSchema>;

export const JobSchema = JobFieldsSchema.extend({
  id: JobIdSchema,
  assetCount: z.number().int().nonnegative(),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Job = z.infer<typeof JobSchema>;

export const AssetKindSchema = z.enum(['image', 'document']);
export const AssetStatusSchema = z.enum(['ready']);

export const AssetSchema = z.object({
  id: AssetIdSchema,
  jobId: JobIdSchema,
  kind: AssetKindSchema,
  mime: z.string(),
  size: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  originalName: z.string(),
  status: AssetStatusSchema,
  createdAt: IsoDateTimeSchema,
});
export type Asset = z.infer<typeof AssetSchema>;

/** What the viewer needs to know to show an image asset as a tile pyramid. */
export const ImageInfoSchema = z.object({
  assetId: AssetIdSchema,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** 1 = grey, 3 = RGB, 4 = RGBA (after decoding). */
  channels: z.number().int().min(1).max(4),
  /** 8 or 16 bits per sample as stored; tiles are always 8-bit for display. */
  bitsPerSample: z.union([z.literal(8), z.literal(16)]),
  /** Square tile edge in pixels, and the number of pyramid levels (level `levels-1` is full resolution). */
  tileSize: z.number().int().positive(),
  levels: z.number().int().positive(),
  /** How a 16-bit image is mapped to 8-bit for display by default (its automatic window, in its values; null for 8-bit images, shown as stored). */
  displayWindow: z.object({ low: z.number(), high: z.number() }).nullable(),
  /** Whether it is shown inverted by default (low values white: DICOM MONOCHROME1). */
  defaultInvert: z.boolean(),
  /** Millimetres per pixel for measurements, and where they come from (a calibration wins over the file); null: pixels only. */
  pixelSpacing: PixelSpacingSchema.nullable(),
  /** The file's own spacing (DICOM tags), shown even when a calibration overrides it. */
  filePixelSpacing: PixelSpacingSchema.nullable(),
});
export type ImageInfo = z.infer<typeof ImageInfoSchema>;

export const TaskKindSchema = z.enum(['import', 'detect', 'checklist']);
export const TaskStatusSchema = z.enum(['queued', 'running', 'cancelling', 'done', 'failed', 'cancelled']);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const TaskSchema = z.object({
  id: TaskIdSchema,
  kind: TaskKindSchema,
  jobId: JobIdSchema.nullable(),
  status: TaskStatusSchema,
  total: z.number().int().nonnegative(),
  processed: z.number().int().nonnegative(),
  imported: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  /** Detect tasks: images analysed (failed ones are counted in `failed`). */
  analysed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  error: z.string().nullable(),
  /** Why a `failed` task failed, e.g. MODEL_INTEGRITY (null otherwise). */
  errorCode: ErrorCodeSchema.nullable(),
  createdAt: IsoDateTimeSchema,
  finishedAt: IsoDateTimeSchema.nullable(),
});
export type Task = z.infer<typeof TaskSchema>;

export const TaskItemStatusSchema = z.enum(['pending', 'imported', 'duplicate', 'analysed', 'failed', 'cancelled']);
export type TaskItemStatus = z.infer<typeof TaskItemStatusSchema>;

export const TaskItemSchema = z.object({
  seq: z.number().int().nonnegative(),
  /** Imports: the path as the user gave it (or as found under a folder they gave). Detect tasks: the asset id. */
  source: z.string(),
  name: z.string(),
  status: TaskItemStatusSchema,
  assetId: AssetIdSchema.nullable(),
  errorCode: FileErrorCodeSchema.nullable(),
  /** Why it failed, or a remark on success (e.g. a PDF that was named .jpg). */
  message: z.string().nullable(),
});
export type TaskItem = z.infer<typeof TaskItemSchema>;

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

/** An installed detection or segmentation model, as its manifest describes it (no file paths). */
export const ModelSummarySchema = z.object({
  id: z.string(),
  version: z.string(),
  task: z.enum(['detect', 'segment']),
  title: z.string(),
  description: z.string(),
  classes: z.array(z.string()),
  /** 'built-in': shipped with Chitti; 'user': added to this workspace (`<workspace>/models`). */
  origin: z.enum(['built-in', 'user']),
  licence: z.string(),
  sha256: Sha256Schema,
  metrics: z.record(z.string(), z.unknown()),
  training: z.record(z.string(), z.unknown()),
  /** Model input [width, height] in pixels. */
  inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  tiling: z.object({ tile: z.number().int(), overlap: z.number().int(), above: z.number().int() }),
  /** Score a finding needs to be reported, unless `classThresholds` names its class. */
  scoreThreshold: z.number().min(0).max(1),
  classThresholds: z.record(z.string(), z.number().min(0).max(1)),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

/** A model folder that could not be used, and why. */
export const ModelProblemSchema = z.object({ dir: z.string(), message: z.string() });

export const AnalysisStatusSchema = z.enum(['done', 'failed']);

/** One run of a model on one image asset, by a detect task; `failed` ones say why. */
export const AnalysisSchema = z.object({
  id: AnalysisIdSchema,
  jobId: JobIdSchema,
  assetId: AssetIdSchema,
  taskId: TaskIdSchema,
  modelId: z.string(),
  modelVersion: z.string(),
  modelSha256: Sha256Schema,
  /**
   * The thresholds in force: `threshold` is the caller's override for every
   * class (null: the model's own); `overrides` are the reviewers' per-class
   * thresholds (`thresholds.set`) when the task started. A class needs
   * `threshold` ?? `overrides[class]` ?? `classThresholds[class]` ?? `scoreThreshold`.
   * Analyses made before overrides existed have no `overrides`.
   */
  settings: z.object({
    threshold: z.number().min(0).max(1).nullable(),
    scoreThreshold: z.number().min(0).max(1),
    classThresholds: z.record(z.string(), z.number().min(0).max(1)),
    overrides: z.record(z.string(), z.number().min(0).max(1)).optional(),
  }),
  status: AnalysisStatusSchema,
  errorCode: FileErrorCodeSchema.nullable(),
  message: z.string().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  /** The image's size in pixels (null when it could not be decoded). */
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  findingCount: z.number().int().nonnegative(),
  /** Findings per class, e.g. { crazing: 3 }. */
  classCounts: z.record(z.string(), z.number().int().nonnegative()),
  createdAt: IsoDateTimeSchema,
});
export type Analysis = z.infer<typeof AnalysisSchema>;

/**
 * Review state of a finding; a detect task writes `proposed`, a person decides
 * the rest: `accepted` (as proposed), `rejected` (a false alarm), `edited`
 * (accepted with a class or box other than the model's).
 */
export const FindingStatusSchema = z.enum(['proposed', 'accepted', 'rejected', 'edited']);
export type FindingStatus = z.infer<typeof FindingStatusSchema>;
/** `model`: proposed by a detect task; `reviewer`: drawn by a person (`findings.add`). */
export const FindingSourceSchema = z.enum(['model', 'reviewer']);

/** [x1, y1, x2, y2] in original-image pixels (x2, y2 exclusive edges). */
export const BoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
/** An outline, in image pixels. */
export const PolygonSchema = z.array(z.tuple([z.number(), z.number()]));

export const FindingSchema = z.object({
  id: FindingIdSchema,
  /** The analysis that proposed it; null for a finding a reviewer added. */
  analysisId: AnalysisIdSchema.nullable(),
  jobId: JobIdSchema,
  assetId: AssetIdSchema,
  class: z.string(),
  /** The model's score (kept when a reviewer edits); 1 for a finding a reviewer added. */
  score: z.number().min(0).max(1),
  box: BoxSchema,
  /** Segmentation models: the outline, in image pixels. */
  polygon: PolygonSchema.nullable(),
  status: FindingStatusSchema,
  createdAt: IsoDateTimeSchema,
  source: FindingSourceSchema,
  /** Starts at 1, +1 on every decision: pass it back as `expectedVersion`. */
  version: z.number().int().positive(),
  note: z.string().nullable(),
  /** Why it was rejected (status `rejected` only). */
  rejectReason: z.string().nullable(),
  /** Who last decided or changed it (accept, reject, edit, note, undo…), and when; null until then. */
  decidedBy: z.string().nullable(),
  decidedAt: IsoDateTimeSchema.nullable(),
  /** What the model proposed, kept when a reviewer changes class or box; null for a reviewer-added finding. */
  modelClass: z.string().nullable(),
  modelBox: BoxSchema.nullable(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** What a decision changed, before and after (`decisions.before` / `after`). */
export const FindingSnapshotSchema = z.object({
  status: FindingStatusSchema,
  class: z.string(),
  box: BoxSchema,
  polygon: PolygonSchema.nullable(),
  note: z.string().nullable(),
  rejectReason: z.string().nullable(),
});
export type FindingSnapshot = z.infer<typeof FindingSnapshotSchema>;

/** Findings per review status. */
export const StatusCountsSchema = z.object({
  proposed: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  edited: z.number().int().nonnegative(),
});
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

/**
 * Where an image stands in review: `not-analysed` (no analysis yet),
 * `failed` (never analysed successfully; `error` says why), `to-review` (its
 * current findings include proposed ones), `reviewed` (none left proposed,
 * including an analysed image with no findings).
 */
export const ReviewStateSchema = z.enum(['not-analysed', 'to-review', 'reviewed', 'failed']);
export type ReviewState = z.infer<typeof ReviewStateSchema>;

/** One image of a job in review (`jobs.review`); counts cover its current findings. */
export const AssetReviewSchema = z.object({
  assetId: AssetIdSchema,
  name: z.string(),
  state: ReviewStateSchema,
  error: z.object({ code: FileErrorCodeSchema, message: z.string() }).nullable(),
  /** The latest successful analysis (whose findings are current), or null. */
  analysisId: AnalysisIdSchema.nullable(),
  modelId: z.string().nullable(),
  counts: StatusCountsSchema,
});
export type AssetReview = z.infer<typeof AssetReviewSchema>;

export const JobReviewSchema = z.object({
  jobId: JobIdSchema,
  /** The job's image assets, in the order `assets.list` gives them. */
  assets: z.array(AssetReviewSchema),
  totals: z.object({
    byStatus: StatusCountsSchema,
    /** class → counts per status. */
    byClass: z.record(z.string(), StatusCountsSchema),
    byState: z.record(ReviewStateSchema, z.number().int().nonnegative()),
  }),
});
export type JobReview = z.infer<typeof JobReviewSchema>;

/** Precision of one class at one threshold, among decided findings scoring at least `threshold`. */
export const CalibrationPointSchema = z.object({
  threshold: z.number(),
  /** Decided (accepted, edited or rejected) findings scoring ≥ threshold. */
  n: z.number().int().nonnegative(),
  /** Of those, accepted or edited. */
  truePositives: z.number().int().nonnegative(),
  /** truePositives / n; null when n is 0. */
  precision: z.number().min(0).max(1).nullable(),
});

export const ClassCalibrationSchema = z.object({
  class: z.string(),
  /** The model's own threshold for this class (null: the model is no longer installed). */
  modelThreshold: z.number().min(0).max(1).nullable(),
  /** A reviewer's override (`thresholds.set`), or null. */
  override: z.number().min(0).max(1).nullable(),
  decided: z.number().int().nonnegative(),
  proposed: z.number().int().nonnegative(),
  /** Thresholds 0.05, 0.10 … 0.95. */
  points: z.array(CalibrationPointSchema),
  /** The lowest threshold with precision ≥ 0.9 over at least 10 decided findings, else null. */
  suggested: z.number().nullable(),
});
export const CalibrationSchema = z.object({ modelId: z.string(), classes: z.array(ClassCalibrationSchema) });
export type Calibration = z.infer<typeof CalibrationSchema>;

export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: IsoDateTimeSchema,
  actor: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  data: z.unknown(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditProblemSchema = z.object({
  seq: z.number().int(),
  kind: z.enum(['edited', 'inserted', 'deleted', 'truncated', 'anchor-invalid']),
  message: z.string(),
});
export const AuditReportSchema = z.object({
  ok: z.boolean(),
  entries: z.number().int().nonnegative(),
  headHash: z.string().nullable(),
  anchored: z.boolean(),
  problems: z.array(AuditProblemSchema),
});
export type AuditReport = z.infer<typeof AuditReportSchema>;
