import { z } from 'zod';
import {
  AnalysisSchema, AssetSchema, AuditEntrySchema, AuditReportSchema, FindingSchema, ImageInfoSchema, JobChangesSchema, JobFieldsSchema, JobSchema,
  ModelProblemSchema, ModelSummarySchema, TaskItemSchema, TaskItemStatusSchema, TaskSchema,
} from './domain.ts';
import { AssetIdSchema, JobIdSchema, TaskIdSchema } from './ids.ts';

const define = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
const Empty = z.object({}).strict();
const Page = { limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) };
const ModelIdSchema = z.string().min(1).max(64);

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
  /** The findings of an asset's latest successful analysis (null and [] when it has none), highest score first. */
  'findings.list': define(
    z.object({ assetId: AssetIdSchema }).strict(),
    z.object({ analysis: AnalysisSchema.nullable(), findings: z.array(FindingSchema) }),
  ),

  'audit.list': define(
    z.object({ entityId: z.string().optional(), ...Page }).strict(),
    z.object({ entries: z.array(AuditEntrySchema) }),
  ),
  'audit.verify': define(Empty, AuditReportSchema),
} as const;

export type Procedures = typeof procedures;
export type ProcedureName = keyof Procedures;
export type ProcedureInput<N extends ProcedureName> = z.input<Procedures[N]['input']>;
export type ProcedureParsedInput<N extends ProcedureName> = z.output<Procedures[N]['input']>;
export type ProcedureOutput<N extends ProcedureName> = z.output<Procedures[N]['output']>;

export const PROCEDURE_NAMES = Object.keys(procedures) as ProcedureName[];
export const isProcedureName = (name: string): name is ProcedureName =>
  Object.prototype.hasOwnProperty.call(procedures, name);
