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
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL, isEventName, isProcedureName } from '../shared/contract/index.ts';
import type { ChittiBridge, RpcResult } from '../shared/contract/index.ts';


type IpcRendererLike = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>;
type PathForFile = (file: File) => string;

/**
 * The app imports by path, so a 500 MB radiograph is read by the core from
 * disk instead of being copied through IPC. Dropped or picked files arrive in
 * the page as File objects; only the preload can ask Electron for their paths.
 */
function withPaths(name: string, input: unknown, pathForFile: PathForFile): unknown {
  if (name !== 'assets.import' || typeof input !== 'object' || input === null) return input;
  const { paths } = input as { paths?: unknown };
  if (!Array.isArray(paths)) return input;
  return {
    ...input,
    paths: paths.map((p: unknown) => {
      if (typeof File === 'undefined' || !(p instanceof File)) return p;
      const found = pathForFile(p);
      if (!found) throw new Error(`“${p.name}” has no path on disk and cannot be imported.`);
      return found;
    }),
  };
}

export function createBridge(ipc: IpcRendererLike, pathForFile: PathForFile = (f) => webUtils.getPathForFile(f)): ChittiBridge {
  return {
    invoke(name, input) {
      if (typeof name !== 'string' || !isProcedureName(name)) {
        return Promise.reject(new Error(`Unknown procedure "${String(name)}"`));
      }
      let sent: unknown;
      try {
        sent = withPaths(name, input, pathForFile);
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
      return ipc.invoke(INVOKE_CHANNEL, name, sent) as Promise<RpcResult<unknown>>;
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
