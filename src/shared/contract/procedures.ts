import { z } from 'zod';
import {
  AssetSchema, AuditEntrySchema, AuditReportSchema, ImageInfoSchema, JobChangesSchema, JobFieldsSchema, JobSchema,
  TaskItemSchema, TaskItemStatusSchema, TaskSchema,
} from './domain.ts';
import { AssetIdSchema, JobIdSchema, TaskIdSchema } from './ids.ts';

const define = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
const Empty = z.object({}).strict();
const Page = { limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) };

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
