import type { ChittiBridge, Task } from '../../../shared/contract/index.ts';
import { resourceQuery, unwrap, type ApiClient } from './types.ts';

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
    onReconnect() {
      // IPC is not a connection that can drop: no event is ever missed.
      return () => {};
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
