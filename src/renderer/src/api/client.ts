import type { ChittiBridge } from '../../../shared/contract/index.ts';
import { createHttpClient } from './http-client.ts';
import { createIpcClient } from './ipc-client.ts';
import type { ApiClient } from './types.ts';

export type { ApiClient, ImageHandle, ImportFile } from './types.ts';
export { ApiError } from './types.ts';

const TOKEN_KEY = 'chitti.token';

/** The token `chitti serve` puts in the URL it prints: `http://127.0.0.1:PORT/#token=…`. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token !== null && token !== '' ? token : null;
}

/**
 * Picks the transport at start-up: the preload bridge in Electron, HTTP in a
 * browser. The token moves from the address to this tab's session storage,
 * so the address bar can carry the screen (`#/jobs/…`) and a reload still works.
 */
export function createApiClient(): ApiClient {
  const bridge = (window as { api?: ChittiBridge }).api;
  if (bridge) return createIpcClient(bridge);
  const fromHash = tokenFromHash(window.location.hash);
  if (fromHash !== null) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', `${window.location.pathname}#/`);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY);
  if (token === null) throw new Error('No access token: open the address that `chitti serve` printed (it ends in #token=…).');
  return createHttpClient(window.location.origin, token);
}
