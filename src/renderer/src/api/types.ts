import type {
  ErrorCode, EventName, EventPayload, ProcedureInput, ProcedureName, ProcedureOutput, ResourceName, ResourceParams, RpcResult, Task,
} from '../../../shared/contract/index.ts';

/** One file the user dropped or picked; `relativePath` keeps folder structure for display. */
export interface ImportFile {
  file: File;
  relativePath: string;
}

/** A URL an <img> (or the viewer) can load, and how to let go of it. */
export interface ImageHandle {
  url: string;
  release: () => void;
}

/** The renderer's one way to reach the core, typed from the contract, on IPC or HTTP alike. */
export interface ApiClient {
  readonly transport: 'ipc' | 'http';
  invoke<N extends ProcedureName>(name: N, input: ProcedureInput<N>): Promise<ProcedureOutput<N>>;
  on<E extends EventName>(event: E, callback: (payload: EventPayload<E>) => void): () => void;
  /**
   * Called after the event connection came back from a drop (never for the
   * first connection): events sent meanwhile are lost, so whoever follows
   * something re-reads it. IPC never drops, so it never calls back.
   */
  onReconnect(callback: () => void): () => void;
  /** Fetches an image resource (thumbnail, tile) and returns a URL for it. */
  loadImage<R extends ResourceName>(name: R, params: ResourceParams<R>): Promise<ImageHandle>;
  /** For the tile viewer: the URL of a resource and the headers that must go with it. */
  resourceRequest<R extends ResourceName>(name: R, params: ResourceParams<R>): { url: string; headers: Record<string, string> };
  /**
   * Starts importing files into a job. Progress and per-file outcomes arrive
   * as `task.progressed` events; `transfer` settles when every byte was
   * handed over (at once over IPC, where the core reads the files itself).
   * Aborting `signal` (after cancelling the task) stops sending: `transfer`
   * then resolves.
   */
  importFiles(jobId: string, files: ImportFile[], signal?: AbortSignal): Promise<{ task: Task; transfer: Promise<void> }>;
}

/** A failed call: `code` is one of the contract's stable error codes. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** A call's result, or its error thrown as an ApiError. */
export function unwrap<T>(res: RpcResult<unknown>): T {
  if (res.ok) return res.result as T;
  throw new ApiError(res.error.code, res.error.message);
}

export const resourceQuery = (params: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
