import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Core } from '../../src/core/app/core-api.ts';
import { openHeadlessCore, type HeadlessCoreOptions } from '../../src/headless/host.ts';
import type { ProcedureName, ProcedureOutput, Task } from '../../src/shared/contract/index.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SHARED_DATA = path.resolve(REPO, '../shared/data');
export const PASSPHRASE = 'correct horse battery staple';

export async function tempDir(prefix = 'chitti-test-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A real core on a real encrypted database, protected by a passphrase (no keyring needed). */
export function openTestCore(dataDir: string, options: HeadlessCoreOptions = {}, passphrase = PASSPHRASE): Promise<Core> {
  return openHeadlessCore({
    dataDir,
    create: true,
    key: { env: { CHITTI_PASSPHRASE: passphrase }, interactive: false },
    logger: { debug() {}, info() {}, warn() {}, error: (m, f) => console.error(m, f) },
    ...options,
  });
}

/** Calls a procedure and fails the test with the error's code if it does not succeed. */
export async function ok<N extends ProcedureName>(core: Core, name: N, input: unknown): Promise<ProcedureOutput<N>> {
  const r = await core.dispatch(name, input);
  if (!r.ok) throw new Error(`${name} failed: ${r.error.code}: ${r.error.message}`);
  return r.result;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `chitti` binary in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { onStderr?: (chunk: string, kill: () => void) => void; prefix?: string[] } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const cmd = [...(options.prefix ?? []), process.execPath, path.join(REPO, 'bin/chitti.mjs'), ...args];
    const child = spawn(cmd[0]!, cmd.slice(1), {
      cwd: REPO,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHITTI_PASSPHRASE: PASSPHRASE, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, () => child.kill('SIGKILL'));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Resolves with the task as it ended, from its own `task.finished` event. */
export function taskFinished(core: Core, taskId: string): Promise<Task> {
  return new Promise((resolve) => {
    const off = core.subscribe((name, payload) => {
      const { task } = payload as { task: Task };
      if (name === 'task.finished' && task.id === taskId) {
        off();
        resolve(task);
      }
    });
  });
}
