import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core, EventListener } from '../../src/core/app/core-api.ts';
import { startHttpServer, type HttpServerHandle } from '../../src/headless/http-server.ts';
import type { ErrorCode, EventName, EventPayload, RpcResult } from '../../src/shared/contract/index.ts';

const SECRET = 'TOP-SECRET-do-not-serve-7f3a9c';
const INDEX_HTML = '<!doctype html><title>chitti</title><script type="module" src="/assets/app.js"></script>';
const APP_JS = 'console.log("chitti app");';
const JOB_ID = 'job_0123456789abcdefghjk';

/** Minimal stand-in for the real core: echoes app.info, knows nothing else, records listeners. */
function createFakeCore() {
  const listeners = new Set<EventListener>();
  const calls: Array<{ name: string; input: unknown }> = [];
  const dispatchUnknown = async (name: string, input: unknown): Promise<RpcResult<unknown>> => {
    calls.push({ name, input });
    if (name !== 'app.info') return { ok: false, error: { code: 'UNKNOWN_PROCEDURE', message: `unknown: ${name}` } };
    if (typeof input === 'object' && input !== null && 'invalid' in input) {
      return { ok: false, error: { code: 'INVALID_INPUT', message: 'marker input rejected' } };
    }
    return { ok: true, result: { echo: input } };
  };
  /** Knows one resource: a 'tile' whose bytes echo its params; `fail=CODE` answers that error. */
  const fetchResource: Core['fetchResource'] = async (name, params) => {
    calls.push({ name: `res:${name}`, input: params });
    if (name !== 'asset.tile') return { ok: false, error: { code: 'UNKNOWN_PROCEDURE', message: `unknown: ${name}` } };
    const p = params as Record<string, unknown>;
    if (typeof p.fail === 'string') return { ok: false, error: { code: p.fail as ErrorCode, message: `failed with ${p.fail}` } };
    return { ok: true, result: { mime: 'image/png', body: new TextEncoder().encode(`tile:${JSON.stringify(params)}`) } };
  };
  const core: Core = {
    dispatch: ((name: string, input: unknown) => dispatchUnknown(name, input)) as Core['dispatch'],
    dispatchUnknown,
    fetchResource,
    receiveUpload: async () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'this fake core takes no uploads' } }),
    exportReport: async () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'this fake core makes no reports' } }),
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    idle: async () => {},
    close: async () => {},
  };
  const emit = <N extends EventName>(name: N, payload: EventPayload<N>) => {
    for (const listener of listeners) listener(name, payload);
  };
  return { core, listeners, calls, emit };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Plain node:http request: unlike fetch it lets us set Host and Origin, and
 * sends the path byte-for-byte (fetch would normalise `/../x` and `%2e%2e`).
 */
function rawRequest(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads an SSE body until `needle` shows up (or fails after a timeout). */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, needle: string, timeoutMs = 2000): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  const timeout = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (!text.includes(needle)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${JSON.stringify(needle)}; got ${JSON.stringify(text)}`);
      text += decoder.decode(value, { stream: true });
    }
    return text;
  } finally {
    clearTimeout(timeout);
  }
}

describe('loopback http server', () => {
  let tmp: string;
  let staticDir: string;
  let fake: ReturnType<typeof createFakeCore>;
  let server: HttpServerHandle;
  const logged: string[] = [];
  const logger = {
    info: (msg: string, f?: object) => logged.push(msg + JSON.stringify(f ?? {})),
    warn: (msg: string, f?: object) => logged.push(msg + JSON.stringify(f ?? {})),
    error: (msg: string, f?: object) => logged.push(msg + JSON.stringify(f ?? {})),
  };

  const rpc = (name: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/rpc/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...headers },
      body,
    });

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'chitti-http-'));
    staticDir = path.join(tmp, 'static');
    await mkdir(path.join(staticDir, 'assets'), { recursive: true });
    await writeFile(path.join(staticDir, 'index.html'), INDEX_HTML);
    await writeFile(path.join(staticDir, 'assets', 'app.js'), APP_JS);
    // The secret sits next to staticDir: every traversal attempt below aims at it.
    await writeFile(path.join(tmp, 'secret.txt'), SECRET);
    await writeFile(path.join(tmp, 'package.json'), SECRET);
    await symlink(path.join(tmp, 'secret.txt'), path.join(staticDir, 'link.txt'));
    fake = createFakeCore();
    server = await startHttpServer(fake.core, { port: 0, staticDir, logger });
  });

  afterAll(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });

  describe('binding', () => {
    it('listens on 127.0.0.1 only, on a random port', () => {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    });

    it('is not reachable on a non-loopback address', async () => {
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal);
      if (!external) return; // sandbox without a network interface: nothing to probe
      const connected = await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host: external.address, port: server.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      expect(connected).toBe(false);
    });

    it('refuses any other bind host', async () => {
      await expect(startHttpServer(fake.core, { host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1/);
    });

    it('generates a different token per server unless one is given', async () => {
      const other = await startHttpServer(fake.core, {});
      const fixed = await startHttpServer(fake.core, { token: 'given-token-value' });
      try {
        expect(other.token).not.toBe(server.token);
        expect(fixed.token).toBe('given-token-value');
      } finally {
        await other.close();
        await fixed.close();
      }
    });
  });

  describe('authentication', () => {
    it('rejects /rpc without a token', async () => {
      const res = await fetch(`${server.url}/rpc/app.info`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    });

    it.each([
      ['wrong token', 'Bearer nope'],
      ['token with one char changed', () => `Bearer ${server.token.slice(0, -1)}${server.token.endsWith('A') ? 'B' : 'A'}`],
      ['token prefix', () => `Bearer ${server.token.slice(0, 10)}`],
      ['token with suffix', () => `Bearer ${server.token}x`],
      ['wrong scheme', () => `Basic ${server.token}`],
    ])('rejects /rpc with %s', async (_label, header) => {
      const value = typeof header === 'function' ? header() : header;
      const res = await rpc('app.info', '{}', { authorization: value });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    });

    it('rejects /events without a token', async () => {
      const res = await fetch(`${server.url}/events`);
      expect(res.status).toBe(401);
      expect(fake.listeners.size).toBe(0);
    });

    it('does not dispatch unauthenticated calls', async () => {
      const before = fake.calls.length;
      await rpc('app.info', '{}', { authorization: 'Bearer wrong' });
      expect(fake.calls.length).toBe(before);
    });
  });

  describe('POST /rpc/:name', () => {
    it('returns 200 with the RpcResult', async () => {
      const res = await rpc('app.info', JSON.stringify({ a: 1 }));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ ok: true, result: { echo: { a: 1 } } });
    });

    it('treats an empty body as {}', async () => {
      const res = await rpc('app.info', '');
      expect(await res.json()).toEqual({ ok: true, result: { echo: {} } });
    });

    it('accepts a charset parameter on the content type', async () => {
      const res = await rpc('app.info', '{}', { 'content-type': 'application/json; charset=utf-8' });
      expect(res.status).toBe(200);
    });

    it('maps UNKNOWN_PROCEDURE to 404', async () => {
      const res = await rpc('nope.nothing', '{}');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
    });

    it('maps INVALID_INPUT from the core to 400', async () => {
      const res = await rpc('app.info', JSON.stringify({ invalid: true }));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    });

    it('rejects malformed JSON with 400 INVALID_INPUT', async () => {
      const res = await rpc('app.info', '{"a":');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    });

    it('rejects a non-JSON content type with 415', async () => {
      const res = await rpc('app.info', '{}', { 'content-type': 'text/plain' });
      expect(res.status).toBe(415);
    });

    it('rejects other methods with 405', async () => {
      const res = await fetch(`${server.url}/rpc/app.info`, { headers: { authorization: `Bearer ${server.token}` } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    });

    it('rejects a declared oversized body with 413 without dispatching', async () => {
      const before = fake.calls.length;
      const body = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: '/rpc/app.info',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body,
      }).catch((err: NodeJS.ErrnoException) => err);
      // The server may close the socket while the client is still sending; both outcomes mean "not read".
      if (!(res instanceof Error)) {
        expect(res.status).toBe(413);
        expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
      }
      expect(fake.calls.length).toBe(before);
    });

    it('stops reading a chunked body once it passes 1 MiB', async () => {
      const before = fake.calls.length;
      const result = await new Promise<number | 'reset'>((resolve) => {
        const req = http.request({
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/rpc/app.info',
          agent: false,
          headers: {
            authorization: `Bearer ${server.token}`,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
        }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve('reset'));
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        // Keeps sending well past the limit; the server must answer before we finish.
        const pump = () => {
          while (sent < 4 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
      if (result !== 'reset') expect(result).toBe(413);
      expect(fake.calls.length).toBe(before);
    });

    it('accepts a body just under the limit', async () => {
      const body = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 - 20) });
      const res = await rpc('app.info', body);
      expect(res.status).toBe(200);
    });
  });

  describe('GET /res/:name', () => {
    const res = (pathAndQuery: string, headers: Record<string, string> = { authorization: `Bearer ${server.token}` }) =>
      fetch(`${server.url}/res/${pathAndQuery}`, { headers });
    const TILE = `asset.tile?assetId=ast_0123456789abcdefghjk&level=13&x=15&y=3`;

    it('refuses a request without the token, before the core sees it', async () => {
      const before = fake.calls.length;
      for (const headers of [{}, { authorization: 'Bearer nope' }] as Array<Record<string, string>>) {
        const r = await res(TILE, headers);
        expect(r.status).toBe(401);
        expect(r.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await r.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      }
      expect(fake.calls.length).toBe(before);
    });

    it('answers the bytes with their content type, no caching and nosniff', async () => {
      const r = await res(TILE);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('image/png');
      // Decrypted images: not even the browser's own disk cache may keep them.
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      const body = Buffer.from(await r.arrayBuffer()).toString();
      expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      // The query reaches the core as an object of strings; the core's schemas coerce them.
      expect(body).toBe(`tile:${JSON.stringify({ assetId: 'ast_0123456789abcdefghjk', level: '13', x: '15', y: '3' })}`);
      expect(fake.calls.at(-1)).toEqual({ name: 'res:asset.tile', input: { assetId: 'ast_0123456789abcdefghjk', level: '13', x: '15', y: '3' } });
    });

    it('passes a repeated parameter as a list, for the core to refuse', async () => {
      await res('asset.tile?x=1&x=2');
      expect(fake.calls.at(-1)).toEqual({ name: 'res:asset.tile', input: { x: ['1', '2'] } });
    });

    it.each([
      ['NOT_FOUND', 404],
      ['INVALID_INPUT', 400],
      ['NOT_AN_IMAGE', 415],
      ['IMAGE_UNREADABLE', 422],
      ['INTERNAL', 500],
    ])('maps %s to HTTP %i with a JSON RpcResult', async (code, status) => {
      const r = await res(`asset.tile?fail=${code}`);
      expect(r.status).toBe(status);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(await r.json()).toEqual({ ok: false, error: { code, message: `failed with ${code}` } });
    });

    it('maps an unknown resource to 404 UNKNOWN_PROCEDURE', async () => {
      for (const path of ['nope.nothing?a=1', 'asset.tile/extra', '']) {
        const r = await res(path);
        expect(r.status).toBe(404);
        expect(await r.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
      }
    });

    it('accepts only GET', async () => {
      for (const method of ['POST', 'HEAD', 'PUT']) {
        const r = await fetch(`${server.url}/res/${TILE}`, { method, headers: { authorization: `Bearer ${server.token}` } });
        expect(r.status).toBe(405);
        expect(r.headers.get('allow')).toBe('GET');
      }
    });

    it('applies the Host and Origin checks', async () => {
      const auth = { authorization: `Bearer ${server.token}` };
      const badHost = await rawRequest(server.port, { path: `/res/${TILE}`, headers: { ...auth, host: 'evil.example' } });
      expect([403, 421]).toContain(badHost.status);
      const badOrigin = await rawRequest(server.port, { path: `/res/${TILE}`, headers: { ...auth, origin: 'https://evil.example' } });
      expect(badOrigin.status).toBe(403);
      expect(badOrigin.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('Host and Origin checks', () => {
    const authed = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' });

    it.each([
      ['evil.example', () => 'evil.example'],
      ['evil with our port', () => `evil.example:${server.port}`],
      ['loopback without port', () => '127.0.0.1'],
      ['loopback with another port', () => `127.0.0.1:${server.port + 1}`],
      ['0.0.0.0', () => `0.0.0.0:${server.port}`],
    ])('rejects Host %s', async (_label, host) => {
      const before = fake.calls.length;
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: '/rpc/app.info',
        headers: { ...authed(), host: host() },
        body: '{}',
      });
      expect([403, 421]).toContain(res.status);
      expect(fake.calls.length).toBe(before);
    });

    it('rejects a bad Host for static files too', async () => {
      const res = await rawRequest(server.port, { path: '/', headers: { host: 'evil.example' } });
      expect([403, 421]).toContain(res.status);
      expect(res.body).not.toContain('chitti');
    });

    it.each(['localhost', '127.0.0.1'])('accepts Host %s:<port>', async (name) => {
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: '/rpc/app.info',
        headers: { ...authed(), host: `${name}:${server.port}` },
        body: '{}',
      });
      expect(res.status).toBe(200);
    });

    it.each([
      ['foreign site', () => 'https://evil.example'],
      ['null origin', () => 'null'],
      ['loopback on another port', () => `http://127.0.0.1:${server.port + 1}`],
      ['https scheme', () => `https://127.0.0.1:${server.port}`],
    ])('rejects Origin: %s with 403', async (_label, origin) => {
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: '/rpc/app.info',
        headers: { ...authed(), origin: origin() },
        body: '{}',
      });
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('accepts a same-origin Origin and never sends CORS headers', async () => {
      const res = await rawRequest(server.port, {
        method: 'POST',
        path: '/rpc/app.info',
        headers: { ...authed(), origin: `http://localhost:${server.port}` },
        body: '{}',
      });
      expect(res.status).toBe(200);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });

    it('answers a CORS preflight without granting anything', async () => {
      const res = await rawRequest(server.port, {
        method: 'OPTIONS',
        path: '/rpc/app.info',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(403);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    });
  });

  describe('GET /events', () => {
    it('streams emitted events and unsubscribes when the client aborts', async () => {
      const abort = new AbortController();
      const res = await fetch(`${server.url}/events`, {
        headers: { authorization: `Bearer ${server.token}` },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(res.headers.get('cache-control')).toContain('no-cache');
      await waitFor(() => fake.listeners.size === 1);

      const reader = res.body!.getReader();
      fake.emit('job.changed', { jobId: JOB_ID });
      const text = await readUntil(reader, '\n\n', 2000).then(async (t) =>
        t.includes('event: job.changed') ? t : t + (await readUntil(reader, 'event: job.changed\n')),
      );
      const frame = text.slice(text.indexOf('event: job.changed'));
      expect(frame).toMatch(/^event: job\.changed\ndata: (.*)\n\n/);
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      expect(JSON.parse(data ?? 'null')).toEqual({ jobId: JOB_ID });

      abort.abort();
      await waitFor(() => fake.listeners.size === 0);
    });

    it('drops a client that stops reading instead of buffering without bound', async () => {
      const req = http.get({
        host: '127.0.0.1',
        port: server.port,
        path: '/events',
        agent: false,
        headers: { authorization: `Bearer ${server.token}` },
      });
      const res = await new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
      res.pause(); // a stuck client: never reads again
      res.on('error', () => {});
      req.on('error', () => {});
      await waitFor(() => fake.listeners.size === 1);

      // ~32 MiB of events: far more than loopback socket buffers plus the server's cap can absorb.
      const big = 'x'.repeat(256 * 1024);
      for (let i = 0; i < 128 && fake.listeners.size > 0; i++) fake.emit('job.changed', { jobId: big });
      await waitFor(() => fake.listeners.size === 0, 5000);
      req.destroy();
    });

    it('ends open streams on close()', async () => {
      const local = createFakeCore();
      const other = await startHttpServer(local.core, {});
      const res = await fetch(`${other.url}/events`, { headers: { authorization: `Bearer ${other.token}` } });
      const reader = res.body!.getReader();
      await waitFor(() => local.listeners.size === 1);
      await other.close();
      // Drain whatever is buffered; the stream must then end (or error), not hang.
      const ended = await (async () => {
        try {
          for (;;) if ((await reader.read()).done) return true;
        } catch {
          return true;
        }
      })();
      expect(ended).toBe(true);
      expect(local.listeners.size).toBe(0);
    });
  });

  describe('static files', () => {
    it('serves index.html at / without a token', async () => {
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toBe(INDEX_HTML);
    });

    it('serves assets with the right content type', async () => {
      const res = await fetch(`${server.url}/assets/app.js`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(await res.text()).toBe(APP_JS);
    });

    it('answers HEAD without a body', async () => {
      const res = await fetch(`${server.url}/assets/app.js`, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(APP_JS)));
      expect(await res.text()).toBe('');
    });

    it('falls back to index.html for extension-less SPA routes', async () => {
      const res = await fetch(`${server.url}/jobs/${JOB_ID}?tab=assets`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(INDEX_HTML);
    });

    it('404s missing files that have an extension', async () => {
      const res = await fetch(`${server.url}/assets/missing.js`);
      expect(res.status).toBe(404);
    });

    it.each([
      '/../package.json',
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..\\secret.txt',
      '/..%5csecret.txt',
      '/%5c..%5csecret.txt',
      '/secret.txt%00.html',
      '/%00',
      '/link.txt',
      `/${'..%2f'.repeat(10)}etc/passwd`,
      '//../secret.txt',
      '/%252e%252e/secret.txt',
      '/%',
    ])('never leaks a file outside staticDir for %s', async (target) => {
      const res = await rawRequest(server.port, { path: target });
      expect(res.body).not.toContain(SECRET);
      expect(res.body).not.toContain('root:');
      // Either refused or (for an extension-less path) the SPA shell; never anything else.
      if (res.status === 200) expect(res.body).toBe(INDEX_HTML);
      else expect([400, 404]).toContain(res.status);
    });

    it('does not serve static files for other methods', async () => {
      const res = await fetch(`${server.url}/index.html`, { method: 'DELETE' });
      expect(res.status).toBe(405);
    });

    it('serves nothing but API routes when no staticDir is given', async () => {
      const bare = await startHttpServer(fake.core, { staticDir: null });
      try {
        const res = await fetch(`${bare.url}/`);
        expect(res.status).toBe(404);
      } finally {
        await bare.close();
      }
    });
  });

  describe('security headers', () => {
    it.each([
      ['static', () => fetch(`${server.url}/`)],
      ['rpc', () => rpc('app.info', '{}')],
      ['401', () => fetch(`${server.url}/rpc/app.info`, { method: 'POST' })],
      ['404', () => fetch(`${server.url}/missing.png`)],
    ])('are set on %s responses', async (_label, request) => {
      const res = await request();
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: chitti:; " +
          "connect-src 'self' chitti:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      await res.arrayBuffer();
    });

    it('has not logged the token or any request body', () => {
      const all = logged.join('\n');
      expect(all).not.toContain(server.token);
      expect(all).not.toContain('"a":1');
      expect(all).not.toContain('xxxxxxxx');
    });
  });
});
