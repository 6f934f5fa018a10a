import { open, stat, type FileHandle } from 'node:fs/promises';
import type { FileErrorCode } from '../../shared/contract/index.ts';
import { BlobStore, FileTooLargeError, type PutResult } from '../store/blob-store.ts';
import { SNIFF_BYTES, mislabelNote, sniffContent, type SniffOk } from './sniff.ts';

export type IngestOutcome =
  | { ok: true; sha256: string; size: number; mime: string; kind: 'image' | 'document'; note: string | null }
  | { ok: false; code: FileErrorCode; message: string };

export type IngestFailure = Extract<IngestOutcome, { ok: false }>;

const fail = (code: FileErrorCode, message: string): IngestFailure => ({ ok: false, code, message });
const errno = (e: unknown) => (e as NodeJS.ErrnoException | null)?.code ?? '';
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

/*
 * The checks below are shared by every way bytes come in (a path read by a
 * worker, an upload streamed by a transport), so that a file gets the same
 * outcome and the same words whichever way it arrived.
 */

/** Refuses a size known up front (from stat, or as declared by an uploader): empty, or over the limit. */
export function sizeRefusal(size: number, maxBytes: number): IngestFailure | null {
  if (size === 0) return fail('FILE_EMPTY', 'the file is empty (0 bytes)');
  if (size > maxBytes) return fail('FILE_TOO_LARGE', `the file is ${mib(size)}, over the ${mib(maxBytes)} limit`);
  return null;
}

/** Decides the type from the leading bytes (SNIFF_BYTES of them, or the whole file if shorter). */
export async function sniffHead(head: Uint8Array): Promise<SniffOk | IngestFailure> {
  const sniffed = await sniffContent(head);
  return sniffed.ok ? sniffed : fail(sniffed.code, sniffed.message);
}

/** The outcome of a file that was stored: its type, and a remark if its name says otherwise. */
export function storedOutcome(put: PutResult, sniffed: SniffOk, name: string): IngestOutcome {
  return { ok: true, sha256: put.sha256, size: put.size, mime: sniffed.mime, kind: sniffed.kind, note: mislabelNote(name, sniffed) };
}

/**
 * Why storing failed: over the limit while being read, or an I/O error (disk
 * full, …). `fromFile`: the bytes were read from a file, whose own errors
 * (gone, unreadable) can surface here too; a stream's cannot.
 */
export function storeFailure(e: unknown, maxBytes: number, fromFile = true): IngestFailure {
  if (e instanceof FileTooLargeError) return fail('FILE_TOO_LARGE', `the file grew past the ${mib(maxBytes)} limit while it was read`);
  return ioFailure(e, true, fromFile);
}

function ioFailure(e: unknown, writing: boolean, fromFile = true): IngestFailure {
  const code = errno(e);
  if (code === 'ENOSPC' || code === 'EDQUOT') return fail('DISK_FULL', 'the disk is full; free some space and import this file again');
  if (fromFile && code === 'ENOENT') return fail('FILE_NOT_FOUND', 'the file disappeared while it was being imported');
  if (fromFile && (code === 'EACCES' || code === 'EPERM')) return fail('FILE_UNREADABLE', 'permission denied: the file cannot be read');
  if (writing) return fail('STORE_WRITE_FAILED', `the file could not be stored (${code || 'I/O error'})`);
  return fail('FILE_UNREADABLE', `the file cannot be read (${code || 'I/O error'})`);
}

/**
 * Reads the first SNIFF_BYTES of a stream of pieces and returns them with the
 * whole stream (those bytes included, then the rest), so that the type is
 * decided from exactly the bytes that are then stored.
 */
export async function takeHead(pieces: AsyncIterator<Uint8Array>): Promise<{ head: Buffer; whole: AsyncIterable<Uint8Array> }> {
  const first: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < SNIFF_BYTES) {
    const r = await pieces.next();
    if (r.done) break;
    first.push(r.value);
    bytes += r.value.length;
  }
  async function* whole() {
    yield* first;
    for (let r = await pieces.next(); !r.done; r = await pieces.next()) yield r.value;
  }
  return { head: Buffer.concat(first), whole: whole() };
}

const READ_BYTES = 1024 * 1024;

/** The file's bytes, read through one open handle. */
async function* fileChunks(handle: FileHandle): AsyncGenerator<Uint8Array> {
  for (let position = 0; ; ) {
    const buf = Buffer.allocUnsafe(READ_BYTES);
    const { bytesRead } = await handle.read(buf, 0, READ_BYTES, position);
    if (bytesRead === 0) return;
    position += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

/**
 * Checks one file and copies it, encrypted, into the store. Runs in a worker
 * thread. Cheap checks come first (existence, kind of file, size), then the
 * file is opened once: its first bytes decide the type (a refused file costs
 * one small read), and the same stream, from its first byte, is hashed and
 * encrypted in one pass. What was checked is what is stored, even if the file
 * is replaced on disk meanwhile.
 */
export async function ingestFile(source: string, name: string, store: BlobStore, maxBytes: number): Promise<IngestOutcome> {
  let info;
  try {
    info = await stat(source);
  } catch (e) {
    if (errno(e) === 'ENOENT') return fail('FILE_NOT_FOUND', 'no such file (or a link that points nowhere)');
    return ioFailure(e, false);
  }
  if (info.isDirectory()) return fail('FILE_UNREADABLE', 'this folder cannot be read (permission denied)');
  if (!info.isFile()) return fail('FILE_NOT_REGULAR', 'not a regular file (a device, pipe or socket)');
  const refused = sizeRefusal(info.size, maxBytes);
  if (refused) return refused;

  let handle: FileHandle;
  try {
    handle = await open(source, 'r');
  } catch (e) {
    return ioFailure(e, false);
  }
  try {
    let split: Awaited<ReturnType<typeof takeHead>>;
    try {
      split = await takeHead(fileChunks(handle));
    } catch (e) {
      return ioFailure(e, false);
    }
    const sniffed = await sniffHead(split.head);
    if (!sniffed.ok) return sniffed;
    try {
      return storedOutcome(await store.putStream(split.whole, maxBytes), sniffed, name);
    } catch (e) {
      return storeFailure(e, maxBytes);
    }
  } finally {
    await handle.close();
  }
}
