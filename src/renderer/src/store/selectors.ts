import type { Analysis, Asset, Job, ModelSummary, Task } from '../../../shared/contract/index.ts';
import type { AppState, AssetFindings, DetectState, ImportState } from './app-store.ts';

export const selectJob = (jobId: string) => (s: AppState): Job | undefined => s.jobs?.find((j) => j.id === jobId);

export const selectAssets = (jobId: string) => (s: AppState): Asset[] | undefined => s.assets[jobId];

/** Imports into one job, newest first. Returns a new array: use with `useShallow`. */
export const selectImportsOfJob = (jobId: string) => (s: AppState): ImportState[] =>
  Object.values(s.imports).filter((i) => i.jobId === jobId).reverse();

/** 0–100, from a task's own counts. */
export const taskPercent = (task: Task): number =>
  task.total === 0 ? (task.status === 'running' || task.status === 'queued' ? 0 : 100) : Math.round((100 * task.processed) / task.total);

export const taskFinished = (task: Task): boolean => ['done', 'failed', 'cancelled'].includes(task.status);

/** 0–100, from the task's own counts. */
export const importPercent = (i: ImportState): number => taskPercent(i.task);

export const importFinished = (i: ImportState): boolean => taskFinished(i.task);

/** Detections on one job, newest first. Returns a new array: use with `useShallow`. */
export const selectDetectionsOfJob = (jobId: string) => (s: AppState): DetectState[] =>
  Object.values(s.detections).filter((d) => d.jobId === jobId).reverse();

export const selectAnalyses = (jobId: string) => (s: AppState): Analysis[] | undefined => s.analyses[jobId];

export const selectFindings = (assetId: string) => (s: AppState): AssetFindings | undefined => s.findings[assetId];

/** The model a detection uses unless the user picks another: the first detector, else the first model. */
export const defaultDetectModel = (models: ModelSummary[] | undefined): ModelSummary | undefined =>
  models?.find((m) => m.task === 'detect') ?? models?.[0];

/**
 * What each image's badge tells, from a job's analyses (newest first): its
 * latest successful analysis (whose findings the viewer shows), or, when it
 * has none, its latest failed one. Images never analysed are absent.
 */
export function latestAnalyses(analyses: Analysis[] | undefined): Map<string, Analysis> {
  const latest = new Map<string, Analysis>();
  for (const a of analyses ?? []) {
    const seen = latest.get(a.assetId);
    if (!seen || (seen.status === 'failed' && a.status === 'done')) latest.set(a.assetId, a);
  }
  return latest;
}

/** The assets before and after `assetId` in the job's order, for next/previous in the viewer. */
export const neighbours = (assets: Asset[] | undefined, assetId: string) => {
  const images = (assets ?? []).filter((a) => a.kind === 'image');
  const i = images.findIndex((a) => a.id === assetId);
  return { previous: i > 0 ? images[i - 1] : undefined, next: i >= 0 ? images[i + 1] : undefined, index: i, count: images.length };
};

/** How many images a detect task analysed so far, and how many findings they gave. */
export function findingsOfTask(analyses: Analysis[] | undefined, taskId: string): { analyses: number; findings: number } {
  let n = 0;
  let findings = 0;
  for (const a of analyses ?? []) {
    if (a.taskId !== taskId || a.status !== 'done') continue;
    n++;
    findings += a.findingCount;
  }
  return { analyses: n, findings };
}
