import { Worker } from 'node:worker_threads';
import type { WorkerEntry, WorkerFactory } from '../core/ports.ts';

const ENTRIES: Record<WorkerEntry, URL> = {
  ingest: new URL('../core/ingest/ingest-worker.ts', import.meta.url),
  inference: new URL('../core/inference/inference-worker.ts', import.meta.url),
  parse: new URL('../core/parse/parse-worker.ts', import.meta.url),
};
const BOOTSTRAP = new URL('./ts-worker-bootstrap.mjs', import.meta.url);

/**
 * Headless hosts run the TypeScript sources through tsx; a worker thread does
 * not inherit the parent's loader, so each one starts with a tiny bootstrap
 * that registers tsx and then imports the real entry.
 */
export const sourceWorkers: WorkerFactory = (entry, workerData, options = {}) =>
  new Worker(BOOTSTRAP, { workerData, argv: [ENTRIES[entry].href], ...options });
