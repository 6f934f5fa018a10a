import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import type { Core } from '../core/index.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type RpcResult } from '../shared/contract/index.ts';

export { EVENT_CHANNEL, INVOKE_CHANNEL };

/** Channel names shared with src/preload/index.ts (which cannot import from main). */

/** Where our own renderer is loaded from: the built file, or the dev server in development. */
export interface RendererLocation {
  /** `file://…/out/renderer/index.html` */
  fileUrl: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL); never set in a packaged app. */
  devUrl?: string | undefined;
}

/** True when `url` is our renderer page (any hash or query), and nothing else. */
export function isOwnRendererUrl(url: string, where: RendererLocation): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'file:') {
    u.hash = '';
    u.search = '';
    return u.href === new URL(where.fileUrl).href;
  }
  if (where.devUrl !== undefined && (u.protocol === 'http:' || u.protocol === 'https:')) {
    return u.origin === new URL(where.devUrl).origin;
  }
  return false;
}

/**
 * Only the top frame of our main window, showing our own renderer, may call
 * the core. An iframe, another window, or a page the window was somehow
 * navigated to is refused.
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  window: BrowserWindow | null,
  where: RendererLocation,
): boolean {
  if (!window || window.isDestroyed()) return false;
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  const contents = window.webContents;
  if (event.sender.id !== contents.id) return false;
  const top = contents.mainFrame;
  if (frame.processId !== top.processId || frame.routingId !== top.routingId) return false;
  return isOwnRendererUrl(frame.url, where);
}

const refused: RpcResult<never> = {
  ok: false,
  error: { code: 'UNAUTHORIZED', message: 'This caller is not allowed to use Chitti.' },
};

/**
 * The `chitti:invoke` handler: checks who is calling, then hands the name and
 * input, unchecked, to `core.dispatchUnknown`, which validates both and never
 * throws. Its RpcResult goes back to the renderer as is.
 */
export function createInvokeHandler(
  core: Pick<Core, 'dispatchUnknown'>,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
) {
  return async (event: IpcMainInvokeEvent, name: unknown, input: unknown): Promise<RpcResult<unknown>> => {
    if (!isTrusted(event)) return refused;
    if (typeof name !== 'string') {
      return { ok: false, error: { code: 'UNKNOWN_PROCEDURE', message: 'A procedure name must be a string.' } };
    }
    return core.dispatchUnknown(name, input);
  };
}

/**
 * Connects the core to the window: calls in over `chitti:invoke`, events out
 * over `chitti:event` as `(name, payload)`. Returns the function that undoes both.
 */
export function registerIpc(
  core: Pick<Core, 'dispatchUnknown' | 'subscribe'>,
  getWindow: () => BrowserWindow | null,
  where: RendererLocation,
): () => void {
  ipcMain.handle(INVOKE_CHANNEL, createInvokeHandler(core, (event) => isTrustedSender(event, getWindow(), where)));
  const unsubscribe = core.subscribe((name, payload) => {
    const window = getWindow();
    // Events carry job data: they go only to our own page, never to whatever else a frame shows.
    if (window && !window.isDestroyed() && isOwnRendererUrl(window.webContents.getURL(), where)) {
      window.webContents.send(EVENT_CHANNEL, name, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}
