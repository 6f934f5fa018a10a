import { z } from 'zod';
import {
  AnalysisSchema, AssetSchema, AuditEntrySchema, AuditReportSchema, BoxSchema, CalibrationSchema, FindingSchema, FindingStatusSchema, ImageInfoSchema,
  JobChangesSchema, JobFieldsSchema, JobReviewSchema, JobSchema, ModelProblemSchema, ModelSummarySchema, PolygonSchema, TaskItemSchema, TaskItemStatusSchema, TaskSchema,
} from './domain.ts';
import { documentProcedures } from './documents.ts';
import { AssetIdSchema, FindingIdSchema, JobIdSchema, TaskIdSchema } from './ids.ts';
import { imagingProcedures } from './imaging.ts';

const define = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
const Empty = z.object({}).strict();
const Page = { limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) };
const ModelIdSchema = z.string().min(1).max(64);
const ClassNameSchema = z.string().trim().min(1).max(64);
const Score = z.number().min(0).max(1);
/** A box a person draws: finite, x1 < x2 and y1 < y2, not left of or above the image. */
const DrawnBoxSchema = BoxSchema.refine(
  ([x1, y1, x2, y2]) => [x1, y1, x2, y2].every(Number.isFinite) && x1 >= 0 && y1 >= 0 && x2 > x1 && y2 > y1,
  'expected [x1, y1, x2, y2] with 0 ≤ x1 < x2 and 0 ≤ y1 < y2',
);
const DrawnPolygonSchema = PolygonSchema.min(3).max(10_000);
/** A finding and its version after a bulk decision (or its undo). */
const FindingVersionSchema = z.object({ findingId: FindingIdSchema, version: z.number().int().positive() });
const ReviewFilter = {
  class: z.string().optional(),
  status: FindingStatusSchema.optional(),
  minScore: Score.optional(),
  maxScore: Score.optional(),
  assetId: AssetIdSchema.optional(),
};

/**
 * Every call that crosses a process boundary, declared once. Names are
 * `domain.verb`. Inputs are strict objects: an unknown key is a mistake by the
 * caller and is rejected rather than silently dropped.
 */
export const procedures = {
  'app.info': define(
    Empty,
    z.object({
      version: z.string(),
      schemaVersion: z.number().int(),
      dataDir: z.string(),
      keyMethod: z.string(),
    }),
  ),

  'jobs.create': define(JobFieldsSchema.strict(), JobSchema),
  'jobs.list': define(z.object(Page).strict(), z.object({ jobs: z.array(JobSchema), total: z.number().int() })),
  'jobs.get': define(z.object({ jobId: JobIdSchema }).strict(), JobSchema),
  'jobs.update': define(
    z.object({ jobId: JobIdSchema, changes: JobChangesSchema.strict() }).strict(),
    JobSchema,
  ),

  'assets.list': define(
    z.object({ jobId: JobIdSchema, ...Page }).strict(),
    z.object({ assets: z.array(AssetSchema), total: z.number().int() }),
  ),
  'assets.import': define(
    z.object({
      jobId: JobIdSchema,
      paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
    }).strict(),
    TaskSchema,
  ),

  'assets.get': define(z.object({ assetId: AssetIdSchema }).strict(), AssetSchema),
  /** Decodes the image once (cached) and says how to tile it; NOT_AN_IMAGE for documents, IMAGE_UNREADABLE for corrupt or oversized ones. */
  'assets.imageInfo': define(z.object({ assetId: AssetIdSchema }).strict(), ImageInfoSchema),
  /**
   * Starts an import whose bytes arrive over the transport (a browser cannot
   * give paths): one task item per declared file, in order; each file's bytes
   * are then sent to the transport's upload route for (taskId, seq).
   */
  'uploads.begin': define(
    z.object({
      jobId: JobIdSchema,
      files: z.array(z.object({ name: z.string().min(1).max(1024), size: z.number().int().nonnegative() }).strict()).min(1).max(10_000),
    }).strict(),
    TaskSchema,
  ),

  'tasks.get': define(z.object({ taskId: TaskIdSchema }).strict(), TaskSchema),
  'tasks.list': define(
    z.object({ active: z.boolean().default(false), ...Page }).strict(),
    z.object({ tasks: z.array(TaskSchema) }),
  ),
  'tasks.items': define(
    z.object({ taskId: TaskIdSchema, status: TaskItemStatusSchema.optional(), ...Page }).strict(),
    z.object({ items: z.array(TaskItemSchema), total: z.number().int() }),
  ),
  'tasks.cancel': define(z.object({ taskId: TaskIdSchema }).strict(), TaskSchema),
  /** Picks up tasks left unfinished by a process that stopped (or was killed) mid-way. */
  'tasks.resume': define(
    z.object({ taskId: TaskIdSchema.optional() }).strict(),
    z.object({ resumed: z.array(TaskIdSchema) }),
  ),

  /** Installed models, and model folders that could not be used (with why). */
  'models.list': define(Empty, z.object({ models: z.array(ModelSummarySchema), problems: z.array(ModelProblemSchema) })),
  'models.get': define(z.object({ id: ModelIdSchema }).strict(), ModelSummarySchema),

  /**
   * Starts a detect task: runs a model (default: the first detection model)
   * on the job's image assets, or on `assetIds` (assets of that job), storing
   * each image's analysis and its proposed findings. The model is checked
   * first (MODEL_NOT_FOUND, MODEL_INVALID).
   */
  'detect.start': define(
    z.object({
      jobId: JobIdSchema,
      modelId: ModelIdSchema.optional(),
      /** One score threshold for every class, instead of the model's own. */
      threshold: z.number().min(0).max(1).optional(),
      assetIds: z.array(AssetIdSchema).min(1).max(100_000).optional(),
    }).strict(),
    TaskSchema,
  ),
  /** Analyses, newest first, of a job, an asset or a task (filters combine; none: all). */
  'analyses.list': define(
    z.object({ jobId: JobIdSchema.optional(), assetId: AssetIdSchema.optional(), taskId: TaskIdSchema.optional(), ...Page }).strict(),
    z.object({ analyses: z.array(AnalysisSchema), total: z.number().int() }),
  ),
  /**
   * An asset's current findings: those of its latest successful analysis
   * (`analysis`, null when it has none) and those reviewers added to it,
   * highest score first (reviewer-added ones score 1).
   */
  'findings.list': define(
    z.object({ assetId: AssetIdSchema }).strict(),
    z.object({ analysis: AnalysisSchema.nullable(), findings: z.array(FindingSchema) }),
  ),
  /**
   * A reviewer's decision on one finding; returns it as it now is. Every
   * decision writes a `decisions` row (before/after), the finding (version + 1,
   * decidedBy, decidedAt), an audit entry (`finding.accepted|rejected|edited|
   * reclassified|noted`, with before/after) and a `finding.changed` event, in
   * one transaction. CONFLICT, changing nothing, when the finding's version is
   * not `expectedVersion` (someone changed it since it was loaded; the message
   * says who and when): reload and decide again.
   * - `accept`: status `accepted` (`edited` if its class or box differ from the model's); clears rejectReason.
   * - `reject`: status `rejected`, `reason` (optional) kept as rejectReason.
   * - `edit`: a new `box` and/or `polygon` (a polygon alone sets the box to its bounds; a box alone drops the
   *   old outline), optionally a `class`; accepts it: `edited` unless class and box equal the model's.
   * - `reclass`: a new `class` (required); accepts it as for edit.
   * - `note`: sets `note` ('' clears it); the status is unchanged.
   * `note` may come with any action; `reason` only with reject, `box`/`polygon` only with edit,
   * `class` only with edit and reclass (INVALID_INPUT otherwise). Boxes must lie within the image.
   */
  'findings.decide': define(
    z.object({
      findingId: FindingIdSchema,
      expectedVersion: z.number().int().positive(),
      action: z.enum(['accept', 'reject', 'edit', 'reclass', 'note']),
      reason: z.string().trim().max(1000).optional(),
      box: DrawnBoxSchema.optional(),
      polygon: DrawnPolygonSchema.optional(),
      class: ClassNameSchema.optional(),
      note: z.string().trim().max(4000).optional(),
    }).strict(),
    FindingSchema,
  ),
  /**
   * A finding the model missed, drawn by a reviewer on an image asset: source
   * `reviewer`, status `accepted`, score 1, no analysis. Audited
   * (`finding.added`), a decision `add`, event `finding.changed`.
   */
  'findings.add': define(
    z.object({
      assetId: AssetIdSchema,
      class: ClassNameSchema,
      box: DrawnBoxSchema,
      polygon: DrawnPolygonSchema.optional(),
      note: z.string().trim().max(4000).optional(),
    }).strict(),
    FindingSchema,
  ),
  /**
   * Undoes the latest decision on the finding not already undone (repeated
   * undos walk back through its decisions): restores that decision's `before`
   * as a new decision `undo` (audited `finding.undone`, version + 1). CONFLICT
   * on a stale `expectedVersion`, when there is nothing left to undo, or when
   * that decision is the `add` of a reviewer's finding (reject it instead).
   */
  'findings.undo': define(
    z.object({ findingId: FindingIdSchema, expectedVersion: z.number().int().positive() }).strict(),
    FindingSchema,
  ),
  /**
   * Accepts or rejects many current findings of a job at once: `findingIds`,
   * or those matching `filter` (as `findings.query`), or both (both must
   * hold). Only `proposed` ones are decided, the rest are skipped; all in one
   * transaction, each with its own decision, audit entry and event, as
   * `findings.decide`. Returns how many were decided, and each one at its
   * new version (what `findings.bulkUndo` takes to undo them as one step).
   */
  'findings.bulk': define(
    z.object({
      jobId: JobIdSchema,
      action: z.enum(['accept', 'reject']),
      findingIds: z.array(FindingIdSchema).min(1).max(100_000).optional(),
      filter: z.object(ReviewFilter).strict().optional(),
      reason: z.string().trim().max(1000).optional(),
    }).strict().refine((i) => i.findingIds !== undefined || i.filter !== undefined, 'give findingIds, a filter, or both'),
    z.object({ count: z.number().int().nonnegative(), decided: z.array(FindingVersionSchema) }),
  ),
  /**
   * Undoes a bulk decision as one step: the latest decision of each finding
   * (of job `jobId`), each at `expectedVersion` (as `findings.bulk` returned
   * them), restoring that decision's `before` as for `findings.undo`. All or
   * none, in one transaction: CONFLICT, changing nothing, when any one of them
   * changed since or has nothing left to undo. Each undo is audited
   * `finding.undone` (marked `bulk`) with its event. Returns each one at its new version.
   */
  'findings.bulkUndo': define(
    z.object({
      jobId: JobIdSchema,
      findings: z.array(z.object({ findingId: FindingIdSchema, expectedVersion: z.number().int().positive() }).strict()).min(1).max(100_000),
    }).strict(),
    z.object({ count: z.number().int().nonnegative(), undone: z.array(FindingVersionSchema) }),
  ),
  /**
   * A job's current findings (of each image's latest successful analysis,
   * plus those reviewers added), filtered and paged: `score-desc` (default)
   * and `score-asc` order by score, `image` by image (in `assets.list` order),
   * then highest score first. `total` counts every match.
   */
  'findings.query': define(
    z.object({
      jobId: JobIdSchema,
      ...ReviewFilter,
      sort: z.enum(['score-asc', 'score-desc', 'image']).default('score-desc'),
      ...Page,
    }).strict(),
    z.object({ findings: z.array(FindingSchema), total: z.number().int() }),
  ),
  /** Review overview of a job: each image's state and counts, and totals by status, class×status and state. */
  'jobs.review': define(z.object({ jobId: JobIdSchema }).strict(), JobReviewSchema),
  /**
   * How precise a model has been, per class (the class it proposed), from
   * reviewers' decisions over every job: accepted and edited findings count
   * as right, rejected ones as wrong, proposed ones are left out.
   */
  'calibration.get': define(z.object({ modelId: ModelIdSchema }).strict(), CalibrationSchema),
  /**
   * Sets (or, with null, removes) a reviewer's score threshold for one class
   * of an installed model; detect tasks started afterwards use it (an explicit
   * `detect.start` threshold still wins). Audited `threshold.set` /
   * `threshold.removed` with old and new value. Returns the model's overrides.
   */
  'thresholds.set': define(
    z.object({ modelId: ModelIdSchema, class: ClassNameSchema, threshold: Score.nullable() }).strict(),
    z.object({ modelId: z.string(), overrides: z.record(z.string(), Score) }),
  ),

  'audit.list': define(
    z.object({ entityId: z.string().optional(), ...Page }).strict(),
    z.object({ entries: z.array(AuditEntrySchema) }),
  ),
  'audit.verify': define(Empty, AuditReportSchema),

  ...documentProcedures,
  ...imagingProcedures,
} as const;

export type Procedures = typeof procedures;
export type ProcedureName = keyof Procedures;
export type ProcedureInput<N extends ProcedureName> = z.input<Procedures[N]['input']>;
export type ProcedureParsedInput<N extends ProcedureName> = z.output<Procedures[N]['input']>;
export type ProcedureOutput<N extends ProcedureName> = z.output<Procedures[N]['output']>;

export const PROCEDURE_NAMES = Object.keys(procedures) as ProcedureName[];
export const isProcedureName = (name: string): name is ProcedureName =>
  Object.prototype.hasOwnProperty.call(procedures, name);
