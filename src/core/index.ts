import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { events as eventSchemas, resources } from '../shared/contract/index.ts';
import { ANCHOR_FILE_NAME } from './audit/anchor.ts';
import { AuditService } from './audit/service.ts';
import type { Core, EventListener } from './app/core-api.ts';
import { createDispatch, parseInput, settle } from './app/dispatch.ts';
import { ChittiError } from './app/errors.ts';
import { createHandlers } from './app/handlers.ts';
import { createFetchResource, createResourceHandlers } from './app/resources.ts';
import { createUnitOfWork } from './app/unit-of-work.ts';
import { deriveKey } from './crypto/derive.ts';
import { ModelCatalog, type InstalledModel } from './inference/catalog.ts';
import { DetectionEngine } from './inference/engine.ts';
import type { InferenceWorkerData } from './inference/protocol.ts';
import { KEY_FILE_NAME, createMasterKey, loadMasterKey } from './crypto/key-file.ts';
import { migrate, schemaVersion } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import type { IngestRequest, IngestResponse, IngestWorkerData } from './ingest/ingest-protocol.ts';
import { ImageCache } from './media/image-cache.ts';
import { MediaService } from './media/media-service.ts';
import { ReportService } from './report/report-service.ts';
import { ChecklistRegistry } from './checklist/registry.ts';
import { checklistEvaluation } from './documents/checklist-evaluation.ts';
import { DocumentService } from './documents/document-service.ts';
import { createOcrEngine } from './ocr/index.ts';
import { PARSER_VERSION, createDocumentParser } from './parse/index.ts';
import { buildDocumentModel } from './structure/index.ts';
import { silentLogger, type CorePorts } from './ports.ts';
import { BlobStore } from './store/blob-store.ts';
import { TaskRunner } from './tasks/runner.ts';
import { UploadService } from './tasks/upload-task.ts';
import { WorkerPool } from './tasks/worker-pool.ts';

export type { Core } from './app/core-api.ts';
export type { CorePorts } from './ports.ts';
export { ChittiError } from './app/errors.ts';
export { ImageCache, type ImageCacheStats } from './media/image-cache.ts';

export const DB_FILE_NAME = 'chitti.db';
export const VERSION = '0.1.0';
/** The workspace folder where users put their own checklist frameworks (YAML). */
export const CHECKLISTS_DIR_NAME = 'checklists';
/** Bumped when structure detection changes what it produces (with the parser's version, it keys kept document models). */
const STRUCTURE_VERSION = 'structure-1';

export interface CoreOptions {
  /** true: create a new database if there is none; 'exclusive': fail if one exists (`chitti init`). */
  create?: boolean | 'exclusive';
  /** Pick up tasks a previous process left unfinished (the app and `serve` do; one-shot CLI commands do not). */
  autoResume?: boolean;
  /** Largest file an import accepts. */
  maxFileBytes?: number;
  /** Worker threads for imports (default: the number of cores). */
  concurrency?: number;
  /** Test-only fault injection: pause before each imported file. */
  importDelayMs?: number;
  /** Decoded images and thumbnails kept for display (default: a new cache, 512 MiB + 64 MiB); pass one to share it or read its stats. */
  imageCache?: ImageCache;
  /** Largest image (width × height) decoded for display or detection (default 300 million pixels). */
  maxImagePixels?: number;
  /**
   * Folders of installed models, searched in order (default: `<dataDir>/models`
   * as 'user' only). Hosts put their built-in folder first, then the user one.
   */
  modelDirs?: Array<{ dir: string; origin: InstalledModel['origin'] }>;
  inference?: {
    /** Inference worker threads, i.e. images analysed at once (default: the number of cores less one, at least 1). */
    poolSize?: number;
    /** Test-only fault injection: an inference worker exits on an image of exactly this size. */
    crashOnSize?: { width: number; height: number };
  };
  /** Test-only fault injection: pause before each image a detect task analyses. */
  detectDelayMs?: number;
  /** The built-in checklist frameworks (default: the repository's resources/checklists; the packaged app passes its resources folder). */
  builtinChecklistsDir?: string;
}

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 ** 3;

/**
 * Opens (or creates) the encrypted workspace in `ports.dataDir` and returns
 * the core. Nothing here knows which host (Electron, CLI, HTTP) is calling.
 */
export async function createCore(ports: CorePorts, options: CoreOptions = {}): Promise<Core> {
  const logger = ports.logger ?? silentLogger;
  const clock = ports.clock ?? (() => new Date());
  const dataDir = path.resolve(ports.dataDir);
  const dbFile = path.join(dataDir, DB_FILE_NAME);
  const keyFile = path.join(dataDir, KEY_FILE_NAME);
  const hasDb = existsSync(dbFile);
  const hasKey = existsSync(keyFile);

  if (options.create === 'exclusive' && (hasDb || hasKey)) {
    throw new ChittiError('ALREADY_INITIALIZED', `A Chitti database already exists in ${dataDir}.`);
  }
  if (!options.create && !hasDb) {
    throw new ChittiError('NOT_INITIALIZED', `No Chitti database in ${dataDir}; run \`chitti init\` first.`);
  }
  if (hasDb && !hasKey) {
    throw new ChittiError('KEY_MISSING', `The database in ${dataDir} has no key file (${KEY_FILE_NAME}); restore it from a backup. A new key is never made for an existing database.`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const master = hasKey ? await loadMasterKey(keyFile, ports.keyStore) : await createMasterKey(keyFile, ports.keyStore, clock());

  const db = openDatabase(dbFile, deriveKey(master.key, 'db'), { create: Boolean(options.create) });
  try {
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }

  const storeDir = path.join(dataDir, 'originals');
  const blobKey = deriveKey(master.key, 'blob');
  const nameKey = deriveKey(master.key, 'blob-name');
  const store = new BlobStore(storeDir, blobKey, nameKey);
  await mkdir(storeDir, { recursive: true, mode: 0o700 });
  await store.sweepTemp();

  const listeners = new Set<EventListener>();
  const emit: EventListener = (name, payload) => {
    const checked = eventSchemas[name].safeParse(payload);
    if (!checked.success) {
      logger.error('event does not match the contract', { event: name });
      return;
    }
    for (const l of listeners) {
      try {
        l(name, checked.data as typeof payload);
      } catch (e) {
        logger.warn('event listener failed', { event: name, error: String(e) });
      }
    }
  };

  const audit = new AuditService(db, path.join(dataDir, ANCHOR_FILE_NAME), deriveKey(master.key, 'audit-anchor'), logger);
  const write = createUnitOfWork({ db, clock, actor: ports.actor, emit, onAudited: (head) => audit.noteHead(head) });

  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const workerData: IngestWorkerData = {
    storeDir, blobKey, nameKey, maxBytes,
    delayMs: options.importDelayMs ?? 0,
  };
  // Uploads are encrypted on this thread (AES-GCM streams cheaply, one chunk per await); paths go to workers.
  const uploads = new UploadService({ db, write, store, maxBytes });

  // Models are found when first needed; inference workers start with the first image and stop when the queue is idle.
  const catalog = new ModelCatalog(options.modelDirs ?? [{ dir: path.join(dataDir, 'models'), origin: 'user' }]);
  const inferenceData: InferenceWorkerData = {
    intraOpThreads: 1, batch: 4, ...(options.inference?.crashOnSize ? { crashOnSize: options.inference.crashOnSize } : {}),
  };
  const engine = new DetectionEngine({
    catalog,
    spawn: () => ports.workers('inference', inferenceData),
    poolSize: Math.max(1, options.inference?.poolSize ?? availableParallelism() - 1),
    maxPixels: options.maxImagePixels,
  });

  // Documents: parsed in 'parse' workers (OCR for scans here, one page at a time), structured, kept in the database.
  const ocr = createOcrEngine();
  const parser = createDocumentParser({ workers: ports.workers, logger }, { ocr });
  const documents = new DocumentService({ db, write, store, parser, structure: buildDocumentModel, modelVersion: `${PARSER_VERSION}/${STRUCTURE_VERSION}` });
  const checklists = new ChecklistRegistry({
    userDir: path.join(dataDir, CHECKLISTS_DIR_NAME),
    ...(options.builtinChecklistsDir ? { builtinDir: options.builtinChecklistsDir } : {}),
  });

  const runner = new TaskRunner({
    db, write, logger, concurrency,
    createPool: () => new WorkerPool<IngestRequest, IngestResponse>(() => ports.workers('ingest', workerData), concurrency),
    isLiveUpload: (taskId) => uploads.isLive(taskId),
    detect: { engine, store, delayMs: options.detectDelayMs ?? 0 },
    checklist: { documents, evaluation: checklistEvaluation },
  });

  const media = new MediaService(store, { cache: options.imageCache ?? new ImageCache(), maxPixels: options.maxImagePixels });
  const handlers = createHandlers({
    db, write, runner, uploads, audit, media, engine, documents, checklists,
    info: { version: VERSION, dataDir, keyMethod: master.method, schemaVersion: () => schemaVersion(db) },
  });
  const { dispatch, dispatchUnknown } = createDispatch(handlers, logger);
  const reports = new ReportService({ db, media, catalog, audit, write, actor: ports.actor, clock, version: VERSION });
  const fetchResource = createFetchResource(createResourceHandlers({ db, media, reports, documents, reviewReports: { db, write, audit, actor: ports.actor, clock, version: VERSION } }), logger);
  master.key.fill(0);

  if (options.autoResume) runner.resume();

  let closed: Promise<void> | null = null;
  return {
    dispatch,
    dispatchUnknown,
    fetchResource,
    exportReport: (jobId, { format, signing }) =>
      settle(logger, 'report failed', { format }, async () => {
        const input = parseInput(resources['job.report'], { jobId, format }, 'report');
        return reports.export(input.jobId, input.format, signing);
      }),
    receiveUpload: (taskId, seq, body) => settle(logger, 'upload failed', { taskId, seq }, () => uploads.receive(taskId, seq, body)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    idle: () => runner.idle(),
    close() {
      closed ??= (async () => {
        await uploads.close();
        await runner.stop();
        await engine.close();
        await parser.close();
        await ocr.close();
        await audit.flush();
        listeners.clear();
        db.close();
      })();
      return closed;
    },
  };
}
