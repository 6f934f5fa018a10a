/**
 * The app's `chitti://` image protocol without Electron (mocked): it answers
 * `chitti://res/<resource>?<params>` through core.fetchResource and nothing
 * else, and no URL can make it touch a file.
 */
import { describe, expect, it, vi, beforeEach } from 'vitest';
import { createFetchResource, type ResourceHandlers } from '../../src/core/app/resources.ts';

const electron = vi.hoisted(() => ({
  protocol: { registerSchemesAsPrivileged: vi.fn() },
  session: { defaultSession: { protocol: { handle: vi.fn(), unhandle: vi.fn() } } },
}));
vi.mock('electron', () => electron);

const { RESOURCE_SCHEME, createResourceHandler, handleResources, registerResourceScheme } = await import('../../src/main/protocol.ts');

const ASSET = 'ast_0123456789abcdefghjk';
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/** The real fetchResource (contract check, params schema, error mapping) over stub resource handlers. */
function core() {
  const handlers = {
    'asset.tile': vi.fn(async () => ({ mime: 'image/png', body: PNG })),
    'asset.thumbnail': vi.fn(async () => ({ mime: 'image/jpeg', body: PNG })),
  };
  const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const fetchResource = vi.fn(createFetchResource(handlers as unknown as ResourceHandlers, logger));
  return { handlers, fetchResource };
}

beforeEach(() => vi.clearAllMocks());

describe('chitti:// protocol', () => {
  it('registers one privileged scheme: standard, secure, fetch and streaming, no CORS', () => {
    registerResourceScheme();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'chitti', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true } },
    ]);
  });

  it('handles the scheme on the app session and can stop', () => {
    const c = core();
    const stop = handleResources(c);
    expect(electron.session.defaultSession.protocol.handle).toHaveBeenCalledWith(RESOURCE_SCHEME, expect.any(Function));
    stop();
    expect(electron.session.defaultSession.protocol.unhandle).toHaveBeenCalledWith(RESOURCE_SCHEME);
  });

  it('answers a tile with its bytes and type', async () => {
    const c = core();
    const res = await createResourceHandler(c)(new Request(`chitti://res/asset.tile?assetId=${ASSET}&level=13&x=15&y=3`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);
    expect(c.fetchResource).toHaveBeenCalledWith('asset.tile', { assetId: ASSET, level: '13', x: '15', y: '3' });
    expect(c.handlers['asset.tile']).toHaveBeenCalledWith({ assetId: ASSET, level: 13, x: 15, y: 3 });
  });

  it.each([
    'chitti://../etc/passwd',
    'chitti://res/../../etc/passwd',
    'chitti://res/asset.tile/../../../etc/passwd',
    'chitti://res/%2e%2e%2fetc%2fpasswd',
    'chitti://res/..%2f..%2fetc%2fpasswd',
    'chitti:///etc/passwd',
    'chitti://res//etc/passwd',
    'chitti://res/C:/Windows/win.ini',
    'chitti://res/asset.tile/extra',
    'chitti://file/etc/passwd',
    'chitti://localhost/asset.tile',
    'chitti://res.evil.example/asset.tile',
    'chitti://user:pw@res/asset.tile',
    'chitti://res:8080/asset.tile',
    'chitti:res/asset.tile',
    'chitti://res/',
    'file:///etc/passwd',
  ])('refuses %s with 404, without calling the core', async (url) => {
    const c = core();
    // Only url and method are read; a plain object also carries what `new Request` refuses (credentials).
    const res = await createResourceHandler(c)({ url, method: 'GET' } as Request);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Not found' } });
    expect(c.fetchResource).not.toHaveBeenCalled();
  });

  it('leaves params to the core, which refuses a path where an id belongs', async () => {
    const c = core();
    const res = await createResourceHandler(c)(new Request('chitti://res/asset.tile?assetId=../../chitti.db&level=0&x=0&y=0'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(c.handlers['asset.tile']).not.toHaveBeenCalled();
  });

  it('maps an unknown resource to 404 UNKNOWN_PROCEDURE and other core errors to their status', async () => {
    const c = core();
    const unknown = await createResourceHandler(c)(new Request(`chitti://res/asset.original?assetId=${ASSET}`));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });

    const refusing = { fetchResource: vi.fn(async () => ({ ok: false as const, error: { code: 'NOT_AN_IMAGE' as const, message: 'a PDF' } })) };
    const res = await createResourceHandler(refusing)(new Request(`chitti://res/asset.thumbnail?assetId=${ASSET}`));
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ ok: false, error: { code: 'NOT_AN_IMAGE', message: 'a PDF' } });
  });

  it('accepts only GET', async () => {
    const c = core();
    const res = await createResourceHandler(c)(new Request(`chitti://res/asset.tile?assetId=${ASSET}&level=0&x=0&y=0`, { method: 'POST', body: 'x' }));
    expect(res.status).toBe(405);
    expect(c.fetchResource).not.toHaveBeenCalled();
  });
});
