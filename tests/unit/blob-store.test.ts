import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BlobStore, FileTooLargeError } from '../../src/core/store/blob-store.ts';
import { tempDir } from '../helpers/workspace.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('encrypted content-addressed store', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: BlobStore;
  const CHUNK = 4096;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    store = new BlobStore(path.join(dir, 'store'), randomBytes(32), randomBytes(32), CHUNK);
  });
  afterEach(() => cleanup());

  async function put(content: Buffer) {
    const src = path.join(dir, `src-${randomBytes(4).toString('hex')}`);
    await writeFile(src, content);
    return store.putFile(src, 1e9);
  }

  it.each([1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])('round-trips %i bytes', async (n) => {
    const content = randomBytes(n);
    const r = await put(content);
    expect(r).toEqual({ sha256: sha(content), size: n, written: true });
    expect((await store.read(r.sha256)).equals(content)).toBe(true);
  });

  it('stores each content once, under a name that is not its hash', async () => {
    const content = randomBytes(10_000);
    const a = await put(content);
    const b = await put(content);
    expect(b.written).toBe(false);
    const files = (await readdir(store.dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files).toHaveLength(1);
    expect(files[0]!.name).not.toContain(a.sha256.slice(2));
    expect(store.pathFor(a.sha256).startsWith(store.dir + path.sep)).toBe(true);
  });

  it('detects a flipped byte', async () => {
    const r = await put(randomBytes(3 * CHUNK));
    const file = store.pathFor(r.sha256);
    const bytes = await readFile(file);
    bytes.writeUInt8(bytes.readUInt8(100 + CHUNK) ^ 1, 100 + CHUNK);
    await writeFile(file, bytes);
    await expect(store.read(r.sha256)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });

  it('detects a file cut at a chunk boundary (no silent short read)', async () => {
    const r = await put(randomBytes(3 * CHUNK));
    await truncate(store.pathFor(r.sha256), 41 + 2 * (CHUNK + 16));
    // Caught by the chunk's own final flag, before (and independently of) the whole-file hash.
    await expect(store.read(r.sha256)).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining('truncated or altered') });
  });

  it('cannot be read with another key', async () => {
    const r = await put(randomBytes(100));
    const other = new BlobStore(store.dir, randomBytes(32), randomBytes(32), CHUNK);
    const sameName = Object.assign(Object.create(BlobStore.prototype) as BlobStore, other, { pathFor: () => store.pathFor(r.sha256) });
    await expect(sameName.read(r.sha256)).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });

  it('refuses a file that exceeds the limit while being read, leaving nothing behind', async () => {
    const src = path.join(dir, 'big');
    await writeFile(src, randomBytes(5 * CHUNK));
    await expect(store.putFile(src, 2 * CHUNK)).rejects.toBeInstanceOf(FileTooLargeError);
    const left = (await readdir(store.dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(left).toEqual([]);
  });

  async function* inPieces(content: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
    for (let at = 0, i = 0; at < content.length; i++) {
      const n = sizes[i % sizes.length]!;
      yield new Uint8Array(content.subarray(at, at + n));
      at += n;
    }
  }

  it.each([1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17])('streams %i bytes in uneven pieces into the same format as a file', async (n) => {
    const content = randomBytes(n);
    const r = await store.putStream(inPieces(content, [1, 1000, CHUNK + 5, 7, 2 * CHUNK]), 1e9);
    expect(r).toEqual({ sha256: sha(content), size: n, written: true });
    expect((await store.read(r.sha256)).equals(content)).toBe(true);
    // header + every byte + one tag per chunk: chunks are cut at CHUNK whatever the pieces were
    expect((await readFile(store.pathFor(r.sha256))).length).toBe(41 + n + 16 * Math.ceil(n / CHUNK));
    const again = randomBytes(n);
    const viaFile = await put(again);
    expect((await readFile(store.pathFor(viaFile.sha256))).length).toBe(41 + n + 16 * Math.ceil(n / CHUNK));
  });

  it('stores nothing when the source fails part-way, or runs past the limit', async () => {
    async function* failing() {
      yield randomBytes(3 * CHUNK);
      throw new Error('sender went away');
    }
    await expect(store.putStream(failing(), 1e9)).rejects.toThrow('sender went away');
    await expect(store.putStream(inPieces(randomBytes(5 * CHUNK), [CHUNK / 2]), 2 * CHUNK)).rejects.toBeInstanceOf(FileTooLargeError);
    const left = (await readdir(store.dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(left).toEqual([]);
  });

  it('says STORE_CORRUPT for a missing original', async () => {
    await expect(store.read('0'.repeat(64))).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });

  it('binds each chunk to its position and to whether it is the last', async () => {
    const { encodeHeader, fileKey, openChunk, sealChunk } = await import('../../src/core/store/blob-format.ts');
    const header = encodeHeader(randomBytes(32), CHUNK);
    const key = fileKey(randomBytes(32), randomBytes(32));
    const sealed = sealChunk(key, header, 3, false, Buffer.from('chunk three'));
    expect(openChunk(key, header, 3, false, sealed)?.toString()).toBe('chunk three');
    expect(openChunk(key, header, 3, true, sealed)).toBeNull();
    expect(openChunk(key, header, 4, false, sealed)).toBeNull();
  });
});
