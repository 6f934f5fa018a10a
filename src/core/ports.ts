import type { ResourceLimits, Worker } from 'node:worker_threads';

/** How the master key is protected at rest; recorded in the key file. */
export type KeyMethod = 'passphrase' | 'keyring' | 'safe-storage';

/** Method-specific material that, with the host's secret, recovers the master key. */
export interface ProtectedKey {
  method: KeyMethod;
  [field: string]: unknown;
}

/** Wraps and unwraps the 256-bit master key (OS keychain, passphrase, …). */
export interface KeyProtector {
  readonly method: KeyMethod;
  protect(masterKey: Buffer): Promise<ProtectedKey>;
  unprotect(protectedKey: ProtectedKey): Promise<Buffer>;
}

/** The host decides which protector creates a new key and which opens an existing one. */
export interface KeyStorePort {
  forNewKey(): Promise<KeyProtector>;
  forMethod(method: KeyMethod): Promise<KeyProtector>;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Worker entry points the core needs; the host knows how to start them (tsx, bundle, …). */
export type WorkerEntry = 'ingest' | 'inference' | 'parse';
/** How a worker is started besides its data: the parse worker runs under a heap limit. */
export interface WorkerSpawnOptions {
  resourceLimits?: ResourceLimits;
}
export type WorkerFactory = (entry: WorkerEntry, workerData: unknown, options?: WorkerSpawnOptions) => Worker;

export interface CorePorts {
  dataDir: string;
  keyStore: KeyStorePort;
  workers: WorkerFactory;
  /** The person acting, as recorded in the audit log. */
  actor: () => string;
  clock?: () => Date;
  logger?: Logger;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
