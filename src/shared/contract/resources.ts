import { z } from 'zod';
import { AssetIdSchema, JobIdSchema, TaskIdSchema } from './ids.ts';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Forms of an inspection report: the document, or its data. */
export const ReportFormatSchema = z.enum(['pdf', 'json', 'csv']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

/**
 * Binary resources (images) fetched by GET. Parameters arrive as URL query
 * strings, hence the coercion; each resolves only ids of the content store,
 * never paths. HTTP: `GET /res/<name>?<params>` with the bearer token;
 * Electron: `chitti://res/<name>?<params>` through the app's own protocol.
 */
export const resources = {
  /** A JPEG preview that fits in `size`×`size`, for asset grids. */
  'asset.thumbnail': z.object({ assetId: AssetIdSchema, size: z.coerce.number().pipe(z.union([z.literal(128), z.literal(256), z.literal(512)])).default(256) }).strict(),
  /**
   * One tile of the image pyramid (see ImageInfo), 8-bit PNG for grey, JPEG
   * for colour. `low`/`high` (both or neither, in the image's values, low <
   * high) choose the window, `invert` shows low values white; without them
   * the image's default (see `assets.histogram`).
   */
  'asset.tile': z.object({
    assetId: AssetIdSchema, level: int(0, 40), x: int(0, 1_000_000), y: int(0, 1_000_000),
    low: z.coerce.number().min(-1e9).max(1e9).optional(),
    high: z.coerce.number().min(-1e9).max(1e9).optional(),
    invert: z.union([z.boolean(), z.stringbool()]).optional(),
  }).strict()
    .refine((p) => (p.low === undefined) === (p.high === undefined), 'give both low and high, or neither')
    .refine((p) => p.low === undefined || p.high === undefined || p.high > p.low, 'high must be above low'),
  /** The job's inspection report (unsigned): PDF, JSON or CSV (see README, `chitti report`). Each export is audited. */
  'job.report': z.object({ jobId: JobIdSchema, format: ReportFormatSchema.default('pdf') }).strict(),
  /** One page of a document as PNG, at 72, 96, 144 or 200 dpi (pages are 1-based). */
  'document.page': z.object({
    assetId: AssetIdSchema,
    page: int(1, 100_000),
    dpi: z.coerce.number().pipe(z.union([z.literal(72), z.literal(96), z.literal(144), z.literal(200)])).default(96),
  }).strict(),
  /** A document's checklist review as PDF or JSON (audited). */
  'review.report': z.object({
    reviewId: z.string().regex(/^rv_[A-Za-z0-9_-]{6,64}$/, 'expected a review id (rv_…)'),
    format: z.enum(['pdf', 'json']).default('pdf'),
  }).strict(),
} as const;

export type Resources = typeof resources;
export type ResourceName = keyof Resources;
export type ResourceParams<N extends ResourceName> = z.input<Resources[N]>;
export const RESOURCE_NAMES = Object.keys(resources) as ResourceName[];
export const isResourceName = (name: string): name is ResourceName => Object.prototype.hasOwnProperty.call(resources, name);

/** A resource's bytes; `body` is a Uint8Array so it crosses IPC and HTTP alike. */
export interface ResourceBody {
  mime: string;
  body: Uint8Array;
}

/** The upload route's parameters: `PUT /upload/<taskId>/<seq>` (HTTP only; the app imports by path). */
export const UploadTargetSchema = z.object({ taskId: TaskIdSchema, seq: int(0, 9_999) }).strict();
