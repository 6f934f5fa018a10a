import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { PASSPHRASE, REPO } from './workspace.ts';

export interface RunningServer {
  url: string;
  token: string;
  process: ChildProcessWithoutNullStreams;
  stop(): Promise<number | null>;
}

/** Starts the real `chitti serve` on a workspace and waits for the address it prints. */
export async function startServe(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/chitti.mjs'), '--data-dir', dataDir, '--json', 'serve'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, CHITTI_PASSPHRASE: PASSPHRASE, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve(JSON.parse(out) as { url: string; token: string });
      } catch {
        /* not all of it yet */
      }
    });
    child.on('exit', (code) => reject(new Error(`chitti serve exited early with ${code}: ${stderr}`)));
  });
  return {
    ...started,
    process: child,
    stop() {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
