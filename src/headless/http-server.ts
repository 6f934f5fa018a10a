/**
 * Loopback HTTP transport for the core: `POST /rpc/:name`, `GET /events` (SSE),
 * `GET /res/:name` (images), `PUT /upload/:taskId/:seq` (import by upload)
 * and, optionally, the built renderer as static files.
 *
 * This is reachable by every process on the machine and by any web page the
 * user opens (via DNS rebinding or cross-origin requests), so every request is
 * checked for an exact loopback Host, a same-origin Origin (when present) and,
 * for anything touching user data, a bearer token. No CORS headers are ever
 * sent: a foreign page must not be able to read a single byte from here.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { open, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Core, EventListener } from '../core/app/core-api.ts';
import { paramsFromQuery } from '../core/app/resources.ts';
import {
  CONTENT_SECURITY_POLICY, UploadTargetSchema, httpStatusFor, type ErrorCode, type ResourceBody, type RpcResult, type TaskItem,
} from '../shared/contract/index.ts';

export interface HttpLogger {
  info(msg: string, fields?: object): void;
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
}

export interface HttpServerOptions {
  /** 0 (the default) picks a random free port. */
  port?: number;
  /** Only loopback is allowed; the option exists to make that explicit at call sites. */
  host?: '127.0.0.1';
  /** Built renderer to serve; null or absent serves no static files. */
  staticDir?: string | null;
  /** Bearer token; a fresh random one is generated when absent. */
  token?: string;
  logger?: HttpLogger;
}

export interface HttpServerHandle {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:49152`. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const BIND_HOST = '127.0.0.1';
const MAX_BODY_BYTES = 1024 * 1024;
/** How long receiving a request may take, except for an upload's body. */
const REQUEST_TIMEOUT_MS = 30_000;
/** An upload whose sender goes this long without sending a byte is dropped (its file stays pending). */
const UPLOAD_IDLE_MS = 60_000;
const SSE_PING_MS = 15_000;
/** A client this far behind is stuck or malicious; dropping it is cheaper than buffering for it. */
const SSE_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

const noopLogger: HttpLogger = { info() {}, warn() {}, error() {} };

/** Everything a request handler needs; built once the port is known. */
interface ServerContext {
  core: Core;
  logger: HttpLogger;
  tokenDigest: Buffer;
  allowedHosts: ReadonlySet<string>;
  allowedOrigins: ReadonlySet<string>;
  /** Real path of staticDir (symlinks resolved), or null when not serving files. */
  staticRoot: string | null;
  streams: Set<ServerResponse>;
}

export async function startHttpServer(core: Core, options: HttpServerOptions = {}): Promise<HttpServerHandle> {
  // Callers in plain JS could pass anything; refusing beats silently exposing the core on a LAN.
  const host: string = options.host ?? BIND_HOST;
  if (host !== BIND_HOST) {
    throw new Error('http server only binds 127.0.0.1');
  }
  const token = options.token ?? randomBytes(32).toString('base64url');
  assertUsableToken(token);
  const logger = options.logger ?? noopLogger;
  const staticRoot = options.staticDir ? await realpath(path.resolve(options.staticDir)) : null;

  const server = createServer();
  // Slow-drip clients must not hold sockets forever; SSE is unaffected since
  // these only bound how long receiving the request may take.
  server.headersTimeout = 10_000;
  // Receiving a body is bounded per request instead (armRequestDeadline): a
  // server-wide limit would also cut an upload of a large radiograph.
  server.requestTimeout = 0;
  const port = await listen(server, options.port ?? 0);

  const ctx: ServerContext = {
    core,
    logger,
    tokenDigest: digest(token),
    allowedHosts: new Set([`127.0.0.1:${port}`, `localhost:${port}`]),
    allowedOrigins: new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]),
    staticRoot,
    streams: new Set(),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(ctx, req, res).catch((err: unknown) => failRequest(ctx, res, err));
  });

  const url = `http://${BIND_HOST}:${port}`;
  logger.info('http server listening', { url, static: staticRoot !== null });
  return { url, port, token, close: onceAsync(() => closeServer(ctx, server)) };
}

// ---------------------------------------------------------------- lifecycle

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: BIND_HOST, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeServer(ctx: ServerContext, server: Server): Promise<void> {
  // SSE responses never finish on their own, so server.close() alone would wait forever.
  for (const res of ctx.streams) res.end();
  ctx.streams.clear();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  ctx.logger.info('http server closed');
}

function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | null = null;
  return () => (pending ??= fn());
}

// ---------------------------------------------------------------- routing

async function handleRequest(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);

  // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host: evil.example.
  if (!ctx.allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
    return sendError(res, 421, 'UNAUTHORIZED', 'Host not allowed');
  }
  // Cross-origin pages may send requests even if they cannot read answers; refuse them outright.
  const origin = req.headers.origin;
  if (origin !== undefined && !ctx.allowedOrigins.has(origin.toLowerCase())) {
    return sendError(res, 403, 'UNAUTHORIZED', 'Origin not allowed');
  }

  const lift = armRequestDeadline(req);
  const rawPath = rawPathname(req.url);
  if (rawPath === null) return sendError(res, 400, 'INVALID_INPUT', 'Bad request target');

  if (rawPath === '/rpc' || rawPath.startsWith('/rpc/')) {
    if (!isAuthorized(ctx, req)) return sendUnauthorized(res);
    return handleRpc(ctx, req, res, rawPath.slice('/rpc/'.length));
  }
  if (rawPath === '/events') {
    if (!isAuthorized(ctx, req)) return sendUnauthorized(res);
    return handleEvents(ctx, req, res);
  }
  if (rawPath === '/res' || rawPath.startsWith('/res/')) {
    if (!isAuthorized(ctx, req)) return sendUnauthorized(res);
    return handleResource(ctx, req, res, rawPath.slice('/res/'.length));
  }
  if (rawPath === '/upload' || rawPath.startsWith('/upload/')) {
    if (!isAuthorized(ctx, req)) return sendUnauthorized(res);
    return handleUpload(ctx, req, res, rawPath.slice('/upload/'.length), lift);
  }
  return handleStatic(ctx, req, res, rawPath);
}

/**
 * The whole request (headers and body) must arrive within REQUEST_TIMEOUT_MS,
 * or the connection is dropped; returns a function that lifts the limit (for
 * an upload, which has an idle limit instead).
 */
function armRequestDeadline(req: IncomingMessage): () => void {
  const timer = setTimeout(() => {
    if (!req.complete) req.socket.destroy();
  }, REQUEST_TIMEOUT_MS);
  timer.unref();
  const lift = () => clearTimeout(timer);
  req.once('close', lift);
  return lift;
}

/** Path part of the request target, undecoded, so `%2e%2e` cannot be normalised away before we look at it. */
function rawPathname(target: string | undefined): string | null {
  if (!target?.startsWith('/')) return null; // absolute-form and `*` targets are never ours
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

// ---------------------------------------------------------------- auth

function assertUsableToken(token: string): void {
  // The token travels in a header: whitespace or control characters would make it unmatchable.
  if (!/^[\x21-\x7e]+$/.test(token)) throw new Error('token must be non-empty printable ASCII without spaces');
}

/** Hashing first makes both sides the same length, so timingSafeEqual never throws and length does not leak. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function isAuthorized(ctx: ServerContext, req: IncomingMessage): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  const presented = match?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(digest(presented), ctx.tokenDigest);
}

function sendUnauthorized(res: ServerResponse): void {
  res.setHeader('WWW-Authenticate', 'Bearer');
  sendError(res, 401, 'UNAUTHORIZED', 'Missing or invalid bearer token');
}

// ---------------------------------------------------------------- rpc

async function handleRpc(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendError(res, 405, 'INVALID_INPUT', 'Use POST for /rpc');
  }
  if (name === '' || name.includes('/')) return sendError(res, 404, 'UNKNOWN_PROCEDURE', 'Unknown procedure');
  if (!isJsonContentType(req.headers['content-type'])) {
    return sendError(res, 415, 'INVALID_INPUT', 'Content-Type must be application/json');
  }

  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === 'too-large') return rejectTooLarge(req, res);
  const input = parseJsonBody(body);
  if (input === INVALID_JSON) return sendError(res, 400, 'INVALID_INPUT', 'Request body is not valid JSON');

  let result: RpcResult<unknown>;
  try {
    result = await ctx.core.dispatchUnknown(name, input);
  } catch (err) {
    // dispatchUnknown promises never to throw; if it does, the message may echo input, so log only the name.
    ctx.logger.error('rpc dispatch threw', { procedure: name, error: errorName(err) });
    return sendError(res, 500, 'INTERNAL', 'Internal error');
  }
  sendJson(res, result.ok ? 200 : httpStatusFor(result.error.code), result);
}

function isJsonContentType(header: string | undefined): boolean {
  const mediaType = header?.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/** Collects the body up to `limit` bytes; beyond that, stops collecting and says so. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve('too-large');

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** Answers 413 and closes the connection so the rest of an oversized body is never read. */
function rejectTooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('Connection', 'close');
  res.once('finish', () => req.socket.destroySoon());
  sendError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
}

const INVALID_JSON = Symbol('invalid-json');

function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    // fatal: invalid UTF-8 is a client bug, not something to paper over with U+FFFD.
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return INVALID_JSON;
  }
}

// ---------------------------------------------------------------- resources

/**
 * Decrypted thumbnails and tiles: no cache may keep them, the browser's own
 * disk cache included (the workspace is encrypted at rest; a cache is not).
 */
const RESOURCE_CACHE_CONTROL = 'no-store';

/**
 * `GET /res/:name?<params>`: thumbnails and tiles as bytes. Params are the
 * query's strings, validated and coerced by the core; errors are the usual
 * JSON RpcResult with the code's status, so the browser never renders them as
 * an image. HEAD is refused: nothing needs it, and answering it would run the
 * whole decode just to discard the body.
 */
async function handleResource(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    return sendError(res, 405, 'INVALID_INPUT', 'Use GET for /res');
  }
  if (name === '' || name.includes('/')) return sendError(res, 404, 'UNKNOWN_PROCEDURE', 'Unknown resource');
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;

  let result: RpcResult<ResourceBody>;
  try {
    result = await ctx.core.fetchResource(name, paramsFromQuery(query));
  } catch (err) {
    // fetchResource promises never to throw; log only the name, as for /rpc.
    ctx.logger.error('resource fetch threw', { resource: name, error: errorName(err) });
    return sendError(res, 500, 'INTERNAL', 'Internal error');
  }
  if (!result.ok) return sendJson(res, httpStatusFor(result.error.code), result);
  const { mime, body } = result.result;
  res.writeHead(200, {
    'Content-Type': mime,
    'Content-Length': body.byteLength,
    'Cache-Control': RESOURCE_CACHE_CONTROL,
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

// ---------------------------------------------------------------- uploads

/**
 * `PUT /upload/:taskId/:seq`: the raw bytes of file `seq` of an upload task
 * (`uploads.begin`), streamed into the core as they arrive, not subject to the
 * JSON body limit. Any Content-Type is accepted and ignored (the content
 * decides the type); a Content-Encoding is refused, since the bytes must be
 * the file's own. Answers the RpcResult (the settled TaskItem) with the
 * code's status. A client that disconnects leaves the file pending, with
 * nothing stored; it can PUT it again.
 */
async function handleUpload(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, target: string, liftDeadline: () => void): Promise<void> {
  if (req.method !== 'PUT') {
    res.setHeader('Allow', 'PUT');
    return sendError(res, 405, 'INVALID_INPUT', 'Use PUT for /upload');
  }
  const [taskId, seq, ...extra] = target.split('/');
  // Digits only: the schema coerces query-style strings, and '' or '1e3' must not become a file number.
  const parsed = extra.length === 0 && /^\d{1,4}$/.test(seq ?? '') ? UploadTargetSchema.safeParse({ taskId, seq }) : null;
  if (!parsed?.success) return sendError(res, 400, 'INVALID_INPUT', 'Expected /upload/<taskId>/<seq>, e.g. /upload/tsk_…/0');
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    return sendError(res, 415, 'INVALID_INPUT', 'Send the file as it is, without a Content-Encoding');
  }

  liftDeadline();
  req.setTimeout(UPLOAD_IDLE_MS, () => req.destroy());
  // Once the body is in, storing it may take a while (fsync): that is not the sender being idle.
  req.once('end', () => req.socket.setTimeout(0));
  let result: RpcResult<TaskItem>;
  try {
    result = await ctx.core.receiveUpload(parsed.data.taskId, parsed.data.seq, req);
  } catch (err) {
    // receiveUpload promises never to throw; log only the target, as for /rpc.
    ctx.logger.error('upload threw', { taskId: parsed.data.taskId, seq: parsed.data.seq, error: errorName(err) });
    return sendError(res, 500, 'INTERNAL', 'Internal error');
  }
  if (req.socket.destroyed) return; // the sender went away: nobody to answer
  sendJson(res, result.ok ? 200 : httpStatusFor(result.error.code), result);
}

// ---------------------------------------------------------------- events (SSE)

function handleEvents(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    return sendError(res, 405, 'INVALID_INPUT', 'Use GET for /events');
  }
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-store',
    Connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  ctx.streams.add(res);

  const send = (chunk: string) => {
    if (res.writableLength > SSE_MAX_BUFFERED_BYTES) {
      ctx.logger.warn('dropping slow event-stream client', { buffered: res.writableLength });
      res.destroy(); // triggers 'close', which cleans up below
      return;
    }
    res.write(chunk);
  };
  const listener: EventListener = (name, payload) => {
    // Listeners run inside the core's emit; a failure here must never reach it.
    try {
      send(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    } catch (err) {
      ctx.logger.error('failed to write event', { event: name, error: errorName(err) });
    }
  };
  const unsubscribe = ctx.core.subscribe(listener);
  // Keeps idle connections alive through anything that times out quiet sockets, and detects dead clients.
  const ping = setInterval(() => send(': ping\n\n'), SSE_PING_MS);
  ping.unref();

  res.once('close', () => {
    clearInterval(ping);
    unsubscribe();
    ctx.streams.delete(res);
  });
}

// ---------------------------------------------------------------- static files

async function handleStatic(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, rawPath: string): Promise<void> {
  if (ctx.staticRoot === null) return sendError(res, 404, 'NOT_FOUND', 'Not found');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendError(res, 405, 'INVALID_INPUT', 'Method not allowed');
  }
  const segments = safeSegments(rawPath);
  if (segments === null) return sendError(res, 404, 'NOT_FOUND', 'Not found');

  const requested = segments.length === 0 ? ['index.html'] : segments;
  const file =
    (await resolveStaticFile(ctx.staticRoot, requested)) ??
    // SPA routes like /jobs/123 have no extension and are rendered client-side from index.html.
    (path.extname(requested.at(-1) ?? '') === '' ? await resolveStaticFile(ctx.staticRoot, ['index.html']) : null);
  if (file === null) return sendError(res, 404, 'NOT_FOUND', 'Not found');
  await sendFile(req, res, file);
}

/**
 * Decoded path segments, or null for anything that could step outside the
 * root or address hidden files. Checked after decoding so `%2e%2e`, `%2f`
 * and `%5c` are caught too.
 */
function safeSegments(rawPath: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  // Dot-prefixed segments cover `.`, `..` and dotfiles such as `.env` that never belong in a build.
  if (segments.some((s) => s.startsWith('.'))) return null;
  return segments;
}

/** Real path of a regular file inside root, or null; rechecks after resolving symlinks. */
async function resolveStaticFile(root: string, segments: string[]): Promise<string | null> {
  const candidate = path.resolve(root, ...segments);
  if (!isInside(root, candidate)) return null;
  try {
    const real = await realpath(candidate);
    return isInside(root, real) && (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

function isInside(root: string, candidate: string): boolean {
  return candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      return sendError(res, 404, 'NOT_FOUND', 'Not found');
    }
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': stats.size,
      // Builds replace files in place; always revalidate so a new build is picked up.
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      await handle.close();
      res.end();
      return;
    }
    const stream = handle.createReadStream(); // closes the handle when done
    stream.once('error', () => res.destroy());
    stream.pipe(res);
  } catch (err) {
    await handle.close().catch(() => {});
    throw err;
  }
}

// ---------------------------------------------------------------- responses

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    status = 500;
    text = JSON.stringify(errorBody('INTERNAL', 'Result could not be serialised'));
  }
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function errorBody(code: ErrorCode, message: string): RpcResult<never> {
  return { ok: false, error: { code, message } };
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, errorBody(code, message));
}

function failRequest(ctx: ServerContext, res: ServerResponse, err: unknown): void {
  ctx.logger.error('http request failed', { error: errorName(err) });
  if (res.headersSent) res.destroy();
  else sendError(res, 500, 'INTERNAL', 'Internal error');
}

/** Error class and code only: messages can carry paths or input we must not log. */
function errorName(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${err.name} (${code})` : err.name;
}
