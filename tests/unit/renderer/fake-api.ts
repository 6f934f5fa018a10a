import type { ApiClient, ImportFile } from '../../../src/renderer/src/api/client.ts';
import { ApiError } from '../../../src/renderer/src/api/types.ts';
import type {
  Analysis, Asset, Calibration, EventName, EventPayload, Finding, Job, JobReview, ModelSummary, Task, TaskItem,
} from '../../../src/shared/contract/index.ts';

/**
 * An in-memory ApiClient for component tests: it keeps jobs and assets, and
 * lets a test push the events the core would send. The real transports are
 * exercised end to end in tests/e2e against `chitti serve`.
 */
export class FakeApi implements ApiClient {
  readonly transport = 'http' as const;
  jobs: Job[] = [];
  assets: Asset[] = [];
  imports: Array<{ jobId: string; files: ImportFile[]; signal: AbortSignal | undefined }> = [];
  /** Tasks as the core has them now (what `tasks.get` answers), and their settled files (`tasks.items`). */
  tasks: Task[] = [];
  items: Record<string, TaskItem[]> = {};
  /** Installed models and unusable model folders (`models.list`). */
  models: ModelSummary[] = [];
  modelProblems: Array<{ dir: string; message: string }> = [];
  /** Every analysis, newest first (`analyses.list`), and each asset's findings (`findings.list`). */
  analyses: Analysis[] = [];
  findings: Record<string, { analysis: Analysis | null; findings: Finding[] }> = {};
  /** `jobs.review` answers, per job; `calibration.get` answers, per model; reviewers' thresholds (`thresholds.set`). */
  reviews: Record<string, JobReview> = {};
  calibrations: Record<string, Calibration> = {};
  overrides: Record<string, Record<string, number>> = {};
  /** Who decides (`decidedBy`). */
  reviewer = 'priya';
  /** Procedures that fail, with the error they throw. */
  failing: Record<string, ApiError> = {};
  /** Every call made, in order. */
  calls: Array<{ name: string; input: Record<string, unknown> }> = [];
  private listeners = new Map<string, Set<(p: unknown) => void>>();
  private reconnectListeners = new Set<() => void>();

  invoke = (async (name: string, input: Record<string, unknown>) => {
    this.calls.push({ name, input });
    const failure = this.failing[name];
    if (failure) throw failure;
    const page = <T>(rows: T[]) => rows.slice(Number(input.offset ?? 0), Number(input.offset ?? 0) + Number(input.limit ?? 100));
    const task = () => {
      const t = this.tasks.find((x) => x.id === input.taskId);
      if (!t) throw new ApiError('NOT_FOUND', `No task with id ${String(input.taskId)}.`);
      return t;
    };
    switch (name) {
      case 'jobs.list':
        return { jobs: page(this.jobs), total: this.jobs.length };
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
      case 'assets.list': {
        const all = this.assets.filter((a) => a.jobId === input.jobId);
        return { assets: page(all), total: all.length };
      }
      case 'assets.get':
        return this.assets.find((a) => a.id === input.assetId);
      case 'assets.imageInfo': {
        const asset = this.assets.find((a) => a.id === input.assetId);
        if (asset?.kind !== 'image') throw new ApiError('NOT_AN_IMAGE', 'This is not an image.');
        return { assetId: asset.id, width: 200, height: 200, channels: 1, bitsPerSample: 8, tileSize: 512, levels: 9, displayWindow: null, defaultInvert: false, pixelSpacing: null, filePixelSpacing: null };
      }
      case 'assets.histogram': {
        // An 8-bit image whose values spread evenly over 0..255.
        const stored = { id: 'stored', label: 'As stored (0–255)', low: 0, high: 255 };
        return {
          assetId: input.assetId, bitsPerSample: 8, min: 0, max: 255, binWidth: 1, step: 1, counts: new Array(256).fill(10), total: 2560,
          presets: [{ ...stored, id: 'auto', label: 'Auto (histogram)', low: 1, high: 254 }, { ...stored, id: 'full', label: 'Full range' }, stored],
          defaultWindow: { low: 0, high: 255 }, defaultInvert: false,
        };
      }
      case 'tasks.get':
        return task();
      case 'tasks.items': {
        const all = (this.items[task().id] ?? []).filter((i) => input.status === undefined || i.status === input.status);
        return { items: page(all), total: all.length };
      }
      case 'tasks.cancel': {
        const t = task();
        const next = t.status === 'running' || t.status === 'queued' ? { ...t, status: 'cancelling' as const } : t;
        this.tasks = this.tasks.map((x) => (x.id === t.id ? next : x));
        return next;
      }
      case 'tasks.list': {
        const all = this.tasks.filter((t) => !input.active || ['queued', 'running', 'cancelling'].includes(t.status));
        return { tasks: page(all) };
      }
      case 'models.list':
        return { models: this.models, problems: this.modelProblems };
      case 'models.get': {
        const model = this.models.find((m) => m.id === input.id);
        if (!model) throw new ApiError('MODEL_NOT_FOUND', `No installed model has the id ${String(input.id)}.`);
        return model;
      }
      case 'detect.start': {
        if (input.modelId !== undefined && !this.models.some((m) => m.id === input.modelId)) {
          throw new ApiError('MODEL_NOT_FOUND', `No installed model has the id ${input.modelId as string}.`);
        }
        const images = this.assets.filter((a) => a.jobId === input.jobId && a.kind === 'image');
        const t = makeTask({ id: 'tsk_00000000000000000002', kind: 'detect', jobId: input.jobId as string, status: 'queued', total: images.length });
        this.tasks = [...this.tasks.filter((x) => x.id !== t.id), t];
        return t;
      }
      case 'analyses.list': {
        const all = this.analyses.filter((a) => (input.jobId === undefined || a.jobId === input.jobId) && (input.assetId === undefined || a.assetId === input.assetId));
        return { analyses: page(all), total: all.length };
      }
      case 'findings.list':
        // A copy, as the core sends: what the store holds never changes under it.
        return structuredClone(this.findings[input.assetId as string] ?? { analysis: null, findings: [] });
      case 'findings.decide': {
        const f = this.finding(input.findingId as string);
        if (f.version !== input.expectedVersion) throw new ApiError('CONFLICT', `This finding was changed by someone else (version ${f.version}).`);
        const status = { accept: 'accepted', reject: 'rejected', edit: 'edited', reclass: 'edited', note: f.status }[input.action as string] as Finding['status'];
        return this.change(f, {
          status,
          ...(input.class !== undefined ? { class: input.class as string } : {}),
          ...(input.polygon !== undefined ? { polygon: input.polygon as Array<[number, number]>, box: boundsOf(input.polygon as Array<[number, number]>) } : {}),
          ...(input.box !== undefined ? { box: input.box as Finding['box'], polygon: null } : {}),
          ...(input.note !== undefined ? { note: input.note as string } : {}),
          rejectReason: input.action === 'reject' ? ((input.reason as string | undefined) ?? null) : f.rejectReason,
        });
      }
      case 'findings.undo': {
        const f = this.finding(input.findingId as string);
        if (f.version !== input.expectedVersion) throw new ApiError('CONFLICT', 'stale');
        return this.restore(f);
      }
      case 'findings.query': {
        const all = this.matching(input).sort((a, b) => (input.sort === 'score-asc' ? a.score - b.score : b.score - a.score));
        return { findings: page(all), total: all.length };
      }
      case 'findings.bulk': {
        const ids = input.findingIds as string[] | undefined;
        const chosen = this.matching({ jobId: input.jobId, ...((input.filter as object | undefined) ?? {}) })
          .filter((f) => f.status === 'proposed' && (!ids || ids.includes(f.id)));
        const decided = chosen.map((f) => this.change(f, { status: input.action === 'accept' ? 'accepted' : 'rejected' }));
        return { count: decided.length, decided: decided.map((f) => ({ findingId: f.id, version: f.version })) };
      }
      case 'findings.bulkUndo': {
        // All or none, as the core: every version is checked before anything changes.
        const wanted = input.findings as Array<{ findingId: string; expectedVersion: number }>;
        const found = wanted.map((w) => this.finding(w.findingId));
        if (found.some((f, i) => f.version !== wanted[i]!.expectedVersion)) throw new ApiError('CONFLICT', 'stale');
        const undone = found.map((f) => this.restore(f));
        return { count: undone.length, undone: undone.map((f) => ({ findingId: f.id, version: f.version })) };
      }
      case 'findings.add': {
        const list = (this.findings[input.assetId as string] ??= { analysis: null, findings: [] });
        const added = makeFinding({
          id: `fnd_${String(900 + list.findings.length).padStart(20, '0')}`, analysisId: null, assetId: input.assetId as string, class: input.class as string,
          score: 1, box: input.box as Finding['box'], polygon: (input.polygon as Array<[number, number]> | undefined) ?? null, status: 'accepted',
          source: 'reviewer', decidedBy: this.reviewer, decidedAt: '2026-11-24T10:15:00.000Z', modelClass: null, modelBox: null,
        });
        list.findings = [...list.findings, added];
        return added;
      }
      case 'jobs.review': {
        const none = { proposed: 0, accepted: 0, rejected: 0, edited: 0 };
        return this.reviews[input.jobId as string] ?? {
          jobId: input.jobId,
          assets: this.assets.filter((a) => a.jobId === input.jobId && a.kind === 'image')
            .map((a) => ({ assetId: a.id, name: a.originalName, state: 'not-analysed', error: null, analysisId: null, modelId: null, counts: none })),
          totals: { byStatus: none, byClass: {}, byState: { 'not-analysed': 0, 'to-review': 0, reviewed: 0, failed: 0 } },
        };
      }
      case 'calibration.get': {
        const c = this.calibrations[input.modelId as string];
        if (!c) throw new ApiError('MODEL_NOT_FOUND', 'no model');
        const overrides = this.overrides[c.modelId] ?? {};
        return { ...c, classes: c.classes.map((k) => ({ ...k, override: overrides[k.class] ?? null })) };
      }
      case 'thresholds.set': {
        const overrides = { ...(this.overrides[input.modelId as string] ?? {}) };
        if (input.threshold === null) delete overrides[input.class as string];
        else overrides[input.class as string] = input.threshold as number;
        this.overrides[input.modelId as string] = overrides;
        return { modelId: input.modelId, overrides };
      }
      // A job's document reviews (see fake-documents.ts for a fake that keeps them): none here.
      case 'checklists.list':
        return { frameworks: [], problems: [] };
      case 'reviews.list':
        return { reviews: [], total: 0 };
      default:
        throw new ApiError('UNKNOWN_PROCEDURE', name);
    }
  }) as ApiClient['invoke'];

  private finding(id: string): Finding {
    for (const list of Object.values(this.findings)) {
      const f = list.findings.find((x) => x.id === id);
      if (f) return f;
    }
    throw new ApiError('NOT_FOUND', `No finding with id ${id}.`);
  }

  /** Current findings of a job matching a `findings.query` filter. */
  private matching(q: Record<string, unknown>): Finding[] {
    return Object.values(this.findings).flatMap((l) => l.findings).filter((f) =>
      f.jobId === q.jobId && (q.assetId === undefined || f.assetId === q.assetId) && (q.class === undefined || f.class === q.class)
      && (q.status === undefined || f.status === q.status) && (q.minScore === undefined || f.score >= (q.minScore as number))
      && (q.maxScore === undefined || f.score <= (q.maxScore as number)));
  }

  /** Each finding's states before its decisions not undone, newest last: what `findings.undo` restores. */
  private history = new Map<string, Finding[]>();

  /** A decision as the core makes it: the finding changed, its version + 1, who and when. */
  private change(f: Finding, patch: Partial<Finding>, record = true): Finding {
    if (record) this.history.set(f.id, [...(this.history.get(f.id) ?? []), f]);
    const next = { ...f, ...patch, version: f.version + 1, decidedBy: this.reviewer, decidedAt: '2026-11-24T10:15:00.000Z' };
    const list = this.findings[f.assetId]!;
    list.findings = list.findings.map((x) => (x.id === f.id ? next : x));
    return next;
  }

  /** An undo as the core makes it: the state before the latest decision not undone, as a new version (CONFLICT when there is none). */
  private restore(f: Finding): Finding {
    const before = this.history.get(f.id)?.pop();
    if (!before) throw new ApiError('CONFLICT', 'There is no decision on this finding left to undo.');
    const { status, class: cls, box, polygon, note, rejectReason } = before;
    return this.change(f, { status, class: cls, box, polygon, note, rejectReason }, false);
  }

  on<E extends EventName>(event: E, callback: (payload: EventPayload<E>) => void) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(callback as (p: unknown) => void);
    return () => set.delete(callback as (p: unknown) => void);
  }

  /** Delivers an event as the core would send it; a task it carries becomes what `tasks.get` answers. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>) {
    if ('task' in payload) this.tasks = [...this.tasks.filter((t) => t.id !== payload.task.id), payload.task];
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  onReconnect(callback: () => void) {
    this.reconnectListeners.add(callback);
    return () => this.reconnectListeners.delete(callback);
  }

  /** Simulates the event connection coming back after a drop (events sent meanwhile are lost). */
  reconnect() {
    for (const l of this.reconnectListeners) l();
  }

  loadImage() {
    return Promise.resolve({ url: 'data:image/png;base64,', release: () => {} });
  }

  resourceRequest() {
    return { url: '/res/x', headers: {} };
  }

  /** What the next import's `transfer` settles with (resolved by default). */
  transfer: () => Promise<void> = () => Promise.resolve();

  importFiles(jobId: string, files: ImportFile[], signal?: AbortSignal) {
    this.imports.push({ jobId, files, signal });
    const task = makeTask({ jobId, total: files.length });
    this.tasks = [...this.tasks.filter((t) => t.id !== task.id), task];
    return Promise.resolve({ task, transfer: this.transfer() });
  }
}

const boundsOf = (p: Array<[number, number]>): Finding['box'] =>
  [Math.min(...p.map((q) => q[0])), Math.min(...p.map((q) => q[1])), Math.max(...p.map((q) => q[0])), Math.max(...p.map((q) => q[1]))];

export const makeJob = (j: Partial<Job> = {}): Job => ({
  id: 'job_00000000000000000001', name: 'Tank 6 external', client: 'Refinery Ltd', site: 'Unit 4', component: 'Shell',
  procedure: 'UT-7', inspector: 'Priya', startDate: null, endDate: null, assetCount: 0,
  createdAt: '2026-11-23T08:00:00.000Z', updatedAt: '2026-11-23T08:00:00.000Z', ...j,
});

export const makeTask = (t: Partial<Task> = {}): Task => ({
  id: 'tsk_00000000000000000001', kind: 'import', jobId: 'job_00000000000000000001', status: 'running', total: 0, processed: 0,
  imported: 0, duplicates: 0, analysed: 0, failed: 0, error: null, errorCode: null, createdAt: '2026-11-23T08:00:00.000Z', finishedAt: null, ...t,
});

export const makeAsset = (a: Partial<Asset> = {}): Asset => ({
  id: 'ast_00000000000000000001', jobId: 'job_00000000000000000001', kind: 'image', mime: 'image/jpeg', size: 20_000,
  sha256: 'a'.repeat(64), originalName: 'IMG_0001.jpg', status: 'ready', createdAt: '2026-11-23T08:00:00.000Z', ...a,
});

export const makeItem = (i: Partial<TaskItem> = {}): TaskItem => ({
  seq: 0, source: 'upload:x', name: 'x', status: 'imported', assetId: null, errorCode: null, message: null, ...i,
});

export const makeModel = (m: Partial<ModelSummary> = {}): ModelSummary => ({
  id: 'neu-det-fcos-mnv2', version: '1.0.0', task: 'detect', title: 'Steel surface defects (NEU-DET)',
  description: 'Hot-rolled steel strip surface defects.', classes: ['crazing', 'inclusion', 'scratches'], origin: 'built-in',
  licence: 'Weights trained on NEU-DET (research and education).', sha256: 'e'.repeat(64),
  metrics: {}, training: {}, inputSize: [256, 256], tiling: { tile: 512, overlap: 64, above: 320 },
  scoreThreshold: 0.3, classThresholds: {}, ...m,
});

export const makeAnalysis = (a: Partial<Analysis> = {}): Analysis => ({
  id: 'ana_00000000000000000001', jobId: 'job_00000000000000000001', assetId: 'ast_00000000000000000001', taskId: 'tsk_00000000000000000002',
  modelId: 'neu-det-fcos-mnv2', modelVersion: '1.0.0', modelSha256: 'e'.repeat(64),
  settings: { threshold: null, scoreThreshold: 0.3, classThresholds: {} }, status: 'done', errorCode: null, message: null,
  durationMs: 40, width: 200, height: 200, findingCount: 0, classCounts: {}, createdAt: '2026-11-23T09:00:00.000Z', ...a,
});

export const makeFinding = (f: Partial<Finding> = {}): Finding => ({
  id: 'fnd_00000000000000000001', analysisId: 'ana_00000000000000000001', jobId: 'job_00000000000000000001', assetId: 'ast_00000000000000000001',
  class: 'scratches', score: 0.87, box: [10, 20, 110, 60], polygon: null, status: 'proposed', createdAt: '2026-11-23T09:00:00.000Z',
  source: 'model', version: 1, note: null, rejectReason: null, decidedBy: null, decidedAt: null, modelClass: f.class ?? 'scratches', modelBox: f.box ?? [10, 20, 110, 60], ...f,
});
