import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY } from './src/shared/contract/bridge.ts';

const root = import.meta.dirname;
const src = (p: string) => resolve(root, 'src', p);

/**
 * The app's Content-Security-Policy, also sent as a header by src/main (keep
 * the two equal). A file:// page gets no response headers everywhere, so the
 * built index.html carries it as a <meta> too; `frame-ancestors` is dropped
 * there because browsers ignore it in a meta tag. Not added in dev: the dev
 * server needs an inline React Refresh preamble (main relaxes its header then).
 */
const META_CSP = CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');

function cspMeta(): Plugin {
  return {
    name: 'chitti:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CSP }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  // out/main: index.js (the shell) and ingest-worker.js (worker_threads entry
  // the core starts through ports.workers). ESM, as package.json is "type": "module".
  // Dependencies stay external (native better-sqlite3-multiple-ciphers,
  // @napi-rs/keyring, …) and are loaded from node_modules at run time.
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: src('main/index.ts'),
          'ingest-worker': src('core/ingest/ingest-worker.ts'),
          'inference-worker': src('core/inference/inference-worker.ts'),
          'parse-worker': src('core/parse/parse-worker.ts'),
        },
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
        },
      },
    },
  },

  // out/preload/index.cjs. The window is sandboxed, and a sandboxed preload
  // must be one CommonJS file that requires nothing but `electron`, so every
  // dependency (zod, through the contract) is bundled in.
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: src('preload/index.ts') },
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          codeSplitting: false,
        },
      },
    },
  },

  // out/renderer: index.html + assets, loaded by main over file:// and served
  // by `chitti serve` over loopback HTTP.
  renderer: {
    root: src('renderer'),
    plugins: [react(), cspMeta()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: { index: src('renderer/index.html') },
      },
    },
  },
});
