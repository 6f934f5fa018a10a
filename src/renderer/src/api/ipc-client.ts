import type { ChittiBridge, RpcResult, Task } from '../../../shared/contract/index.ts';
import { ApiError, resourceQuery, type ApiClient } from './types.ts';

function unwrap<T>(res: RpcResult<unknown>): T {
  if (res.ok) return res.result as T;
  throw new ApiError(res.error.code, res.error.message);
}

/**
 * Inside Electron: calls go through the preload's `window.api`; images come
 * from the app's own `chitti://res/…` protocol, which resolves content-store
 * ids only; imports go by path (the preload turns dropped File objects into
 * their paths), so large radiographs are never copied through IPC.
 */
export function createIpcClient(api: ChittiBridge): ApiClient {
  const resourceUrl = (name: string, params: Record<string, unknown>) => `chitti://res/${name}?${resourceQuery(params)}`;
  const invoke = async (name: string, input: unknown) => unwrap(await api.invoke(name, input));
  return {
    transport: 'ipc',
    invoke: invoke as ApiClient['invoke'],
    on(event, callback) {
      return api.on(event, callback as (p: unknown) => void);
    },
    loadImage(name, params) {
      return Promise.resolve({ url: resourceUrl(name, params), release: () => {} });
    },
    resourceRequest(name, params) {
      return { url: resourceUrl(name, params), headers: {} };
    },
    async importFiles(jobId, files) {
      const task = (await invoke('assets.import', { jobId, paths: files.map((f) => f.file) })) as Task;
      return { task, transfer: Promise.resolve() };
    },
  };
}
