import type {
  ErrorShape, EventName, EventPayload, ProcedureName, ProcedureOutput, ReportFormat, ResourceBody, RpcResult, TaskItem,
} from '../../shared/contract/index.ts';
import type { ReportFile } from '../report/report-service.ts';
import type { SigningKey } from '../report/sign.ts';

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
  /**
   * A job's inspection report (PDF, JSON or CSV), optionally signed with a
   * PKCS#12 key (PDF only). For in-process hosts (the CLI): the key never
   * crosses a transport; the app gets unsigned reports as the `job.report`
   * resource. Every export is audited.
   */
  exportReport(jobId: string, options: { format: ReportFormat; signing?: SigningKey }): Promise<RpcResult<ReportFile>>;
  /** Subscribes to all events; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /** Resolves once no task is queued or running in this process. */
  idle(): Promise<void>;
  /** Waits for running tasks to reach a safe point, then closes the database. */
  close(): Promise<void>;
}
