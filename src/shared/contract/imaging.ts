import { z } from 'zod';
import { AssetIdSchema, JobIdSchema } from './ids.ts';

/**
 * Imaging tools: window/level, the histogram it is chosen from, line
 * profiles and measurement calibration. Values here are the image's own
 * values: its samples, or for DICOM the rescaled ones (slope × stored +
 * intercept, e.g. Hounsfield units), the same units on every procedure and
 * on `asset.tile`'s window parameters.
 */

const define = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

/** Where a pixel spacing comes from, most specific first: a person's calibration (image, then job), then the file's tags. */
export const PixelSpacingSourceSchema = z.enum(['image-calibration', 'job-calibration', 'dicom-pixel-spacing', 'dicom-imager-pixel-spacing']);
export type PixelSpacingSource = z.infer<typeof PixelSpacingSourceSchema>;

/** Millimetres per pixel along x (between columns) and y (between rows). */
export const PixelSpacingSchema = z.object({ x: z.number().positive(), y: z.number().positive(), source: PixelSpacingSourceSchema });
export type PixelSpacing = z.infer<typeof PixelSpacingSchema>;

/** Values at or below `low` show black, at or above `high` white, linearly between (before any inversion). */
export const WindowSchema = z.object({ low: z.number(), high: z.number() });
export type Window = z.infer<typeof WindowSchema>;

/**
 * A named window: `auto` (0.5–99.5th percentile), `full` (smallest to
 * largest value), `stored` (8-bit: 0–255, the image as stored), `file` (the
 * DICOM file's WindowCenter/Width), `lower`/`upper`/`middle` (parts of the
 * histogram: 0.5–50th, 50–99.5th, 25–75th percentile).
 */
export const WindowPresetSchema = WindowSchema.extend({ id: z.string(), label: z.string() });
export type WindowPreset = z.infer<typeof WindowPresetSchema>;

export const HistogramSchema = z.object({
  assetId: AssetIdSchema,
  bitsPerSample: z.union([z.literal(8), z.literal(16)]),
  /** Smallest and largest value in the image (all channels). */
  min: z.number(),
  max: z.number(),
  /** Bin i counts values from `min + i × binWidth` up to the next bin; the last one includes `max`. */
  binWidth: z.number().positive(),
  /** The difference between two adjacent values (1, or a DICOM rescale slope): windows need no finer steps. */
  step: z.number().positive(),
  counts: z.array(z.number().int().nonnegative()),
  /** Samples counted (width × height × channels). */
  total: z.number().int().positive(),
  presets: z.array(WindowPresetSchema),
  /** What a tile without window parameters shows: `auto` for 16-bit images, `stored` for 8-bit ones. */
  defaultWindow: WindowSchema,
  /** Whether low values show white by default (DICOM MONOCHROME1). */
  defaultInvert: z.boolean(),
});
export type Histogram = z.infer<typeof HistogramSchema>;

/** A point in image pixel coordinates: pixel (i, j) covers [i, i+1) × [j, j+1). */
export const ImagePointSchema = z.tuple([z.number(), z.number()]);
export const MAX_PROFILE_SAMPLES = 4096;

export const ProfileSchema = z.object({
  assetId: AssetIdSchema,
  from: ImagePointSchema,
  to: ImagePointSchema,
  /** Length of the line in pixels. */
  length: z.number().nonnegative(),
  interpolation: z.enum(['bilinear', 'nearest']),
  /** Distance of each sample from `from`, in pixels. */
  distances: z.array(z.number()),
  /** One array per channel (1 for grey, 3 for RGB), each as long as `distances`: the original values. */
  values: z.array(z.array(z.number())),
});
export type Profile = z.infer<typeof ProfileSchema>;

/** A calibration: millimetres per pixel, for a whole job or one image. */
export const PixelCalibrationSchema = z.object({
  jobId: JobIdSchema,
  assetId: AssetIdSchema.nullable(),
  mmPerPixel: z.number().positive().nullable(),
  /** The value before this change (null: none was set). */
  previous: z.number().positive().nullable(),
});

export const imagingProcedures = {
  /**
   * The image's histogram (binned between its smallest and largest value),
   * the window presets computed from it (and from the file), and what tiles
   * show by default. Decodes the image once (cached), as `assets.imageInfo`.
   */
  'assets.histogram': define(
    z.object({ assetId: AssetIdSchema, bins: z.number().int().min(8).max(1024).default(256) }).strict(),
    HistogramSchema,
  ),
  /**
   * The original values along a line from `from` to `to` (image pixel
   * coordinates, inside the image), read from the full-resolution decoded
   * original, never from display pixels: `samples` evenly spaced points
   * (default: one per pixel of length, at most 4096), bilinear between pixel
   * centres or the nearest pixel's value.
   */
  'assets.profile': define(
    z.object({
      assetId: AssetIdSchema,
      from: ImagePointSchema,
      to: ImagePointSchema,
      samples: z.number().int().min(2).max(MAX_PROFILE_SAMPLES).optional(),
      interpolation: z.enum(['bilinear', 'nearest']).default('bilinear'),
    }).strict(),
    ProfileSchema,
  ),
  /**
   * Sets (or, with null, removes) the pixel spacing a person measured, for a
   * job (`jobId`) or one image (`assetId`): it then wins over the file's own
   * spacing in `assets.imageInfo` (an image's over its job's). `reference`
   * records how it was found (a line of `pixels` known to be `mm` long).
   * Audited `pixel-spacing.set` / `pixel-spacing.removed` with the value
   * before, so setting that value back (or null) undoes it.
   */
  'pixelSpacing.set': define(
    z.object({
      jobId: JobIdSchema.optional(),
      assetId: AssetIdSchema.optional(),
      mmPerPixel: z.number().positive().max(1000).nullable(),
      reference: z.object({ pixels: z.number().positive(), mm: z.number().positive() }).strict().optional(),
    }).strict().refine((i) => (i.jobId === undefined) !== (i.assetId === undefined), 'give either jobId or assetId'),
    PixelCalibrationSchema,
  ),
} as const;
