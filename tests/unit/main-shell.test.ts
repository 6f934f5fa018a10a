/**
 * The Electron shell without Electron: `electron` is mocked, so these run
 * where its binary is not installed. They cover what the preload exposes,
 * the main-side IPC adapter's sender check, and the safeStorage key protector.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
  webUtils: { getPathForFile: vi.fn((f: File) => (f.name === 'no-path.jpg' ? '' : `/media/card/${f.name}`)) },
  safeStorage: {
    isEncryptionAvailable: vi.fn(() => true),
    getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
    // A stand-in cipher: reversible, and recognisably not the plain key.
    encryptString: vi.fn((s: string) => Buffer.from(`sealed:${[...s].reverse().join('')}`)),
    decryptString: vi.fn((b: Buffer) => {
      const s = b.toString('utf8');
      if (!s.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...s.slice('sealed:'.length)].reverse().join('');
    }),
  },
}));
vi.mock('electron', () => electron);

const { EVENT_CHANNEL, INVOKE_CHANNEL, createInvokeHandler, isOwnRendererUrl, isTrustedSender, registerIpc } =
  await import('../../src/main/ipc.ts');
const { safeStorageProtector } = await import('../../src/main/safe-storage-protector.ts');

beforeEach(() => {
  vi.clearAllMocks();
});

// ------------------------------------------------------------------ preload

describe('preload', () => {
  async function loadPreload() {
    vi.resetModules();
    await import('../../src/preload/index.ts');
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    return { key, api: api as { invoke: (n: unknown, i: unknown) => Promise<unknown>; on: (e: unknown, cb: unknown) => () => void } };
  }

  it('exposes exactly window.api = { invoke, on }', async () => {
    const { key, api } = await loadPreload();
    expect(key).toBe('api');
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.on).toBe('function');
    // Nothing of ipcRenderer, process or the environment leaks through.
    expect(Object.values(api)).not.toContain(electron.ipcRenderer);
  });

  it('turns dropped File objects into their paths for assets.import, and only there', async () => {
    const { api } = await loadPreload();
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, result: {} });
    const photo = new File(['x'], 'IMG_0001.jpg');
    await api.invoke('assets.import', { jobId: 'job_x', paths: [photo, '/already/a/path.pdf'] });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'assets.import', { jobId: 'job_x', paths: ['/media/card/IMG_0001.jpg', '/already/a/path.pdf'] });
    await api.invoke('jobs.create', { name: 'x', note: photo });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(INVOKE_CHANNEL, 'jobs.create', { name: 'x', note: photo });
    await expect(api.invoke('assets.import', { jobId: 'job_x', paths: [new File(['x'], 'no-path.jpg')] })).rejects.toThrow(/no path on disk/);
  });

  it('rejects an unknown procedure without touching ipcRenderer', async () => {
    const { api } = await loadPreload();
    await expect(api.invoke('jobs.deleteEverything', {})).rejects.toThrow(/Unknown procedure/);
    await expect(api.invoke(42, {})).rejects.toThrow(/Unknown procedure/);
    await expect(api.invoke('__proto__', {})).rejects.toThrow(/Unknown procedure/);
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('forwards a known procedure over chitti:invoke', async () => {
    const { api } = await loadPreload();
    const answer = { ok: true, result: { version: '0.1.0' } };
    electron.ipcRenderer.invoke.mockResolvedValueOnce(answer);
    await expect(api.invoke('app.info', {})).resolves.toBe(answer);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith('chitti:invoke', 'app.info', {});
  });

  it('subscribes to one event by name, passes only the payload, and unsubscribes', async () => {
    const { api } = await loadPreload();
    expect(() => api.on('job.exploded', () => {})).toThrow(/Unknown event/);
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();

    const cb = vi.fn();
    const off = api.on('job.changed', cb);
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [channel, listener] = electron.ipcRenderer.on.mock.calls[0] as [string, (...a: unknown[]) => void];
    expect(channel).toBe('chitti:event');

    const ipcEvent = { sender: electron.ipcRenderer };
    listener(ipcEvent, 'asset.added', { jobId: 'j', assetId: 'a' });
    listener(ipcEvent, 'job.changed', { jobId: 'j' });
    expect(cb).toHaveBeenCalledTimes(1);
    expect(cb).toHaveBeenCalledWith({ jobId: 'j' });

    expect(typeof off).toBe('function');
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('chitti:event', listener);
  });
});

// ------------------------------------------------------------------ main IPC adapter

const fileUrl = pathToFileURL('/opt/Chitti/resources/app.asar/out/renderer/index.html').href;
const where = { fileUrl };

function fakeWindow(url = fileUrl) {
  const webContents = {
    id: 1,
    mainFrame: { processId: 10, routingId: 20 },
    getURL: vi.fn(() => url),
    send: vi.fn(),
  };
  const window = { isDestroyed: () => false, webContents };
  return { window: window as unknown as BrowserWindow, webContents };
}

function fakeEvent(frame: Partial<{ parent: unknown; processId: number; routingId: number; url: string }> | null, senderId = 1) {
  const senderFrame = frame === null ? null : { parent: null, processId: 10, routingId: 20, url: `${fileUrl}#/jobs`, ...frame };
  return { sender: { id: senderId }, senderFrame } as unknown as IpcMainInvokeEvent;
}

describe('main IPC adapter', () => {
  it('knows its own renderer page and nothing else', () => {
    expect(isOwnRendererUrl(fileUrl, where)).toBe(true);
    expect(isOwnRendererUrl(`${fileUrl}?x=1#/jobs/1`, where)).toBe(true);
    expect(isOwnRendererUrl(pathToFileURL('/tmp/evil.html').href, where)).toBe(false);
    expect(isOwnRendererUrl('https://evil.example/', where)).toBe(false);
    expect(isOwnRendererUrl('http://localhost:5173/', where)).toBe(false);
    expect(isOwnRendererUrl('http://localhost:5173/#/x', { fileUrl, devUrl: 'http://localhost:5173/' })).toBe(true);
    expect(isOwnRendererUrl('http://localhost:5174/', { fileUrl, devUrl: 'http://localhost:5173/' })).toBe(false);
    expect(isOwnRendererUrl('not a url', where)).toBe(false);
  });

  it.each([
    ['no sender frame (navigated or destroyed)', fakeEvent(null)],
    ['a child frame', fakeEvent({ parent: {} })],
    ['another webContents', fakeEvent({}, 2)],
    ['another frame of the window', fakeEvent({ routingId: 21 })],
    ['a foreign page in the top frame', fakeEvent({ url: 'https://evil.example/' })],
    ['a local file that is not our renderer', fakeEvent({ url: pathToFileURL('/tmp/evil.html').href })],
  ])('refuses a call from %s without dispatching', async (_what, event) => {
    const { window } = fakeWindow();
    const core = { dispatchUnknown: vi.fn() };
    const handler = createInvokeHandler(core, (e) => isTrustedSender(e, window, where));
    const res = await handler(event, 'app.info', {});
    expect(res).toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    expect(core.dispatchUnknown).not.toHaveBeenCalled();
  });

  it('refuses every call when there is no window', async () => {
    const core = { dispatchUnknown: vi.fn() };
    const handler = createInvokeHandler(core, (e) => isTrustedSender(e, null, where));
    expect((await handler(fakeEvent({}), 'app.info', {})).ok).toBe(false);
    expect(core.dispatchUnknown).not.toHaveBeenCalled();
  });

  it('passes a trusted call to dispatchUnknown and its result back unchanged', async () => {
    const { window } = fakeWindow();
    const answer = { ok: false as const, error: { code: 'INVALID_INPUT' as const, message: 'nope' } };
    const core = { dispatchUnknown: vi.fn(async () => answer) };
    const handler = createInvokeHandler(core, (e) => isTrustedSender(e, window, where));
    const input = { name: 'Bridge 7' };
    await expect(handler(fakeEvent({}), 'jobs.create', input)).resolves.toBe(answer);
    expect(core.dispatchUnknown).toHaveBeenCalledWith('jobs.create', input);
  });

  it('answers a non-string name itself', async () => {
    const core = { dispatchUnknown: vi.fn() };
    const handler = createInvokeHandler(core, () => true);
    expect(await handler(fakeEvent({}), { toString: () => 'app.info' }, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
    expect(core.dispatchUnknown).not.toHaveBeenCalled();
  });

  it('registers chitti:invoke and forwards core events to our page only', async () => {
    const { window, webContents } = fakeWindow();
    let listener: ((name: string, payload: unknown) => void) | undefined;
    const unsubscribe = vi.fn();
    const answer = { ok: true as const, result: { version: '0.1.0' } };
    const core = {
      dispatchUnknown: vi.fn(async () => answer),
      subscribe: vi.fn((l: (name: string, payload: unknown) => void) => {
        listener = l;
        return unsubscribe;
      }),
    };
    const dispose = registerIpc(core, () => window, where);

    expect(electron.ipcMain.handle).toHaveBeenCalledWith(INVOKE_CHANNEL, expect.any(Function));
    const handler = electron.ipcMain.handle.mock.calls[0]![1] as ReturnType<typeof createInvokeHandler>;
    await expect(handler(fakeEvent({}), 'app.info', {})).resolves.toBe(answer);
    await expect(handler(fakeEvent({ parent: {} }), 'app.info', {})).resolves.toMatchObject({ ok: false });

    listener!('job.changed', { jobId: 'j' });
    expect(webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, 'job.changed', { jobId: 'j' });
    webContents.getURL.mockReturnValue('https://evil.example/');
    listener!('job.changed', { jobId: 'k' });
    expect(webContents.send).toHaveBeenCalledTimes(1);

    dispose();
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledWith(INVOKE_CHANNEL);
    expect(unsubscribe).toHaveBeenCalled();
  });
});

// ------------------------------------------------------------------ safeStorage key protector

describe('safeStorageProtector', () => {
  const codeOf = async (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);

  it('round-trips the master key through safeStorage', async () => {
    const protector = safeStorageProtector(undefined, 'linux');
    expect(protector.method).toBe('safe-storage');
    const key = randomBytes(32);
    const stored = await protector.protect(key);
    expect(stored).toEqual({ method: 'safe-storage', blob: expect.any(String) });
    expect(electron.safeStorage.encryptString).toHaveBeenCalledWith(key.toString('base64'));
    expect(JSON.stringify(stored)).not.toContain(key.toString('base64'));
    expect(Buffer.from(stored.blob as string, 'base64').toString()).toMatch(/^sealed:/);
    expect((await protector.unprotect(stored)).equals(key)).toBe(true);
  });

  it('reports KEY_UNAVAILABLE when the OS keychain is not available', async () => {
    const protector = safeStorageProtector(undefined, 'linux');
    const stored = await protector.protect(randomBytes(32));
    electron.safeStorage.isEncryptionAvailable.mockReturnValue(false);
    try {
      expect(await codeOf(protector.protect(randomBytes(32)))).toBe('KEY_UNAVAILABLE');
      expect(await codeOf(protector.unprotect(stored))).toBe('KEY_UNAVAILABLE');
    } finally {
      electron.safeStorage.isEncryptionAvailable.mockReturnValue(true);
    }
  });

  it('refuses to make a key under Linux’s plain-text fallback', async () => {
    electron.safeStorage.getSelectedStorageBackend.mockReturnValueOnce('basic_text');
    expect(await codeOf(safeStorageProtector(undefined, 'linux').protect(randomBytes(32)))).toBe('KEY_UNAVAILABLE');
    expect(electron.safeStorage.encryptString).not.toHaveBeenCalled();
  });

  it('reports KEY_REJECTED when decryption fails or yields no key', async () => {
    const protector = safeStorageProtector(undefined, 'linux');
    const foreign = { method: 'safe-storage' as const, blob: Buffer.from('made elsewhere').toString('base64') };
    expect(await codeOf(protector.unprotect(foreign))).toBe('KEY_REJECTED');
    const short = await protector.protect(randomBytes(16));
    expect(await codeOf(protector.unprotect(short))).toBe('KEY_REJECTED');
  });

  it('reports a damaged key file as KEY_MISSING', async () => {
    const protector = safeStorageProtector(undefined, 'linux');
    expect(await codeOf(protector.unprotect({ method: 'safe-storage' }))).toBe('KEY_MISSING');
    expect(await codeOf(protector.unprotect({ method: 'keyring', blob: 'x' }))).toBe('KEY_MISSING');
    expect(electron.safeStorage.decryptString).not.toHaveBeenCalled();
  });
});

// ------------------------------------------------------------------ menu

describe('application menu', () => {
  it('offers developer tools and reload only in an unpackaged build', async () => {
    const { menuTemplate } = await import('../../src/main/menu.ts');
    const roles = (t: ReturnType<typeof menuTemplate>) => JSON.stringify(t);
    expect(roles(menuTemplate({ isMac: false, isPackaged: true }))).not.toMatch(/toggleDevTools|"reload"/);
    expect(roles(menuTemplate({ isMac: false, isPackaged: false }))).toMatch(/toggleDevTools/);
    expect(menuTemplate({ isMac: true, isPackaged: true })[0]).toEqual({ role: 'appMenu' });
    expect(roles(menuTemplate({ isMac: false, isPackaged: true }))).toMatch(/"quit"/);
  });
});

