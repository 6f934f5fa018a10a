import type { BlobStore } from '../store/blob-store.ts';
import { sniffHead, storeFailure, storedOutcome, takeHead, type IngestOutcome } from './ingest-file.ts';

/**
 * What became of one uploaded body:
 * - `settled`: the file has an outcome (stored, or refused with a file error
 *   code) to commit to its item; `rest` says whether unread bytes remain.
 * - `incomplete`: the body stopped early (the sender aborted, or sent fewer
 *   bytes than it declared); nothing was stored and the item can be sent again.
 * - `abandoned`: the item stopped wanting bytes while they arrived (the task
 *   was cancelled, the core is closing); nothing was stored.
 */
export type UploadIngestResult =
  | { kind: 'settled'; outcome: IngestOutcome; rest: boolean }
  | { kind: 'incomplete'; received: number; message: string }
  | { kind: 'abandoned'; received: number; reason: string };

export interface UploadIngestOptions {
  /** The display name, for the mislabel remark (as for a path import). */
  name: string;
  /** The size the uploader declared; the body must have exactly this many bytes. */
  declared: number;
  store: BlobStore;
  maxBytes: number;
  /** Aborted (with a reason string) when the upload is no longer wanted; wins over a body that stalls. */
  signal: AbortSignal;
  /** Checked every few MiB and before the file is committed to the store: a reason to stop, or null. */
  stillWanted: () => string | null;
}

/** How many bytes pass between two calls of `stillWanted` (a database read, for a cancel by another process). */
const CHECK_EVERY_BYTES = 8 * 1024 * 1024;

class BodyFailed extends Error {}
class Abandoned extends Error {}
class SizeMismatch extends Error {
  constructor(readonly over: boolean, message: string) {
    super(message);
  }
}

const reasonOf = (signal: AbortSignal) => (typeof signal.reason === 'string' ? signal.reason : 'the upload was stopped');

/** The body's next piece, unless the signal fires first; a body that throws becomes BodyFailed. */
function nextPiece(body: AsyncIterator<Uint8Array>, signal: AbortSignal): Promise<IteratorResult<Uint8Array>> {
  if (signal.aborted) return Promise.reject(new Abandoned(reasonOf(signal)));
  return new Promise((resolve, reject) => {
    const next = body.next();
    const onAbort = () => {
      next.catch(() => {}); // the body may still fail later; nobody is waiting for it any more
      reject(new Abandoned(reasonOf(signal)));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    next.then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(new BodyFailed('the upload was interrupted', { cause: e }));
      },
    );
  });
}

/**
 * The body's pieces, checked as they come: never more than declared, exactly
 * as many in the end, and still wanted. Any failure throws here, inside the
 * consumer (the sniffing, the store's encryption loop), so that the store
 * removes its temp file and nothing half-written is kept.
 */
async function* checkedPieces(body: AsyncIterator<Uint8Array>, options: UploadIngestOptions, count: { received: number }) {
  let nextCheck = CHECK_EVERY_BYTES;
  for (;;) {
    const r = await nextPiece(body, options.signal);
    if (r.done) break;
    count.received += r.value.length;
    if (count.received > options.declared) {
      throw new SizeMismatch(true, `more bytes arrived than the ${options.declared} declared for this file`);
    }
    if (count.received >= nextCheck) {
      nextCheck = count.received + CHECK_EVERY_BYTES;
      const stop = options.stillWanted();
      if (stop) throw new Abandoned(stop);
    }
    yield r.value;
  }
  if (count.received < options.declared) {
    throw new SizeMismatch(false, `the upload ended after ${count.received} of the ${options.declared} bytes declared`);
  }
  // Last look before the store commits the file: a cancel may have come in meanwhile.
  const stop = options.stillWanted();
  if (stop) throw new Abandoned(stop);
}

/**
 * Checks and stores one uploaded file, as `ingestFile` does for a path: the
 * type is decided from the first SNIFF_BYTES (buffered before anything is
 * written), then the whole body is encrypted into the store in one pass,
 * hashing as it goes; the same refusals with the same messages. Runs on the
 * caller's thread: per piece it does one copy and, per MiB, one AES-GCM seal,
 * awaiting the body and the disk in between, so the event loop stays free.
 *
 * It never calls the body's `return()` (which would destroy an HTTP request
 * before it can be answered): unread bytes stay for the caller to drain.
 */
export async function ingestUpload(body: AsyncIterator<Uint8Array>, options: UploadIngestOptions): Promise<UploadIngestResult> {
  const count = { received: 0 };
  const pieces = checkedPieces(body, options, count);
  try {
    const { head, whole } = await takeHead(pieces);
    const sniffed = await sniffHead(head);
    if (!sniffed.ok) return { kind: 'settled', outcome: sniffed, rest: true };
    const put = await options.store.putStream(whole, options.maxBytes);
    return { kind: 'settled', outcome: storedOutcome(put, sniffed, options.name), rest: false };
  } catch (e) {
    if (e instanceof BodyFailed) return { kind: 'incomplete', received: count.received, message: `${e.message} after ${count.received} of ${options.declared} bytes` };
    if (e instanceof Abandoned) return { kind: 'abandoned', received: count.received, reason: e.message };
    if (e instanceof SizeMismatch) {
      if (!e.over) return { kind: 'incomplete', received: count.received, message: e.message };
      return { kind: 'settled', outcome: { ok: false, code: 'FILE_TOO_LARGE', message: e.message }, rest: true };
    }
    return { kind: 'settled', outcome: storeFailure(e, options.maxBytes, false), rest: true };
  }
}

/**
 * Reads and discards what is left of a body, so that a transport can still
 * answer the request. Stops quietly when the body fails or the signal fires.
 */
export async function drainBody(body: AsyncIterator<Uint8Array>, signal: AbortSignal): Promise<void> {
  try {
    for (;;) if ((await nextPiece(body, signal)).done) return;
  } catch {
    // the sender went away, or we are closing: nothing more to read either way
  }
}
