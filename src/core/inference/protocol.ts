import type { ErrorCode } from '../../shared/contract/index.ts';
import type { ModelManifest } from './manifest.ts';
import type { Tile } from './tiling.ts';

export interface InferenceWorkerData {
  /** onnxruntime intra-op threads per worker (the pool has one worker per core, so 1 by default). */
  intraOpThreads: number;
  /** Tiles per session.run. */
  batch: number;
  /** Test-only fault injection: a worker given an image of exactly this size exits, as a native crash would. */
  crashOnSize?: { width: number; height: number };
}

/** Pixels shared with the workers without a copy per worker. */
export interface SharedPixels {
  width: number;
  height: number;
  channels: 1 | 3;
  bitsPerSample: 8 | 16;
  buffer: SharedArrayBuffer;
}

export interface InferenceRequest {
  id: number;
  model: { dir: string; manifest: ModelManifest };
  image: SharedPixels;
  tiles: Tile[];
  /** Segmentation: the score a component needs (detection thresholds are applied after merging tiles). */
  threshold?: number;
}

/** A finding in source-image pixels. */
export interface RawFinding {
  cls: number;
  score: number;
  box: [number, number, number, number];
  polygon?: Array<[number, number]>;
  rle?: { size: [number, number]; counts: number[] };
  area?: number;
}

export type InferenceResponse =
  | { id: number; ok: true; findings: RawFinding[]; defectScore?: number; runMs: number }
  | { id: number; ok: false; code: ErrorCode; message: string };
