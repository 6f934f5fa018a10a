import type { Worker } from 'node:worker_threads';
import { ChittiError } from '../app/errors.ts';
import type { OcrEngine, PageImage } from '../ocr/types.ts';
import { silentLogger, type CorePorts, type Logger } from '../ports.ts';
import type { ParseLimits } from './limits.ts';
import type { ParseRequest, ParseResponse, ParseWorkerData } from './parse-protocol.ts';
import type { ParsedDocument } from './types.ts';

/**
 * The document parser the app and the CLI use: parseDocument and renderPage
 * run in 'parse' worker threads, so a pdf.js crash, a file that makes it
 * allocate without end, or one that makes it spin cannot take the app down:
 *  - each worker has a V8 heap limit (`maxHeapMb`); a worker that reaches it
 *    dies alone and the file is refused with DOCUMENT_TOO_LARGE;
 *  - a watchdog stops a worker that reports no progress (a page done, a
 *    render finished) for `stallMs`; time the host's OCR engine spends on a
 *    page does not count, the worker is waiting then;
 *  - an aborted signal stops the worker at once.
 * A worker that finished is kept for the next request for `idleMs`; one that
 * was stopped is replaced. Native memory (the render canvas, decoded images)
 * is outside the heap limit: the pixel caps in limits.ts bound it.
 */

/** Bumped whenever parsing changes what it produces, so stored document models are rebuilt. */
export const PARSER_VERSION = 'parse-1';

export interface DocumentParserOptions {
  /** The engine for pages without a usable text layer (it runs in this thread; workers send it page images). */
  ocr?: OcrEngine | null;
  /** Parse workers at once; more requests wait. Default 2: a parse and the viewer's renders side by side. */
  concurrency?: number;
  /** Stop a worker that makes no progress for this long. Default 60 s: far more than any real page takes. */
  stallMs?: number;
  /** V8 heap limit of a parse worker. Default 1024 MiB. */
  maxHeapMb?: number;
  /** How long an idle worker is kept for the next request. Default 30 s. */
  idleMs?: number;
  limits?: Partial<ParseLimits>;
}

export interface DocumentParser {
  readonly version: string;
  parse(bytes: Uint8Array, options?: { signal?: AbortSignal; maxPages?: number; onProgress?: (page: number, pages: number) => void }): Promise<ParsedDocument>;
  /** One page as RGBA (the viewer) or grey, at `dpi` or the highest resolution within the pixel cap. */
  render(bytes: Uint8Array, page: number, dpi: number, options?: { grey?: boolean; signal?: AbortSignal }): Promise<PageImage>;
  close(): Promise<void>;
}

type WorkerPorts = Pick<CorePorts, 'workers'> & { logger?: Logger };

/** Idle workers kept warm, started on demand up to `size`. */
class WorkerSlots {
  private readonly idle: Array<{ worker: Worker; timer: NodeJS.Timeout }> = [];
  private readonly waiting: Array<() => void> = [];
  private live = 0;
  private closed = false;

  constructor(private readonly spawn: () => Worker, private readonly size: number, private readonly idleMs: number) {}

  async acquire(): Promise<Worker> {
    for (;;) {
      if (this.closed) throw new ChittiError('CONFLICT', 'The document parser is shutting down.');
      const kept = this.idle.pop();
      if (kept) {
        clearTimeout(kept.timer);
        return kept.worker;
      }
      if (this.live < this.size) {
        this.live++;
        try {
          return this.spawn();
        } catch (e) {
          this.live--;
          throw e;
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  release(worker: Worker): void {
    if (this.closed) {
      this.discard(worker);
      return;
    }
    const timer = setTimeout(() => {
      const i = this.idle.findIndex((k) => k.worker === worker);
      if (i >= 0) this.idle.splice(i, 1);
      this.discard(worker);
    }, this.idleMs);
    timer.unref();
    this.idle.push({ worker, timer });
    this.waiting.shift()?.();
  }

  /** Stops a worker (crashed, stalled, aborted or idle) and lets a waiting request start a new one. */
  discard(worker: Worker): void {
    this.live--;
    worker.removeAllListeners();
    worker.on('error', () => {}); // a late error from a terminating worker is of no interest
    void worker.terminate();
    this.waiting.shift()?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
    for (const { worker, timer } of this.idle.splice(0)) {
      clearTimeout(timer);
      this.discard(worker);
    }
  }
}

/** A request without its id (Omit over each member of the union, so each keeps its own fields). */
type Job = Extract<ParseRequest, { type: 'parse' | 'render' }> extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export function createDocumentParser(ports: WorkerPorts, options: DocumentParserOptions = {}): DocumentParser {
  const logger = ports.logger ?? silentLogger;
  const ocr = options.ocr ?? null;
  const stallMs = options.stallMs ?? 60_000;
  const maxHeapMb = options.maxHeapMb ?? 1024;
  const workerData: ParseWorkerData = { limits: options.limits ?? {} };
  const slots = new WorkerSlots(
    () => ports.workers('parse', workerData, { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 64 } }),
    Math.max(1, options.concurrency ?? 2),
    options.idleMs ?? 30_000,
  );
  let nextId = 1;

  async function run<T>(job: Job, signal: AbortSignal | undefined, onProgress?: (page: number, pages: number) => void): Promise<T> {
    signal?.throwIfAborted();
    const worker = await slots.acquire();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let watchdog: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => finish(false, new ChittiError('DOCUMENT_UNREADABLE',
          `Reading this document stopped after ${Math.round(stallMs / 1000)} s without progress: it is damaged or built to stall readers.`)), stallMs);
      };
      const onAbort = () => finish(false, signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
      function finish(ok: boolean, value: unknown, keepWorker = false): void {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        signal?.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (keepWorker) slots.release(worker);
        else slots.discard(worker);
        if (ok) resolve(value as T);
        else reject(value instanceof Error ? value : new Error(String(value)));
      }
      async function recognize(ocrId: number, image: PageImage): Promise<void> {
        clearTimeout(watchdog); // the worker waits for us now
        let answer: ParseRequest;
        try {
          if (!ocr) throw new Error('no OCR engine is available');
          answer = { type: 'ocr-result', id, ocrId, ok: true, result: await ocr.recognize(image) };
        } catch (e) {
          answer = { type: 'ocr-result', id, ocrId, ok: false, message: e instanceof Error ? e.message : String(e) };
        }
        if (settled) return;
        arm();
        worker.postMessage(answer);
      }
      function onMessage(msg: ParseResponse): void {
        if (msg.id !== id) return;
        switch (msg.type) {
          case 'progress':
            arm();
            onProgress?.(msg.page, msg.pages);
            return;
          case 'ocr':
            void recognize(msg.ocrId, msg.image);
            return;
          case 'parsed':
            finish(true, msg.document, true);
            return;
          case 'rendered':
            finish(true, msg.image, true);
            return;
          case 'failed':
            if (msg.detail) logger.error('document parser failed', { detail: msg.detail });
            finish(false, new ChittiError(msg.code, msg.message), true);
        }
      }
      function onError(e: Error & { code?: string }): void {
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          finish(false, new ChittiError('DOCUMENT_TOO_LARGE',
            `Reading this document needed more than the ${maxHeapMb} MiB of memory a document may use; it was stopped.`));
          return;
        }
        logger.error('document parser crashed', { error: e.message });
        finish(false, new ChittiError('DOCUMENT_UNREADABLE', 'The document reader crashed on this file; it may be damaged.'));
      }
      function onExit(code: number): void {
        finish(false, new ChittiError('DOCUMENT_UNREADABLE', `The document reader stopped on this file (exit code ${code}); it may be damaged.`));
      }
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      arm();
      worker.postMessage({ ...job, id });
    });
  }

  return {
    version: PARSER_VERSION,
    parse: (bytes, opts = {}) => run<ParsedDocument>(
      { type: 'parse', bytes, ocr: ocr !== null, ...(opts.maxPages !== undefined ? { maxPages: opts.maxPages } : {}) },
      opts.signal, opts.onProgress),
    render: (bytes, page, dpi, opts = {}) => run<PageImage>({ type: 'render', bytes, page, dpi, grey: opts.grey ?? false }, opts.signal),
    close: () => slots.close(),
  };
}
