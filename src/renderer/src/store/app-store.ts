import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Asset, EventPayload, Job, JobFields, Task, TaskItem } from '../../../shared/contract/index.ts';
import type { ApiClient, ImportFile } from '../api/client.ts';
import { parseRoute, type Route } from './route.ts';

/** An import as the user follows it: the task's latest counts and the files that need a word. */
export interface ImportState {
  jobId: string;
  task: Task;
  /** Settled files that failed or carry a remark, in the order they settled. */
  notices: TaskItem[];
  /** Set when the browser could not hand over the bytes (network, server gone). */
  transferError: string | null;
}

export interface JobsSlice {
  jobs: Job[] | null;
  jobsError: string | null;
  loadJobs: () => Promise<void>;
  createJob: (fields: Partial<JobFields> & { name: string }) => Promise<Job>;
}

export interface AssetsSlice {
  assets: Record<string, Asset[]>;
  assetsError: Record<string, string>;
  loadAssets: (jobId: string) => Promise<void>;
}

export interface ImportsSlice {
  imports: Record<string, ImportState>;
  startImport: (jobId: string, files: ImportFile[]) => Promise<void>;
  /** Asks the core to cancel; files already imported stay. The progress follows the core's events to 'cancelled'. */
  cancelImport: (taskId: string) => Promise<void>;
  dismissImport: (taskId: string) => void;
}

export interface RouteSlice {
  route: Route;
  setRoute: (route: Route) => void;
}

export type AppState = JobsSlice & AssetsSlice & ImportsSlice & RouteSlice;
export type AppStore = StoreApi<AppState>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The size of one page when the store reads a whole list (the contract's largest page). */
const PAGE = 1000;

/** Reads every page of a list until the core's `total` is reached (or a page comes back empty). */
async function readAll<T>(page: (offset: number) => Promise<{ rows: T[]; total: number }>): Promise<T[]> {
  const all: T[] = [];
  for (;;) {
    const { rows, total } = await page(all.length);
    all.push(...rows);
    if (rows.length === 0 || all.length >= total) return all;
  }
}

const FINISHED: ReadonlySet<Task['status']> = new Set(['done', 'failed', 'cancelled']);

/**
 * Whether `next` may replace `current` as what we know of a task: answers
 * and events can arrive out of order (a re-read after a reconnect races the
 * events), and a task only moves forward, so an older picture never wins.
 */
function isNewer(next: Task, current: Task): boolean {
  if (FINISHED.has(current.status)) return FINISHED.has(next.status) && next.processed >= current.processed;
  return FINISHED.has(next.status) || next.processed >= current.processed;
}

/** A settled file that needs a word: it failed, or it was imported (or found a duplicate) with a remark. */
const isNotice = (item: TaskItem) =>
  item.status === 'failed' || ((item.status === 'imported' || item.status === 'duplicate') && !!item.message);

/**
 * The renderer's state: what the core told us, and where the user is. Only
 * facts live here; counts, percentages and filtered lists are computed by
 * selectors from them (selectors.ts).
 */
export function createAppStore(api: ApiClient, initialRoute: Route = parseRoute(window.location.hash)): AppStore {
  /** How to stop sending the files of each import still sending (not state: nothing renders from it). */
  const transfers = new Map<string, AbortController>();
  const store = createStore<AppState>()((set, get) => ({
    route: initialRoute,
    setRoute: (route) => set({ route }),

    jobs: null,
    jobsError: null,
    async loadJobs() {
      try {
        const jobs = await readAll(async (offset) => {
          const { jobs: rows, total } = await api.invoke('jobs.list', { limit: PAGE, offset });
          return { rows, total };
        });
        set({ jobs, jobsError: null });
      } catch (e) {
        set({ jobsError: message(e) });
      }
    },
    async createJob(fields) {
      const job = await api.invoke('jobs.create', fields);
      set({ jobs: [job, ...(get().jobs ?? []).filter((j) => j.id !== job.id)] });
      return job;
    },

    assets: {},
    assetsError: {},
    async loadAssets(jobId) {
      try {
        const assets = await readAll(async (offset) => {
          const { assets: rows, total } = await api.invoke('assets.list', { jobId, limit: PAGE, offset });
          return { rows, total };
        });
        set((s) => ({ assets: { ...s.assets, [jobId]: assets }, assetsError: omit(s.assetsError, jobId) }));
      } catch (e) {
        set((s) => ({ assetsError: { ...s.assetsError, [jobId]: message(e) } }));
      }
    },

    imports: {},
    async startImport(jobId, files) {
      const sending = new AbortController();
      const { task, transfer } = await api.importFiles(jobId, files, sending.signal);
      transfers.set(task.id, sending);
      set((s) => ({ imports: { ...s.imports, [task.id]: { jobId, task, notices: [], transferError: null } } }));
      transfer.then(
        () => transfers.delete(task.id),
        (e: unknown) => {
          transfers.delete(task.id);
          set((s) => patchImport(s, task.id, { transferError: message(e) }));
        },
      );
    },
    async cancelImport(taskId) {
      const task = await api.invoke('tasks.cancel', { taskId });
      // Files not sent yet are not wanted any more.
      transfers.get(taskId)?.abort();
      transfers.delete(taskId);
      set((s) => taskPatch(s, task));
    },
    dismissImport(taskId) {
      transfers.get(taskId)?.abort();
      transfers.delete(taskId);
      set((s) => ({ imports: omit(s.imports, taskId) }));
    },
  }));

  connectEvents(store, api);
  return store;
}

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _gone, ...rest } = record;
  return rest;
}

function patchImport(s: AppState, taskId: string, patch: Partial<ImportState>): Partial<AppState> {
  const current = s.imports[taskId];
  return current ? { imports: { ...s.imports, [taskId]: { ...current, ...patch } } } : {};
}

/** Records a newer picture of a task the user follows (see isNewer). */
function taskPatch(s: AppState, task: Task): Partial<AppState> {
  const current = s.imports[task.id];
  return current && isNewer(task, current.task) ? patchImport(s, task.id, { task }) : {};
}

/** What follows the end of an import: the job's files and counts are read again. */
function afterFinished(store: AppStore, task: Task) {
  if (task.jobId) void store.getState().loadAssets(task.jobId);
  void store.getState().loadJobs();
}

/** Keeps the store in step with the core: progress, new assets, finished imports. */
function connectEvents(store: AppStore, api: ApiClient) {
  api.on('task.progressed', ({ task, item }: EventPayload<'task.progressed'>) => {
    store.setState((s) => {
      const current = s.imports[task.id];
      if (!current) return {};
      const notice = item && isNotice(item) && !current.notices.some((n) => n.seq === item.seq);
      return patchImport(s, task.id, {
        task: isNewer(task, current.task) ? task : current.task,
        notices: notice ? [...current.notices, item] : current.notices,
      });
    });
    if (item?.status === 'imported' && item.assetId && task.jobId) void addAsset(store, api, task.jobId, item.assetId);
  });
  api.on('task.finished', ({ task }: EventPayload<'task.finished'>) => {
    store.setState((s) => taskPatch(s, task));
    afterFinished(store, task);
  });
  // Events sent while the connection was down are lost: re-read every import still going.
  api.onReconnect(() => {
    for (const i of Object.values(store.getState().imports)) {
      if (!FINISHED.has(i.task.status)) void refreshImport(store, api, i.task.id, i.jobId);
    }
  });
}

/** Re-reads one import (its counts and the files that need a word) and its job's files, after events may have been missed. */
async function refreshImport(store: AppStore, api: ApiClient, taskId: string, jobId: string) {
  try {
    const task = await api.invoke('tasks.get', { taskId });
    const items = await readAll(async (offset) => {
      const { items: rows, total } = await api.invoke('tasks.items', { taskId, limit: PAGE, offset });
      return { rows, total };
    });
    store.setState((s) => {
      const current = s.imports[taskId];
      if (!current) return {};
      const missed = items.filter((i) => isNotice(i) && !current.notices.some((n) => n.seq === i.seq));
      return patchImport(s, taskId, {
        task: isNewer(task, current.task) ? task : current.task,
        notices: missed.length > 0 ? [...current.notices, ...missed] : current.notices,
      });
    });
    if (FINISHED.has(task.status)) afterFinished(store, task);
    else void store.getState().loadAssets(jobId);
  } catch (e) {
    // The next reconnect or event tries again; the import itself goes on in the core.
    console.warn('Chitti: could not re-read an import after reconnecting', e);
  }
}

async function addAsset(store: AppStore, api: ApiClient, jobId: string, assetId: string) {
  const asset = await api.invoke('assets.get', { assetId });
  store.setState((s) => {
    const list = s.assets[jobId];
    if (!list || list.some((a) => a.id === asset.id)) return {};
    return { assets: { ...s.assets, [jobId]: [...list, asset] } };
  });
}
