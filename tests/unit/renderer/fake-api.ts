import type { ApiClient, ImportFile } from '../../../src/renderer/src/api/client.ts';
import { ApiError } from '../../../src/renderer/src/api/types.ts';
import type { Asset, EventName, EventPayload, Job, Task, TaskItem } from '../../../src/shared/contract/index.ts';

/**
 * An in-memory ApiClient for component tests: it keeps jobs and assets, and
 * lets a test push the events the core would send. The real transports are
 * exercised end to end in tests/e2e against `chitti serve`.
 */
export class FakeApi implements ApiClient {
  readonly transport = 'http' as const;
  jobs: Job[] = [];
  assets: Asset[] = [];
  imports: Array<{ jobId: string; files: ImportFile[] }> = [];
  private listeners = new Map<string, Set<(p: unknown) => void>>();

  invoke = (async (name: string, input: Record<string, unknown>) => {
    switch (name) {
      case 'jobs.list':
        return { jobs: this.jobs, total: this.jobs.length };
      case 'jobs.get': {
        const job = this.jobs.find((j) => j.id === input.jobId);
        if (!job) throw new ApiError('NOT_FOUND', `No job with id ${String(input.jobId)}.`);
        return job;
      }
      case 'jobs.create': {
        const job = makeJob({ ...(input as Partial<Job>), id: `job_${String(this.jobs.length + 1).padStart(20, '0')}` });
        this.jobs.unshift(job);
        return job;
      }
      case 'assets.list':
        return { assets: this.assets.filter((a) => a.jobId === input.jobId), total: 0 };
      case 'assets.get':
        return this.assets.find((a) => a.id === input.assetId);
      default:
        throw new ApiError('UNKNOWN_PROCEDURE', name);
    }
  }) as ApiClient['invoke'];

  on<E extends EventName>(event: E, callback: (payload: EventPayload<E>) => void) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(callback as (p: unknown) => void);
    return () => set.delete(callback as (p: unknown) => void);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>) {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  loadImage() {
    return Promise.resolve({ url: 'data:image/png;base64,', release: () => {} });
  }

  resourceRequest() {
    return { url: '/res/x', headers: {} };
  }

  importFiles(jobId: string, files: ImportFile[]) {
    this.imports.push({ jobId, files });
    return Promise.resolve({ task: makeTask({ jobId, total: files.length }), transfer: Promise.resolve() });
  }
}

export const makeJob = (j: Partial<Job> = {}): Job => ({
  id: 'job_00000000000000000001', name: 'Tank 6 external', client: 'Refinery Ltd', site: 'Unit 4', component: 'Shell',
  procedure: 'UT-7', inspector: 'Priya', startDate: null, endDate: null, assetCount: 0,
  createdAt: '2026-11-23T08:00:00.000Z', updatedAt: '2026-11-23T08:00:00.000Z', ...j,
});

export const makeTask = (t: Partial<Task> = {}): Task => ({
  id: 'tsk_00000000000000000001', kind: 'import', jobId: 'job_00000000000000000001', status: 'running', total: 0, processed: 0,
  imported: 0, duplicates: 0, failed: 0, error: null, createdAt: '2026-11-23T08:00:00.000Z', finishedAt: null, ...t,
});

export const makeAsset = (a: Partial<Asset> = {}): Asset => ({
  id: 'ast_00000000000000000001', jobId: 'job_00000000000000000001', kind: 'image', mime: 'image/jpeg', size: 20_000,
  sha256: 'a'.repeat(64), originalName: 'IMG_0001.jpg', status: 'ready', createdAt: '2026-11-23T08:00:00.000Z', ...a,
});

export const makeItem = (i: Partial<TaskItem> = {}): TaskItem => ({
  seq: 0, source: 'upload:x', name: 'x', status: 'imported', assetId: null, errorCode: null, message: null, ...i,
});
