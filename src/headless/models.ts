import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelCatalog } from '../core/inference/catalog.ts';
import { DetectionEngine } from '../core/inference/engine.ts';
import type { InferenceWorkerData } from '../core/inference/protocol.ts';
import { sourceWorkers } from './workers.ts';

/** Models shipped with Chitti (the repository's models/ folder when run from source). */
export const BUILT_IN_MODELS = fileURLToPath(new URL('../../models', import.meta.url));

/** Built-in models, then the workspace's own (`<data>/models`). `CHITTI_MODELS_DIR` replaces the built-in folder (tests, evaluation of a new export). */
export function headlessCatalog(dataDir: string, env: NodeJS.ProcessEnv = process.env): ModelCatalog {
  return new ModelCatalog(headlessModelDirs(dataDir, env));
}

export function headlessModelDirs(dataDir: string, env: NodeJS.ProcessEnv = process.env): Array<{ dir: string; origin: 'built-in' | 'user' }> {
  return [
    { dir: env.CHITTI_MODELS_DIR ? path.resolve(env.CHITTI_MODELS_DIR) : BUILT_IN_MODELS, origin: 'built-in' },
    { dir: path.join(path.resolve(dataDir), 'models'), origin: 'user' },
  ];
}

export interface EngineSettings {
  workers?: number;
  crashOnSize?: InferenceWorkerData['crashOnSize'];
}

/** A detection engine for command-line use, with one worker per core unless told otherwise. */
export function headlessEngine(catalog: ModelCatalog, settings: EngineSettings = {}): DetectionEngine {
  const poolSize = Math.max(1, settings.workers ?? availableParallelism());
  const data: InferenceWorkerData = { intraOpThreads: 1, batch: 4, ...(settings.crashOnSize ? { crashOnSize: settings.crashOnSize } : {}) };
  return new DetectionEngine({ catalog, spawn: () => sourceWorkers('inference', data), poolSize });
}
