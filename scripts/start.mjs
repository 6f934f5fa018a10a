#!/usr/bin/env node
// `npm start`: build and open the desktop app when Electron's binary is
// installed; otherwise say how to use Chitti in a browser instead.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Where the electron package says its binary is, and whether it is there. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, why: 'the electron package is not installed' };
  }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathFile) && !override) {
    return { ok: false, why: `${path.relative(process.cwd(), pathFile)} is missing: it was installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or its download failed` };
  }
  const exe = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const bin = override ? path.join(override, exe) : path.join(pkgDir, 'dist', exe);
  return existsSync(bin) ? { ok: true, bin } : { ok: false, why: `${bin} does not exist` };
}

const electron = electronBinary();
if (!electron.ok) {
  console.error(
    `Electron's binary is not installed on this machine (${electron.why}).\n` +
      'Run `npx chitti serve` to use Chitti in your browser.\n' +
      'To get the desktop app, reinstall electron with its binary: `npm rebuild electron` (or `node node_modules/electron/install.js`).',
  );
  process.exit(1);
}

const cli = path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const child = spawn(process.execPath, [cli, 'preview', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
