import type {
  EventName, EventPayload, ProcedureName, ProcedureOutput, RpcResult,
} from '../../shared/contract/index.ts';

export type EventListener = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

/** What every host (Electron IPC, loopback HTTP, CLI) gets from `createCore`. */
export interface Core {
  /** Validates `input` against the contract, runs the handler, never throws. */
  dispatch<N extends ProcedureName>(name: N, input: unknown): Promise<RpcResult<ProcedureOutput<N>>>;
  /** Same, for names that arrive as untrusted strings from a transport. */
  dispatchUnknown(name: string, input: unknown): Promise<RpcResult<unknown>>;
  /** Subscribes to all events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Resolves once no task is queued or running in this process. */
  idle(): Promise<void>;
  /** Waits for running tasks to reach a safe point, then closes the database. */
  close(): Promise<void>;
}
