import type { ModelSummary } from '../../shared/contract/index.ts';
import type { InstalledModel } from '../inference/catalog.ts';

/** What the contract tells about an installed model: its manifest, without file paths. */
export function toModelSummary(m: InstalledModel): ModelSummary {
  const x = m.manifest;
  return {
    id: x.id, version: x.version, task: x.task, title: x.title, description: x.description, classes: x.classes,
    origin: m.origin, licence: x.licence, sha256: x.sha256, metrics: x.metrics, training: x.training,
    inputSize: x.input.size, tiling: x.tiling,
    scoreThreshold: x.postprocess.score_threshold, classThresholds: x.postprocess.class_thresholds,
  };
}
