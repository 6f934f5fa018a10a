/**
 * The Electron shell: one hardened window over the core. Everything the app
 * does goes through `core.dispatchUnknown` (see ipc.ts), and its images through
 * `core.fetchResource` (the `chitti://` protocol, protocol.ts); this file only
 * creates the core with Electron-specific ports and keeps the window safe.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BrowserWindow, app, dialog, session } from 'electron';
import { ChittiError, createCore } from '../core/index.ts';
import type { Core, CorePorts } from '../core/index.ts';
import type { Logger, WorkerEntry } from '../core/ports.ts';
import { CONTENT_SECURITY_POLICY } from '../shared/contract/index.ts';
import { registerIpc, type RendererLocation } from './ipc.ts';
import { installMenu } from './menu.ts';
import { handleResources, registerResourceScheme } from './protocol.ts';
import { safeStorageProtector } from './safe-storage-protector.ts';

/** out/main, where the bundle (index.js, ingest-worker.js) lives. */
const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, '../preload/index.cjs');
const RENDERER_HTML = path.join(here, '../renderer/index.html');
/** Built-in models: <resources>/models when packaged (electron-builder.yml extraResources), the repository's models/ in dev. */
const BUILT_IN_MODELS = app.isPackaged ? path.join(process.resourcesPath, 'models') : path.join(here, '../../models');
/** Built-in checklist frameworks: <resources>/checklists when packaged, the repository's resources/checklists in dev. */
const BUILT_IN_CHECKLISTS = app.isPackaged ? path.join(process.resourcesPath, 'checklists') : path.join(here, '../../resources/checklists');
const WORKER_FILES: Record<WorkerEntry, string> = {
  ingest: path.join(here, 'ingest-worker.js'),
  inference: path.join(here, 'inference-worker.js'),
  parse: path.join(here, 'parse-worker.js'),
};

const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const renderer: RendererLocation = { fileUrl: pathToFileURL(RENDERER_HTML).href, devUrl };

/** The dev server injects an inline React Refresh preamble and talks HMR over a websocket. */
const DEV_CSP = CONTENT_SECURITY_POLICY
  .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
  .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");

const logger: Logger = {
  debug: () => {},
  info: (msg, fields) => console.info(msg, fields ?? ''),
  warn: (msg, fields) => console.warn(msg, fields ?? ''),
  error: (msg, fields) => console.error(msg, fields ?? ''),
};

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

const ports: CorePorts = {
  dataDir: app.getPath('userData'),
  keyStore: {
    forNewKey: async () => safeStorageProtector(),
    forMethod: async (method) => {
      if (method === 'safe-storage') return safeStorageProtector();
      throw new ChittiError('KEY_UNAVAILABLE', `This database's key is protected by "${method}", which the desktop app cannot open; use the \`chitti\` command line instead.`);
    },
  },
  workers: (entry, workerData, options = {}) => new Worker(WORKER_FILES[entry], { workerData, ...options }),
  actor: currentUser,
  logger,
};

let mainWindow: BrowserWindow | null = null;
let core: Core | null = null;

function hardenSession(): void {
  const csp = devUrl !== undefined ? DEV_CSP : CONTENT_SECURITY_POLICY;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

/** Applies to every webContents, including any the page might manage to create. */
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'Chitti',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  if (devUrl !== undefined) void window.loadURL(devUrl);
  else void window.loadFile(RENDERER_HTML);
  return window;
}

async function start(): Promise<void> {
  hardenSession();
  try {
    core = await createCore(ports, {
      create: true,
      autoResume: true,
      modelDirs: [
        { dir: BUILT_IN_MODELS, origin: 'built-in' },
        { dir: path.join(ports.dataDir, 'models'), origin: 'user' },
      ],
      builtinChecklistsDir: BUILT_IN_CHECKLISTS,
    });
  } catch (e) {
    const message = e instanceof ChittiError ? e.message : 'Chitti could not open its database.';
    logger.error('core failed to start', { error: e instanceof Error ? e.stack ?? e.message : String(e) });
    dialog.showErrorBox('Chitti cannot start', message);
    app.exit(1);
    return;
  }
  registerIpc(core, () => mainWindow, renderer);
  handleResources(core);
  installMenu({ isMac: process.platform === 'darwin', isPackaged: app.isPackaged });
  mainWindow = createWindow();
}

app.enableSandbox();
// Privileged schemes can only be declared before the app is ready.
registerResourceScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (core && !mainWindow) mainWindow = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing = false;
  app.on('will-quit', (event) => {
    if (!core || closing) return;
    // Let running imports reach a safe point and the database close cleanly first.
    event.preventDefault();
    closing = true;
    void core.close()
      .catch((e: unknown) => logger.error('core did not close cleanly', { error: String(e) }))
      .finally(() => app.quit());
  });

  app.whenReady().then(start).catch((e: unknown) => {
    logger.error('start-up failed', { error: String(e) });
    app.exit(1);
  });
}
