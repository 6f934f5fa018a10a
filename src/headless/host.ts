import os from 'node:os';
import path from 'node:path';
import { createCore, type CoreOptions } from '../core/index.ts';
import type { Core } from '../core/app/core-api.ts';
import type { Logger } from '../core/ports.ts';
import { headlessKeyStore, type HeadlessKeyOptions } from './key-store.ts';
import { headlessModelDirs } from './models.ts';
import { sourceWorkers } from './workers.ts';

/** Where the CLI keeps its workspace unless --data-dir or CHITTI_HOME says otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHITTI_HOME) return path.resolve(env.CHITTI_HOME);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Chitti');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Chitti');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'chitti');
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** JSON lines on stderr. Callers pass no secrets: keys and passphrases never reach a logger. */
export function stderrLogger(level: string = process.env.CHITTI_LOG_LEVEL ?? 'warn'): Logger {
  const min = Math.max(0, LEVELS.indexOf(level as (typeof LEVELS)[number]));
  const at = (lvl: (typeof LEVELS)[number]) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(lvl) >= min) process.stderr.write(JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...fields }) + '\n');
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface HeadlessCoreOptions extends CoreOptions {
  dataDir?: string;
  key?: HeadlessKeyOptions;
  logger?: Logger;
}


export function openHeadlessCore(options: HeadlessCoreOptions = {}): Promise<Core> {
  const { dataDir: given, key, logger, ...coreOptions } = options;
  const dataDir = given ?? defaultDataDir();
  return createCore(
    {
      dataDir,
      keyStore: headlessKeyStore(key),
      workers: sourceWorkers,
      actor: () => process.env.CHITTI_ACTOR ?? os.userInfo().username,
      logger: logger ?? stderrLogger(),
    },
    { modelDirs: headlessModelDirs(dataDir), ...coreOptions },
  );
}
