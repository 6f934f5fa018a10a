import type { RpcResult, Task } from '../../../shared/contract/index.ts';
import { isHousekeeping } from '../../../shared/housekeeping.ts';
import { ApiError, resourceQuery, unwrap, type ApiClient, type ImportFile } from './types.ts';
import { EventStream } from './event-stream.ts';

/** How many files a browser sends at once: enough to keep the core's workers busy, few enough for a laptop. */
const UPLOAD_PARALLELISM = 3;

async function readResult(res: Response): Promise<RpcResult<unknown>> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('INTERNAL', `The server answered ${res.status} without a Chitti result.`);
  }
  if (typeof body !== 'object' || body === null || typeof (body as { ok?: unknown }).ok !== 'boolean') {
    throw new ApiError('INTERNAL', `The server answered ${res.status} without a Chitti result.`);
  }
  return body as RpcResult<unknown>;
}

/** In a browser against `chitti serve`: JSON calls, SSE events, binary resources and uploads, all with the bearer token. */
export function createHttpClient(baseUrl: string, token: string): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${token}` };
  const events = new EventStream(`${base}/events`, auth);

  const invoke = async (name: string, input: unknown) => {
    const res = await fetch(`${base}/rpc/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(input ?? {}),
      credentials: 'omit',
      cache: 'no-store',
    });
    return unwrap(await readResult(res));
  };

  const upload = async (task: Task, seq: number, file: File, signal?: AbortSignal) => {
    const res = await fetch(`${base}/upload/${task.id}/${seq}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', ...auth },
      body: file,
      credentials: 'omit',
      signal,
    });
    const result = await readResult(res);
    // CONFLICT: the item was settled already (empty, too large, cancelled): nothing to send.
    if (!result.ok && result.error.code !== 'CONFLICT') throw new ApiError(result.error.code, result.error.message);
  };

  return {
    transport: 'http',
    invoke: invoke as ApiClient['invoke'],
    on(event, callback) {
      return events.on(event, callback as (p: unknown) => void);
    },
    onReconnect(callback) {
      return events.onReconnect(callback);
    },
    async loadImage(name, params) {
      const res = await fetch(`${base}/res/${name}?${resourceQuery(params)}`, { headers: auth, credentials: 'omit' });
      if (!res.ok) unwrap(await readResult(res));
      const url = URL.createObjectURL(await res.blob());
      return { url, release: () => URL.revokeObjectURL(url) };
    },
    resourceRequest(name, params) {
      return { url: `${base}/res/${name}?${resourceQuery(params)}`, headers: auth };
    },
    async importFiles(jobId: string, files: ImportFile[], signal?: AbortSignal) {
      const declared = files.map((f) => ({ name: f.relativePath || f.file.name, size: f.file.size }));
      const task = (await invoke('uploads.begin', { jobId, files: declared })) as Task;
      // The core gives folder housekeeping no item and numbers the rest in order: the same rule here gives each file its seq.
      const kept = files.filter((_, i) => !isHousekeeping(declared[i]!.name));
      // Files the core settled from their declared size alone (empty, too large) need no bytes.
      const pending: number[] = [];
      for (let offset = 0; ; offset += 1000) {
        const { items } = (await invoke('tasks.items', { taskId: task.id, status: 'pending', limit: 1000, offset })) as { items: Array<{ seq: number }> };
        pending.push(...items.map((i) => i.seq));
        if (items.length < 1000) break;
      }
      let next = 0;
      const worker = async () => {
        while (next < pending.length && !signal?.aborted) {
          const seq = pending[next++]!;
          const f = kept[seq];
          if (f) await upload(task, seq, f.file, signal);
        }
      };
      // Uploads go on in the background; progress and per-file outcomes arrive as events.
      // Stopped on purpose (the import was cancelled): nothing failed.
      const transfer = Promise.all(Array.from({ length: UPLOAD_PARALLELISM }, worker)).then(
        () => undefined,
        (e: unknown) => {
          if (!signal?.aborted) throw e;
        },
      );
      return { task, transfer };
    },
  };
}
