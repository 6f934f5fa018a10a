import type {
  ChittiBridge, ErrorCode, ProcedureInput, ProcedureName, ProcedureOutput, RpcResult,
} from '../../../shared/contract/index.ts';

/** The renderer's one way to reach the core, typed from the contract. */
export interface ApiClient {
  invoke<N extends ProcedureName>(name: N, input: ProcedureInput<N>): Promise<ProcedureOutput<N>>;
}

/** A failed call: `code` is one of the contract's stable error codes. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}


const bridge = (): ChittiBridge | undefined => (window as { api?: ChittiBridge }).api;

function unwrap<T>(res: RpcResult<unknown>): T {
  if (res.ok) return res.result as T;
  throw new ApiError(res.error.code, res.error.message);
}

/** Inside Electron: calls go through the preload's `window.api`. */
export function createIpcClient(api: ChittiBridge | undefined = bridge()): ApiClient {
  if (!api) throw new Error('window.api is missing: the preload script did not run.');
  return {
    async invoke(name, input) {
      return unwrap(await api.invoke(name, input));
    },
  };
}

/** In a browser against `chitti serve`: POST /rpc/:name with the session's bearer token. */
export function createHttpClient(baseUrl: string, token: string): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async invoke(name, input) {
      const res = await fetch(`${base}/rpc/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
        credentials: 'omit',
        cache: 'no-store',
      });
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new ApiError('INTERNAL', `The server answered ${res.status} without a Chitti result.`);
      }
      if (typeof body !== 'object' || body === null || typeof (body as { ok?: unknown }).ok !== 'boolean') {
        throw new ApiError('INTERNAL', `The server answered ${res.status} without a Chitti result.`);
      }
      return unwrap(body as RpcResult<unknown>);
    },
  };
}

/** The token `chitti serve` puts in the URL it prints: `http://127.0.0.1:PORT/#token=…`. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token !== null && token !== '' ? token : null;
}

/** Picks the transport at start-up: the preload bridge in Electron, HTTP in a browser. */
export function createApiClient(): ApiClient {
  const api = bridge();
  if (api) return createIpcClient(api);
  const token = tokenFromHash(window.location.hash);
  if (token === null) throw new Error('No access token: open the address that `chitti serve` printed (it ends in #token=…).');
  return createHttpClient(window.location.origin, token);
}
