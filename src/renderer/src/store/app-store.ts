import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  Analysis, Asset, EventPayload, Finding, Job, JobFields, ProcedureOutput, Task, TaskItem,
} from '../../../shared/contract/index.ts';
import type { ApiClient, ImportFile } from '../api/client.ts';
import { createDocumentsSlice, type DocumentsSlice } from './documents-slice.ts';
import { createReviewSlice, type ReviewSlice } from './review-slice.ts';
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

export interface ModelsSlice {
  /** Installed models and the model folders that could not be used; null until read. */
  models: ProcedureOutput<'models.list'> | null;
  modelsError: string | null;
  loadModels: () => Promise<void>;
}

/** A detection run as the user follows it: the task's latest counts and the images that could not be analysed. */
export interface DetectState {
  jobId: string;
  task: Task;
  /** Images that failed, in the order they settled. */
  failures: TaskItem[];
}

export interface DetectOptions {
  modelId?: string;
  /** One score threshold for every class instead of the model's own. */
  threshold?: number;
  /** Only these images (a retry of failed ones); none: every image of the job. */
  assetIds?: string[];
}

export interface DetectSlice {
  detections: Record<string, DetectState>;
  startDetect: (jobId: string, options?: DetectOptions) => Promise<Task>;
  /** Asks the core to cancel; images already analysed keep their findings. */
  cancelDetect: (taskId: string) => Promise<void>;
  dismissDetect: (taskId: string) => void;
  /** Follows the job's detect tasks that are still running (started before a reload, or from the command line). */
  followActiveDetections: (jobId: string) => Promise<void>;
}

export interface AnalysesSlice {
  /** Every analysis of a job, newest first (the latest per image is a selector). */
  analyses: Record<string, Analysis[]>;
  analysesError: Record<string, string>;
  loadAnalyses: (jobId: string) => Promise<void>;
}

/** An image's findings: those of its latest successful analysis (none: null and []). */
export interface AssetFindings {
  analysis: Analysis | null;
  findings: Finding[];
}

export interface FindingsSlice {
  findings: Record<string, AssetFindings>;
  findingsError: Record<string, string>;
  loadFindings: (assetId: string) => Promise<void>;
  /** Whether the viewer draws findings over the image (the user's choice, kept from image to image). */
  findingsVisible: boolean;
  setFindingsVisible: (visible: boolean) => void;
}

export interface RouteSlice {
  route: Route;
  setRoute: (route: Route) => void;
}

export type AppState = JobsSlice & AssetsSlice & ImportsSlice & ModelsSlice & DetectSlice & AnalysesSlice & FindingsSlice & ReviewSlice & DocumentsSlice & RouteSlice;
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

/** Adds the items not listed yet (by seq), keeping the list's order. */
function withItems(list: TaskItem[], items: TaskItem[]): TaskItem[] {
  const missing = items.filter((i) => !list.some((n) => n.seq === i.seq));
  return missing.length > 0 ? [...list, ...missing] : list;
}

/**
 * The renderer's state: what the core told us, and where the user is. Only
 * facts live here; counts, percentages and filtered lists are computed by
 * selectors from them (selectors.ts).
 */
export function createAppStore(api: ApiClient, initialRoute: Route = parseRoute(window.location.hash)): AppStore {
  /** How to stop sending the files of each import still sending (not state: nothing renders from it). */
  const transfers = new Map<string, AbortController>();
  /** The latest findings read asked for each asset, so an older answer never replaces a newer one. */
  const findingsAsked = new Map<string, number>();
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

    models: null,
    modelsError: null,
    async loadModels() {
      try {
        set({ models: await api.invoke('models.list', {}), modelsError: null });
      } catch (e) {
        set({ modelsError: message(e) });
      }
    },

    detections: {},
    async startDetect(jobId, options = {}) {
      const task = await api.invoke('detect.start', {
        jobId,
        ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
        ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
        ...(options.assetIds !== undefined ? { assetIds: options.assetIds } : {}),
      });
      // Its first events may have come before this answer: the newer picture wins.
      set((s) => followDetection(s, task, []));
      return task;
    },
    async cancelDetect(taskId) {
      const task = await api.invoke('tasks.cancel', { taskId });
      set((s) => detectPatch(s, task));
    },
    dismissDetect(taskId) {
      set((s) => ({ detections: omit(s.detections, taskId) }));
    },
    async followActiveDetections(jobId) {
      const { tasks } = await api.invoke('tasks.list', { active: true, limit: PAGE });
      for (const task of tasks.filter((t) => t.kind === 'detect' && t.jobId === jobId)) {
        set((s) => followDetection(s, task, []));
        void refreshDetection(store, api, task.id);
      }
    },

    analyses: {},
    analysesError: {},
    async loadAnalyses(jobId) {
      try {
        const analyses = await readAll(async (offset) => {
          const { analyses: rows, total } = await api.invoke('analyses.list', { jobId, limit: PAGE, offset });
          return { rows, total };
        });
        // Analyses that arrived as events while reading stay (they are newer than any page).
        set((s) => ({
          analyses: { ...s.analyses, [jobId]: mergeAnalyses(s.analyses[jobId] ?? [], analyses) },
          analysesError: omit(s.analysesError, jobId),
        }));
      } catch (e) {
        set((s) => ({ analysesError: { ...s.analysesError, [jobId]: message(e) } }));
      }
    },

    findings: {},
    findingsError: {},
    async loadFindings(assetId) {
      const asked = (findingsAsked.get(assetId) ?? 0) + 1;
      findingsAsked.set(assetId, asked);
      try {
        const found = await api.invoke('findings.list', { assetId });
        if (findingsAsked.get(assetId) !== asked) return; // a later read is on its way
        set((s) => ({ findings: { ...s.findings, [assetId]: found }, findingsError: omit(s.findingsError, assetId) }));
      } catch (e) {
        if (findingsAsked.get(assetId) !== asked) return;
        set((s) => ({ findingsError: { ...s.findingsError, [assetId]: message(e) } }));
      }
    },
    findingsVisible: true,
    setFindingsVisible: (findingsVisible) => set({ findingsVisible }),

    ...createReviewSlice<AppState>(api, set, get),
    ...createDocumentsSlice<AppState>(api, set, get),
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

/** What follows the end of a task: an import's job files and counts, or a detection's analyses (in case an event was missed). */
function afterFinished(store: AppStore, task: Task) {
  if (task.kind === 'detect') {
    if (task.jobId && store.getState().analyses[task.jobId]) void store.getState().loadAnalyses(task.jobId);
    return;
  }
  if (task.jobId) void store.getState().loadAssets(task.jobId);
  void store.getState().loadJobs();
}

/** Starts or goes on following a detect task, with a newer picture of it and failed images it may carry. */
function followDetection(s: AppState, task: Task, items: TaskItem[]): Partial<AppState> {
  const current = s.detections[task.id];
  const failed = items.filter((i) => i.status === 'failed');
  if (!current) {
    if (!task.jobId) return {};
    return { detections: { ...s.detections, [task.id]: { jobId: task.jobId, task, failures: failed } } };
  }
  return {
    detections: {
      ...s.detections,
      [task.id]: { ...current, task: isNewer(task, current.task) ? task : current.task, failures: withItems(current.failures, failed) },
    },
  };
}

/** Records a newer picture of a detect task the user follows. */
function detectPatch(s: AppState, task: Task): Partial<AppState> {
  return s.detections[task.id] ? followDetection(s, task, []) : {};
}

/** Newest first, each analysis once: `fresh` (just read) plus any in `current` it does not have (arrived meanwhile). */
function mergeAnalyses(current: Analysis[], fresh: Analysis[]): Analysis[] {
  const ids = new Set(fresh.map((a) => a.id));
  const extra = current.filter((a) => !ids.has(a.id));
  return extra.length === 0 ? fresh : [...extra, ...fresh].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** A new analysis: into its job's list (when that list is being shown), and the image's findings read again. */
function analysisAdded(store: AppStore, analysis: Analysis) {
  store.setState((s) => {
    const list = s.analyses[analysis.jobId];
    if (!list || list.some((a) => a.id === analysis.id)) return {};
    return { analyses: { ...s.analyses, [analysis.jobId]: [analysis, ...list] } };
  });
  // Only a successful analysis changes what findings.list answers.
  if (analysis.status === 'done' && store.getState().findings[analysis.assetId]) void store.getState().loadFindings(analysis.assetId);
  // An image analysed (or failed) changes its job's review overview.
  if (store.getState().reviews[analysis.jobId]) void store.getState().loadReview(analysis.jobId);
}

/** Keeps the store in step with the core: progress, new assets, finished imports, detections and their analyses. */
function connectEvents(store: AppStore, api: ApiClient) {
  api.on('task.progressed', ({ task, item }: EventPayload<'task.progressed'>) => {
    if (task.kind === 'detect') {
      // Followed wherever it was started (here, another window, the command line), shown on its job's screen.
      store.setState((s) => (s.detections[task.id] || !FINISHED.has(task.status) ? followDetection(s, task, item ? [item] : []) : {}));
      return;
    }
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
    store.setState((s) => (task.kind === 'detect' ? detectPatch(s, task) : taskPatch(s, task)));
    afterFinished(store, task);
  });
  api.on('analysis.added', ({ analysis }: EventPayload<'analysis.added'>) => analysisAdded(store, analysis));
  // Events sent while the connection was down are lost: re-read every task still going, and what detections may have changed.
  api.onReconnect(() => {
    const s = store.getState();
    for (const i of Object.values(s.imports)) {
      if (!FINISHED.has(i.task.status)) void refreshImport(store, api, i.task.id, i.jobId);
    }
    for (const d of Object.values(s.detections)) {
      if (!FINISHED.has(d.task.status)) void refreshDetection(store, api, d.task.id);
    }
    for (const jobId of Object.keys(s.analyses)) void s.loadAnalyses(jobId);
    // The image on screen is read again; the others when they are shown next.
    const shown = s.route.screen === 'viewer' ? s.route.assetId : null;
    store.setState((now) => ({ findings: shown && now.findings[shown] ? { [shown]: now.findings[shown] } : {} }));
    if (shown) void s.loadFindings(shown);
  });
}

/** Re-reads a detection (its counts and failed images) after events may have been missed. */
async function refreshDetection(store: AppStore, api: ApiClient, taskId: string) {
  try {
    const task = await api.invoke('tasks.get', { taskId });
    const failed = await readAll(async (offset) => {
      const { items: rows, total } = await api.invoke('tasks.items', { taskId, status: 'failed', limit: PAGE, offset });
      return { rows, total };
    });
    store.setState((s) => detectPatchWith(s, task, failed));
    if (FINISHED.has(task.status)) afterFinished(store, task);
  } catch (e) {
    console.warn('Chitti: could not re-read a detection after reconnecting', e);
  }
}

function detectPatchWith(s: AppState, task: Task, items: TaskItem[]): Partial<AppState> {
  return s.detections[task.id] ? followDetection(s, task, items) : {};
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
