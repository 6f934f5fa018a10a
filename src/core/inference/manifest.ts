import { z } from 'zod';

/**
 * models/<id>/manifest.json: everything the app needs to run a model the way
 * it was trained, and everything a reviewer needs to judge it (data, split,
 * metrics, licence). The ONNX file is trusted only if its sha256 matches.
 */
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');

const InputSchema = z.object({
  name: z.string().min(1),
  layout: z.literal('NCHW'),
  channels: z.literal(3),
  /** Grey inputs are replicated to three channels; colour images are turned grey first (luma), as the models were trained on grey. */
  colour: z.literal('grey-replicated'),
  size: z.tuple([z.number().int().min(32).max(4096), z.number().int().min(32).max(4096)]),
  /** Scale the longer side to the input size keeping the aspect ratio; pad right and bottom with `pad`. */
  resize: z.literal('letterbox-top-left'),
  /** Pad value in the 0..1 range, before mean/std. */
  pad: z.number().min(0).max(1),
  /** How samples become 0..1: `full-range` divides by the largest value of the bit depth (255 or 65535), so a 16-bit image keeps its depth until this step. */
  window: z.literal('full-range'),
  mean: z.tuple([z.number(), z.number(), z.number()]),
  std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  /** The ONNX input takes any height and width (multiples of `multiple`), not only `size`: a whole image can run in one pass. */
  dynamic: z.object({ multiple: z.number().int().positive() }).optional(),
});

const FcosOutputs = z.object({
  decoder: z.literal('fcos'),
  names: z.tuple([z.string(), z.string(), z.string()]),
  strides: z.array(z.number().int().positive()).min(1),
  anchor_sizes: z.array(z.number().positive()).min(1),
});

const MaskOutputs = z.object({
  decoder: z.literal('softmax-mask'),
  names: z.tuple([z.string()]),
  background_index: z.literal(0),
});

const Thresholds = z.record(z.string(), z.number().min(0).max(1));

export const ManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lowercase letters, digits, dot, dash, underscore'),
  version: z.string().min(1),
  task: z.enum(['detect', 'segment']),
  title: z.string().min(1),
  description: z.string().default(''),
  classes: z.array(z.string().min(1)).min(1),
  input: InputSchema,
  outputs: z.discriminatedUnion('decoder', [FcosOutputs, MaskOutputs]),
  postprocess: z.object({
    /** Default score a finding needs to be reported; `class_thresholds` override it per class. */
    score_threshold: z.number().min(0).max(1),
    class_thresholds: Thresholds.default({}),
    candidate_threshold: z.number().min(0).max(1).default(0.01),
    topk_candidates: z.number().int().positive().default(1000),
    nms_iou: z.number().min(0).max(1).default(0.6),
    max_detections: z.number().int().positive().default(100),
    /** Segmentation: smallest component kept, in model-input pixels. */
    min_area: z.number().nonnegative().default(0),
  }),
  /**
   * Images whose longer side is at most `above` pixels are letterboxed whole;
   * larger ones (radiographs) are cut into `tile`-pixel squares overlapping by
   * `overlap`, each scaled to the input size. Source pixels, not model pixels.
   */
  tiling: z.object({
    tile: z.number().int().min(32),
    overlap: z.number().int().min(0),
    above: z.number().int().min(32),
    /** Model pixels a tile is scaled to (dynamic-size models only; default: the input size). Larger tiles waste less on overlaps. */
    input: z.number().int().min(32).optional(),
  }),
  training: z.record(z.string(), z.unknown()).default({}),
  metrics: z.record(z.string(), z.unknown()).default({}),
  licence: z.string().min(1),
  sha256: Sha256,
}).refine((m) => m.tiling.overlap < m.tiling.tile, { message: 'tiling.overlap must be smaller than tiling.tile', path: ['tiling', 'overlap'] })
  .refine((m) => m.tiling.input === undefined || m.input.dynamic !== undefined, { message: 'tiling.input needs a model with a dynamic input size', path: ['tiling', 'input'] })
  .refine((m) => m.tiling.input === undefined || m.input.dynamic === undefined || m.tiling.input % m.input.dynamic.multiple === 0, {
    message: 'tiling.input must be a multiple of input.dynamic.multiple', path: ['tiling', 'input'],
  })
  .refine((m) => Object.keys(m.postprocess.class_thresholds).every((c) => m.classes.includes(c)), {
    message: 'class_thresholds names a class the model does not have', path: ['postprocess', 'class_thresholds'],
  });

export type ModelManifest = z.infer<typeof ManifestSchema>;

/** The score a finding of `cls` needs, given an optional override for every class. */
export function thresholdFor(manifest: ModelManifest, cls: string, override?: number): number {
  if (override !== undefined) return override;
  return manifest.postprocess.class_thresholds[cls] ?? manifest.postprocess.score_threshold;
}
