import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ChittiError } from '../app/errors.ts';
import {
  DEFAULT_CHUNK_BYTES, HEADER_BYTES, TAG_BYTES, decodeHeader, encodeHeader, fileKey, openChunk, sealChunk,
} from './blob-format.ts';

export interface PutResult {
  sha256: string;
  size: number;
  /** False when the store already held this content (nothing new was written). */
  written: boolean;
}

export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than the ${limit}-byte limit`);
  }
}

/** Reads into `buf` until it is full or the file ends; returns the bytes read. */
async function readFull(handle: FileHandle, buf: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buf.length) {
    const { bytesRead } = await handle.read(buf, filled, buf.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** A file's bytes in chunks of `size` (the last one shorter), each in a fresh buffer. */
async function* readChunks(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  let position = 0;
  for (;;) {
    const buf = Buffer.alloc(size);
    const n = await readFull(handle, buf, position);
    if (n > 0) yield buf.subarray(0, n);
    if (n < size) return;
    position += n;
  }
}

/**
 * Content-addressed store of encrypted originals. Files are named by an HMAC
 * of their sha256, so the folder (which may end up in a synced or backed-up
 * location) reveals neither content nor which known files it holds. Writes go
 * to a temp file and are renamed into place: a kill mid-write leaves only a
 * temp file, which the next start removes.
 */
export class BlobStore {
  constructor(
    readonly dir: string,
    private readonly blobKey: Buffer,
    private readonly nameKey: Buffer,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  pathFor(sha256: string): string {
    const name = createHmac('sha256', this.nameKey).update(sha256).digest('hex');
    return path.join(this.dir, name.slice(0, 2), name.slice(2));
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathFor(sha256)).then(() => true, () => false);
  }

  /** Encrypts a file into the store in one streaming pass, hashing as it goes. */
  async putFile(source: string, maxBytes: number): Promise<PutResult> {
    const input = await open(source, 'r');
    try {
      return await this.putStream(readChunks(input, this.chunkBytes), maxBytes);
    } finally {
      await input.close();
    }
  }

  /**
   * Encrypts bytes from any source (a file, an HTTP request body) into the
   * store in one pass, hashing as it goes. Pieces may have any size; they are
   * cut into the format's fixed chunks here. More than `maxBytes` throws
   * FileTooLargeError as soon as the excess arrives. If anything fails
   * (the source throws, the disk fills up) the temp file is removed and
   * nothing is stored.
   */
  async putStream(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<PutResult> {
    const tmpDir = path.join(this.dir, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    let out: FileHandle | null = null;
    try {
      const file = await open(tmp, 'wx', 0o600);
      out = file;
      const salt = randomBytes(32);
      const header = encodeHeader(salt, this.chunkBytes);
      const key = fileKey(this.blobKey, salt);
      const hash = createHash('sha256');
      await file.write(header);
      // One chunk of look-ahead: a full chunk is sealed only once more bytes
      // arrive, so that the last chunk (even a full or an empty one) carries the final flag.
      const chunk = Buffer.alloc(this.chunkBytes);
      let filled = 0;
      let index = 0;
      let size = 0;
      const seal = async (final: boolean) => {
        const plain = chunk.subarray(0, filled);
        hash.update(plain);
        await file.write(sealChunk(key, header, index, final, plain));
        index++;
        filled = 0;
      };
      for await (const piece of source) {
        size += piece.length;
        if (size > maxBytes) throw new FileTooLargeError(maxBytes);
        for (let offset = 0; offset < piece.length; ) {
          if (filled === this.chunkBytes) await seal(false);
          const n = Math.min(this.chunkBytes - filled, piece.length - offset);
          chunk.set(piece.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
        }
      }
      await seal(true);
      await file.sync();
      out = null;
      await file.close();
      const sha256 = hash.digest('hex');
      const target = this.pathFor(sha256);
      if (await this.has(sha256)) {
        await unlink(tmp);
        return { sha256, size, written: false };
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
      return { sha256, size, written: true };
    } catch (e) {
      await out?.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw e;
    }
  }

  /** Streams the decrypted original, checking every chunk and the final sha256. */
  async *stream(sha256: string): AsyncGenerator<Buffer> {
    const file = this.pathFor(sha256);
    const corrupt = (why: string) => new ChittiError('STORE_CORRUPT', `Stored original ${sha256.slice(0, 12)}… is damaged (${why}).`);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw corrupt('missing from the store');
      throw e;
    }
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      if ((await readFull(handle, header, 0)) !== HEADER_BYTES) throw corrupt('truncated header');
      const parsed = decodeHeader(header);
      if (!parsed) throw corrupt('unknown format');
      const key = fileKey(this.blobKey, parsed.salt);
      const { size } = await handle.stat();
      const sealedBytes = parsed.chunkSize + TAG_BYTES;
      const hash = createHash('sha256');
      let position = HEADER_BYTES;
      let index = 0;
      const buf = Buffer.alloc(sealedBytes);
      for (;;) {
        const len = await readFull(handle, buf, position);
        position += len;
        const final = position >= size;
        const plain = openChunk(key, header, index, final, buf.subarray(0, len));
        if (!plain) throw corrupt(final ? 'truncated or altered' : 'altered');
        hash.update(plain);
        yield plain;
        if (final) break;
        index++;
      }
      if (hash.digest('hex') !== sha256) throw corrupt('content hash mismatch');
    } finally {
      await handle.close();
    }
  }

  async read(sha256: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const part of this.stream(sha256)) parts.push(part);
    return Buffer.concat(parts);
  }

  /**
   * Removes temp files left by a process that was killed mid-write. Only old
   * ones: another process (a CLI import beside the app) may be writing now.
   */
  async sweepTemp(olderThanMs = 6 * 60 * 60 * 1000, now = Date.now()): Promise<number> {
    const tmpDir = path.join(this.dir, 'tmp');
    const names = await readdir(tmpDir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const file = path.join(tmpDir, name);
      const info = await stat(file).catch(() => null);
      if (info && now - info.mtimeMs > olderThanMs && (await unlink(file).then(() => true, () => false))) removed++;
    }
    return removed;
  }
}
