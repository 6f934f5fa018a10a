import { disableOnnxRuntimeTelemetry } from './ort-environment.ts';
import type { Worker } from 'node:worker_threads';
import { ChittiError } from '../app/errors.ts';
import { asDisplayed, decodeImage, type DecodedImage } from '../media/decode.ts';
import { WorkerCrashedError, WorkerPool } from '../tasks/worker-pool.ts';
import type { InstalledModel, ModelCatalog } from './catalog.ts';
import { thresholdFor, type ModelManifest } from './manifest.ts';
import { classNms } from './nms.ts';
import type { InferenceRequest, InferenceResponse, RawFinding, SharedPixels } from './protocol.ts';
import { planTiles, tilingFor, wholeImage, type Tile, type TilingRule } from './tiling.ts';

export interface Finding {
  class: string;
  score: number;
  /** [x1, y1, x2, y2] in original-image pixels (x2, y2 exclusive edges). */
  box: [number, number, number, number];
  polygon?: Array<[number, number]>;
  rle?: { size: [number, number]; counts: number[] };
  area?: number;
}

export interface ModelRef {
  id: string;
  version: string;
  sha256: string;
  task: ModelManifest['task'];
}

export interface ImageFindings {
  width: number;
  height: number;
  bitsPerSample: 8 | 16;
  model: ModelRef;
  findings: Finding[];
  /** Segmentation: the image's highest defect probability (for ranking images). */
  defectScore?: number;
  tiles: number;
  durationMs: number;
}

export interface DetectSettings {
  /** Model id; default: the first installed detection model. */
  model?: string;
  /** One score threshold for every class, instead of the manifest's. */
  threshold?: number;
  /** Per-class score thresholds (reviewers' overrides) instead of the manifest's; `threshold` wins over them. */
  classThresholds?: Record<string, number>;
  /** Override the manifest's tiling (tests, evaluation). */
  tiling?: Partial<TilingRule>;
  /** Run the whole image in one pass at the tiles' scale instead of tiling it (models with a dynamic input size only). */
  whole?: boolean;
}

export interface EngineOptions {
  catalog: ModelCatalog;
  /** Starts one inference worker thread. */
  spawn: () => Worker;
  /** Worker threads (default 1). */
  poolSize?: number;
  maxPixels?: number;
}

export const modelRef = (m: InstalledModel): ModelRef => ({ id: m.manifest.id, version: m.manifest.version, sha256: m.manifest.sha256, task: m.manifest.task });

function share(img: DecodedImage): SharedPixels {
  const buffer = new SharedArrayBuffer(img.data.length);
  new Uint8Array(buffer).set(img.data);
  return { width: img.width, height: img.height, channels: img.channels, bitsPerSample: img.bitsPerSample, buffer };
}

/** Splits tiles into `parts` contiguous runs (one request per worker). */
function chunk(tiles: Tile[], parts: number): Tile[][] {
  const n = Math.max(1, Math.min(parts, tiles.length));
  const size = Math.ceil(tiles.length / n);
  const out: Tile[][] = [];
  for (let i = 0; i < tiles.length; i += size) out.push(tiles.slice(i, i + size));
  return out;
}

/**
 * Runs installed models on images, on a pool of worker threads (never on the
 * calling thread). Decoding happens here (sharp works off the JS thread);
 * pixels go to the workers in shared memory; a large image's tiles are spread
 * over all workers and their findings merged with class-wise NMS.
 */
export class DetectionEngine {
  private pool: WorkerPool<InferenceRequest, InferenceResponse> | null = null;
  readonly poolSize: number;

  constructor(private readonly opts: EngineOptions) {
    disableOnnxRuntimeTelemetry(); // before any worker loads onnxruntime
    this.poolSize = Math.max(1, opts.poolSize ?? 1);
  }

  get catalog(): ModelCatalog {
    return this.opts.catalog;
  }

  async resolveModel(id?: string): Promise<InstalledModel> {
    return id ? this.opts.catalog.get(id) : this.opts.catalog.defaultFor('detect');
  }

  /** Decodes `bytes` (sniffed type `mime`) and runs the model; throws a ChittiError with a specific code. */
  async detect(bytes: Buffer, mime: string, settings: DetectSettings = {}): Promise<ImageFindings> {
    return this.detectWith(bytes, mime, await this.resolveModel(settings.model), settings);
  }

  /** As detect, with a model already resolved (a batch resolves it once). */
  async detectWith(bytes: Buffer, mime: string, model: InstalledModel, settings: DetectSettings = {}): Promise<ImageFindings> {
    // Models see an image the way round a person does by default (MONOCHROME1 inverted).
    const img = asDisplayed(await decodeImage(bytes, mime, { maxPixels: this.opts.maxPixels }));
    return this.detectPixels(img, model, settings);
  }

  async detectPixels(img: DecodedImage, model: InstalledModel, settings: DetectSettings = {}): Promise<ImageFindings> {
    const started = performance.now();
    const m = model.manifest;
    const rule = tilingFor(m, settings.tiling);
    let tiles: Tile[];
    if (settings.whole) {
      if (!m.input.dynamic) throw new ChittiError('INVALID_INPUT', `Model ${m.id} takes only ${m.input.size[0]}-pixel inputs; it cannot run on a whole image in one pass.`);
      tiles = [wholeImage(img.width, img.height, m.input.size[0], rule, m.input.dynamic.multiple)];
    } else {
      tiles = planTiles(img.width, img.height, m.input.size[0], rule);
    }
    const image = share(img);
    const parts = m.task === 'detect' ? chunk(tiles, this.poolSize) : [tiles];
    const need = (cls: string) => thresholdFor(m, cls, settings.threshold ?? settings.classThresholds?.[cls]);
    // Segmentation workers take one threshold: with per-class ones, the lowest, and each class's is applied below.
    const perClass = settings.threshold === undefined && settings.classThresholds !== undefined && Object.keys(settings.classThresholds).length > 0;
    const workerThreshold = perClass ? Math.min(...m.classes.map(need)) : settings.threshold;
    const responses = await Promise.all(parts.map((t) => this.run({ model: { dir: model.dir, manifest: m }, image, tiles: t, threshold: workerThreshold })));
    const raw = responses.flatMap((r) => r.findings);
    const merged: RawFinding[] = m.task === 'detect'
      ? classNms(raw.map((f) => ({ ...f, box: f.box })), m.postprocess.nms_iou, Infinity)
          .filter((f) => f.score >= need(m.classes[f.cls]!))
          .slice(0, m.postprocess.max_detections)
      : perClass ? raw.filter((f) => f.score >= need(m.classes[f.cls]!)) : raw;
    const defectScores = responses.map((r) => r.defectScore).filter((s): s is number => s !== undefined);
    return {
      width: img.width,
      height: img.height,
      bitsPerSample: img.bitsPerSample,
      model: modelRef(model),
      findings: merged.map((f) => ({
        class: m.classes[f.cls]!, score: f.score, box: f.box,
        ...(f.polygon ? { polygon: f.polygon } : {}), ...(f.rle ? { rle: f.rle } : {}), ...(f.area !== undefined ? { area: f.area } : {}),
      })),
      ...(defectScores.length > 0 ? { defectScore: Math.max(...defectScores) } : {}),
      tiles: tiles.length,
      durationMs: performance.now() - started,
    };
  }

  private async run(req: Omit<InferenceRequest, 'id'>): Promise<Extract<InferenceResponse, { ok: true }>> {
    this.pool ??= new WorkerPool<InferenceRequest, InferenceResponse>(this.opts.spawn, this.poolSize);
    let res: InferenceResponse;
    try {
      res = await this.pool.run(req);
    } catch (e) {
      if (e instanceof WorkerCrashedError) {
        throw new ChittiError('INFERENCE_FAILED', `The inference worker crashed on this image (${e.message}); it was restarted and the other images go on.`);
      }
      throw e;
    }
    if (!res.ok) throw new ChittiError(res.code, res.message);
    return res;
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
  }
}
