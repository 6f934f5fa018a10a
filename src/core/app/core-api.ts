import type {
  ErrorShape, EventName, EventPayload, ProcedureName, ProcedureOutput, ResourceBody, RpcResult, TaskItem,
} from '../../shared/contract/index.ts';

export type EventListener = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

/** What every host (Electron IPC, loopback HTTP, CLI) gets from `createCore`. */
export interface Core {
  /** Validates `input` against the contract, runs the handler, never throws. */
  dispatch<N extends ProcedureName>(name: N, input: unknown): Promise<RpcResult<ProcedureOutput<N>>>;
  /** Same, for names that arrive as untrusted strings from a transport. */
  dispatchUnknown(name: string, input: unknown): Promise<RpcResult<unknown>>;
  /** Fetches a binary resource (thumbnail, tile) by contract name; params are validated like inputs. */
  fetchResource(name: string, params: unknown): Promise<{ ok: true; result: ResourceBody } | { ok: false; error: ErrorShape }>;
  /**
   * Receives the bytes of one file of an upload import (`uploads.begin`): the
   * file is checked and stored like an imported path, and its item settled.
   */
  receiveUpload(taskId: string, seq: number, body: AsyncIterable<Uint8Array>): Promise<RpcResult<TaskItem>>;
  /** Subscribes to all events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Resolves once no task is queued or running in this process. */
  idle(): Promise<void>;
  /** Waits for running tasks to reach a safe point, then closes the database. */
  close(): Promise<void>;
}
