/**
 * The only bridge between the renderer and the main process. It exposes
 * `window.api = { invoke, on }` and nothing else: no ipcRenderer, no process,
 * no environment. Names are checked against the contract here so that typos
 * fail fast, but this is not the trust boundary: main checks the sender and
 * the core validates every input.
 *
 * Runs sandboxed, so it is bundled as CommonJS and may import only electron
 * and src/shared.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL, isEventName, isProcedureName } from '../shared/contract/index.ts';
import type { ChittiBridge, RpcResult } from '../shared/contract/index.ts';


type IpcRendererLike = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createBridge(ipc: IpcRendererLike): ChittiBridge {
  return {
    invoke(name, input) {
      if (typeof name !== 'string' || !isProcedureName(name)) {
        return Promise.reject(new Error(`Unknown procedure "${String(name)}"`));
      }
      return ipc.invoke(INVOKE_CHANNEL, name, input) as Promise<RpcResult<unknown>>;
    },
    on(event, callback) {
      if (typeof event !== 'string' || !isEventName(event)) {
        throw new Error(`Unknown event "${String(event)}"`);
      }
      if (typeof callback !== 'function') throw new TypeError('on(event, callback): callback must be a function');
      // The IpcRendererEvent (which carries `sender`, i.e. ipcRenderer) never reaches the page.
      const listener = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
        if (name === event) callback(payload);
      };
      ipc.on(EVENT_CHANNEL, listener);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, listener);
      };
    },
  };
}

contextBridge.exposeInMainWorld('api', createBridge(ipcRenderer));
