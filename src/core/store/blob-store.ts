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
    const tmpDir = path.join(this.dir, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const input = await open(source, 'r');
    let out: FileHandle | null = null;
    try {
      out = await open(tmp, 'wx', 0o600);
      const salt = randomBytes(32);
      const header = encodeHeader(salt, this.chunkBytes);
      const key = fileKey(this.blobKey, salt);
      const hash = createHash('sha256');
      await out.write(header);
      // One chunk of look-ahead: a chunk is sealed only once we know whether it is the last.
      let current = Buffer.alloc(this.chunkBytes);
      let next = Buffer.alloc(this.chunkBytes);
      let currentLen = await readFull(input, current, 0);
      let position = currentLen;
      let index = 0;
      for (;;) {
        if (position > maxBytes) throw new FileTooLargeError(maxBytes);
        const nextLen = currentLen === this.chunkBytes ? await readFull(input, next, position) : 0;
        const final = nextLen === 0;
        const plain = current.subarray(0, currentLen);
        hash.update(plain);
        await out.write(sealChunk(key, header, index, final, plain));
        if (final) break;
        [current, next] = [next, current];
        currentLen = nextLen;
        position += nextLen;
        index++;
      }
      await out.sync();
      await out.close();
      out = null;
      const sha256 = hash.digest('hex');
      const target = this.pathFor(sha256);
      if (await this.has(sha256)) {
        await unlink(tmp);
        return { sha256, size: position, written: false };
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
      return { sha256, size: position, written: true };
    } catch (e) {
      await out?.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw e;
    } finally {
      await input.close();
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
