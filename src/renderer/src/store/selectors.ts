import type { Asset, Job } from '../../../shared/contract/index.ts';
import type { AppState, ImportState } from './app-store.ts';

export const selectJob = (jobId: string) => (s: AppState): Job | undefined => s.jobs?.find((j) => j.id === jobId);

export const selectAssets = (jobId: string) => (s: AppState): Asset[] | undefined => s.assets[jobId];

/** Imports into one job, newest first. Returns a new array: use with `useShallow`. */
export const selectImportsOfJob = (jobId: string) => (s: AppState): ImportState[] =>
  Object.values(s.imports).filter((i) => i.jobId === jobId).reverse();

/** 0–100, from the task's own counts. */
export const importPercent = (i: ImportState): number =>
  i.task.total === 0 ? (i.task.status === 'running' || i.task.status === 'queued' ? 0 : 100) : Math.round((100 * i.task.processed) / i.task.total);

export const importFinished = (i: ImportState): boolean => ['done', 'failed', 'cancelled'].includes(i.task.status);

/** The assets before and after `assetId` in the job's order, for next/previous in the viewer. */
export const neighbours = (assets: Asset[] | undefined, assetId: string) => {
  const images = (assets ?? []).filter((a) => a.kind === 'image');
  const i = images.findIndex((a) => a.id === assetId);
  return { previous: i > 0 ? images[i - 1] : undefined, next: i >= 0 ? images[i + 1] : undefined, index: i, count: images.length };
};
