import type { RpcResult } from './rpc.ts';

/** IPC channels between preload and main: calls `(name, input)`, events `(name, payload)`. */
export const INVOKE_CHANNEL = 'chitti:invoke';
export const EVENT_CHANNEL = 'chitti:event';

/** What the renderer sees as `window.api` inside Electron. */
export interface ChittiBridge {
  invoke(name: string, input: unknown): Promise<RpcResult<unknown>>;
  on(event: string, callback: (payload: unknown) => void): () => void;
}

/**
 * The one Content-Security-Policy of the UI, sent by Electron's main process,
 * by `chitti serve`, and put in the built index.html as a <meta>. `chitti:`
 * is the app's own image protocol (thumbnails, tiles; see src/main/protocol.ts).
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: chitti:; " +
  "connect-src 'self' chitti:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
