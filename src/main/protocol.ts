/**
 * The app's own image protocol: `chitti://res/<name>?<params>` answers a
 * resource of the contract (thumbnail, tile) through `core.fetchResource`,
 * which resolves asset ids through the database and the content store. No
 * part of the URL is ever a file path, and anything else the scheme is asked
 * for is a 404: the renderer cannot use this to read a file from disk.
 *
 * Privileges: `standard` (a real host and path, so `chitti://res/..` is
 * normalised by the URL parser, not by us), `secure` (no mixed-content
 * downgrade), `supportFetchAPI`, `stream`; `corsEnabled` stays off, so no
 * other origin can read these bytes through fetch. Images (<img>,
 * OpenSeadragon's default tile loading) need no CORS.
 */
import { protocol, session, type Session } from 'electron';
import type { Core } from '../core/index.ts';
import { paramsFromQuery } from '../core/app/resources.ts';
import { httpStatusFor, type ErrorCode, type RpcResult } from '../shared/contract/index.ts';

export const RESOURCE_SCHEME = 'chitti';
const RESOURCE_HOST = 'res';
/** `domain.name` as in the contract; anything else is not looked up at all. */
const RESOURCE_PATH = /^\/([a-z][a-zA-Z]*\.[a-z][a-zA-Z]*)$/;
/** Decrypted images: Chromium must not write them to its disk cache (the workspace is encrypted at rest; the cache is not). */
const CACHE_CONTROL = 'no-store';

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerResourceScheme(): void {
  protocol.registerSchemesAsPrivileged([{
    scheme: RESOURCE_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true },
  }]);
}

function errorResponse(status: number, code: ErrorCode, message: string): Response {
  const body: RpcResult<never> = { ok: false, error: { code, message } };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
  });
}

const notFound = () => errorResponse(404, 'NOT_FOUND', 'Not found');

/** The protocol handler: a pure function of the request, testable without Electron. */
export function createResourceHandler(core: Pick<Core, 'fetchResource'>) {
  return async (request: Request): Promise<Response> => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound();
    }
    if (url.protocol !== `${RESOURCE_SCHEME}:` || url.hostname !== RESOURCE_HOST || url.port !== '' || url.username !== '' || url.password !== '') {
      return notFound();
    }
    const name = RESOURCE_PATH.exec(url.pathname)?.[1];
    if (name === undefined) return notFound();
    if (request.method !== 'GET') return errorResponse(405, 'INVALID_INPUT', 'Use GET');

    let result: Awaited<ReturnType<Core['fetchResource']>>;
    try {
      result = await core.fetchResource(name, paramsFromQuery(url.searchParams));
    } catch {
      // fetchResource promises never to throw; a rejected handler would surface as a bare network error.
      return errorResponse(500, 'INTERNAL', 'Internal error');
    }
    if (!result.ok) {
      return errorResponse(httpStatusFor(result.error.code), result.error.code, result.error.message);
    }
    const { mime, body } = result.result;
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': mime, 'Content-Length': String(body.byteLength), 'Cache-Control': CACHE_CONTROL, 'X-Content-Type-Options': 'nosniff' },
    });
  };
}

/** Serves `chitti://` on the app's session; returns the function that stops it. */
export function handleResources(core: Pick<Core, 'fetchResource'>, ses: Session = session.defaultSession): () => void {
  ses.protocol.handle(RESOURCE_SCHEME, createResourceHandler(core));
  return () => ses.protocol.unhandle(RESOURCE_SCHEME);
}
