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
  dismissImport: (taskId: string) => void;
}

export interface RouteSlice {
  route: Route;
  setRoute: (route: Route) => void;
}

export type AppState = JobsSlice & AssetsSlice & ImportsSlice & RouteSlice;
export type AppStore = StoreApi<AppState>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The renderer's state: what the core told us, and where the user is. Only
 * facts live here; counts, percentages and filtered lists are computed by
 * selectors from them (selectors.ts).
 */
export function createAppStore(api: ApiClient, initialRoute: Route = parseRoute(window.location.hash)): AppStore {
  const store = createStore<AppState>()((set, get) => ({
    route: initialRoute,
    setRoute: (route) => set({ route }),

    jobs: null,
    jobsError: null,
    async loadJobs() {
      try {
        const { jobs } = await api.invoke('jobs.list', { limit: 1000 });
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
        const { assets } = await api.invoke('assets.list', { jobId, limit: 1000 });
        set((s) => ({ assets: { ...s.assets, [jobId]: assets }, assetsError: omit(s.assetsError, jobId) }));
      } catch (e) {
        set((s) => ({ assetsError: { ...s.assetsError, [jobId]: message(e) } }));
      }
    },

    imports: {},
    async startImport(jobId, files) {
      const { task, transfer } = await api.importFiles(jobId, files);
      set((s) => ({ imports: { ...s.imports, [task.id]: { jobId, task, notices: [], transferError: null } } }));
      transfer.catch((e: unknown) => {
        set((s) => patchImport(s, task.id, { transferError: message(e) }));
      });
    },
    dismissImport(taskId) {
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

/** Keeps the store in step with the core: progress, new assets, finished imports. */
function connectEvents(store: AppStore, api: ApiClient) {
  api.on('task.progressed', ({ task, item }: EventPayload<'task.progressed'>) => {
    store.setState((s) => {
      const current = s.imports[task.id];
      if (!current) return {};
      const notice = item && (item.status === 'failed' || item.message) && !current.notices.some((n) => n.seq === item.seq);
      return patchImport(s, task.id, { task, notices: notice ? [...current.notices, item] : current.notices });
    });
    if (item?.status === 'imported' && item.assetId && task.jobId) void addAsset(store, api, task.jobId, item.assetId);
  });
  api.on('task.finished', ({ task }: EventPayload<'task.finished'>) => {
    store.setState((s) => patchImport(s, task.id, { task }));
    if (task.jobId) void store.getState().loadAssets(task.jobId);
    void store.getState().loadJobs();
  });
}

async function addAsset(store: AppStore, api: ApiClient, jobId: string, assetId: string) {
  const asset = await api.invoke('assets.get', { assetId });
  store.setState((s) => {
    const list = s.assets[jobId];
    if (!list || list.some((a) => a.id === asset.id)) return {};
    return { assets: { ...s.assets, [jobId]: [...list, asset] } };
  });
}
