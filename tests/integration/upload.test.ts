import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import { startHttpServer, type HttpServerHandle } from '../../src/headless/http-server.ts';
import type { RpcResult, Task, TaskItem } from '../../src/shared/contract/index.ts';
import { ok, openTestCore, PASSPHRASE, SHARED_DATA, tempDir, taskFinished } from '../helpers/workspace.ts';

const NEU = path.join(SHARED_DATA, 'neu-det/images');
const GDX = path.join(SHARED_DATA, 'gdxray-castings-sample');
const BIG_PDF = path.join(SHARED_DATA, 'reports/api510-vessel-54-11-001-inservice.pdf'); // ~1.9 MB: several 1 MiB store chunks
const PROTECTED_PDF = path.join(SHARED_DATA, 'hostile/pdf/password-protected.pdf');
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
const BLOB = Buffer.from([0x00, 0x13, 0x37, 0xfe, 0xed, 0x00, 0xff, 0x01, 0x02, 0x03]);
const MAX = 3_000_000;

const tick = () => new Promise<void>((r) => setImmediate(r));

/** The bytes in pieces of `size`, one per turn of the event loop, as a network would deliver them. */
async function* pieces(bytes: Buffer, size: number, counter?: { n: number }): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) {
    await tick();
    if (counter) counter.n++;
    yield new Uint8Array(bytes.subarray(at, at + size));
  }
}

/** A sender that goes away after `after` bytes: the iterable throws, as a request whose client aborted. */
async function* aborting(bytes: Buffer, after: number): AsyncGenerator<Uint8Array> {
  yield* pieces(bytes.subarray(0, after), 8192);
  await tick();
  throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/** A sender that stalls after `after` bytes until `release` is called (then sends the rest). */
function stalling(bytes: Buffer, after: number) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reachedGate!: () => void;
  const stalled = new Promise<void>((r) => (reachedGate = r));
  async function* body(): AsyncGenerator<Uint8Array> {
    yield* pieces(bytes.subarray(0, after), 8192);
    reachedGate();
    await gate;
    yield* pieces(bytes.subarray(after), 8192);
  }
  return { body: body(), release, stalled };
}

async function items(core: Core, taskId: string): Promise<TaskItem[]> {
  return (await ok(core, 'tasks.items', { taskId, limit: 1000 })).items;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function expectError<T>(r: RpcResult<T>, code: string): void {
  expect(r.ok ? r : r.error.code).toBe(code);
}

describe('import by upload', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let core: Core;
  let dataDir: string;
  let storeDir: string;
  let tmpDir: string;
  let jobId: string;

  const begin = (files: Array<{ name: string; size: number }>, job = jobId) => ok(core, 'uploads.begin', { jobId: job, files });
  const storedFiles = async () => (await filesUnder(storeDir)).filter((f) => !f.startsWith(tmpDir + path.sep));

  beforeAll(async () => {
    work = await tempDir('chitti-upload-');
    dataDir = path.join(work.dir, 'ws');
    core = await openTestCore(dataDir, { maxFileBytes: MAX, concurrency: 2 });
    storeDir = path.join(dataDir, 'originals');
    tmpDir = path.join(storeDir, 'tmp');
    jobId = (await ok(core, 'jobs.create', { name: 'Uploads' })).id;
  });
  afterAll(async () => {
    await core.close();
    await work.cleanup();
  });

  describe('a mixed batch', () => {
    const files: Array<{ name: string; bytes: Buffer }> = [];
    let task: Task;
    let begun: Task;
    let results: Map<string, TaskItem>;
    let uploadOutcomes: Map<string, TaskItem>;
    let pathOutcomes: Map<string, TaskItem>;
    const progressed: Array<{ taskId: string; processed: number; item: TaskItem | null }> = [];
    const finishedTasks: Task[] = [];
    const bigPieces = { n: 0 };

    beforeAll(async () => {
      const jpeg = await readFile(path.join(NEU, 'crazing_100.jpg'));
      files.push(
        { name: 'card/DCIM/crazing_100.jpg', bytes: jpeg },
        { name: 'card/photo_really_a_pdf.jpg', bytes: await readFile(PROTECTED_PDF) },
        { name: 'card/page.png', bytes: HTML },
        { name: 'card/leftover.jpg', bytes: Buffer.alloc(0) },
        { name: 'card/copy of crazing.jpg', bytes: jpeg },
        { name: 'reports/api510.pdf', bytes: await readFile(BIG_PDF) },
        { name: 'card/blob.bin', bytes: BLOB },
        { name: 'card/casting.png', bytes: await readFile(path.join(GDX, 'C0001_00011.png')) },
      );
      const off = core.subscribe((name, payload) => {
        const p = payload as { task: Task; item: TaskItem | null };
        if (name === 'task.progressed') progressed.push({ taskId: p.task.id, processed: p.task.processed, item: p.item });
        if (name === 'task.finished') finishedTasks.push(p.task);
      });
      // One declared over the limit: refused before any byte is sent.
      begun = await begin([...files.map((f) => ({ name: f.name, size: f.bytes.length })), { name: 'card/huge.tif', size: MAX + 1 }]);
      task = begun;
      results = new Map();
      for (const [seq, f] of files.entries()) {
        if (f.bytes.length === 0) continue; // settled at begin
        const body = f.name.endsWith('api510.pdf') ? pieces(f.bytes, 100_000, bigPieces) : pieces(f.bytes, 7000);
        const r = await core.receiveUpload(task.id, seq, body);
        if (!r.ok) throw new Error(`${f.name}: ${r.error.code}: ${r.error.message}`);
        results.set(f.name, r.result);
      }
      off();
      expect(finishedTasks.map((t) => t.id)).toEqual([task.id]);
      task = finishedTasks[0]!;
      uploadOutcomes = new Map((await items(core, task.id)).map((i) => [i.source.slice('upload:'.length), i]));

      // The same files through the path import, into another job, for comparison.
      const folder = path.join(work.dir, 'same-files');
      for (const f of files) {
        await mkdir(path.dirname(path.join(folder, f.name)), { recursive: true });
        await writeFile(path.join(folder, f.name), f.bytes);
      }
      const other = await ok(core, 'jobs.create', { name: 'Same files by path' });
      const byPath = await ok(core, 'assets.import', { jobId: other.id, paths: files.map((f) => path.join(folder, f.name)) });
      await taskFinished(core, byPath.id);
      pathOutcomes = new Map((await items(core, byPath.id)).map((i) => [path.relative(folder, i.source), i]));
    });

    it('begins with one item per declared file, in order, settling sizes at once', async () => {
      expect(begun).toMatchObject({ kind: 'import', jobId, status: 'running', total: 9, processed: 2, failed: 2 });
      const list = await items(core, task.id);
      expect(list.map((i) => i.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(list[0]).toMatchObject({ source: 'upload:card/DCIM/crazing_100.jpg', name: 'crazing_100.jpg' });
      expect(list[3]).toMatchObject({ status: 'failed', errorCode: 'FILE_EMPTY' });
      expect(list[8]).toMatchObject({ name: 'huge.tif', status: 'failed', errorCode: 'FILE_TOO_LARGE' });
      expect(list[8]!.message).toMatch(/over the 2\.9 MiB limit/);
      expect(progressed[0]).toEqual({ taskId: task.id, processed: 2, item: null });
    });

    it('gives each file the same outcome as the path import', () => {
      const outcome = (i: TaskItem | undefined) => i && { status: i.status, code: i.errorCode, message: i.message, name: i.name };
      for (const f of files) {
        if (f.name.includes('crazing')) continue; // which twin is "the duplicate" depends on the order
        expect(pathOutcomes.has(f.name) && uploadOutcomes.has(f.name), f.name).toBe(true);
        expect(outcome(uploadOutcomes.get(f.name)), f.name).toEqual(outcome(pathOutcomes.get(f.name)));
      }
      expect(outcome(uploadOutcomes.get('card/leftover.jpg'))).toMatchObject({ status: 'failed', code: 'FILE_EMPTY' });
      expect(results.get('card/page.png')).toMatchObject({ status: 'failed', errorCode: 'FILE_TYPE_NOT_ALLOWED' });
      expect(results.get('card/blob.bin')).toMatchObject({ status: 'failed', errorCode: 'FILE_UNKNOWN_TYPE' });
      expect(results.get('card/photo_really_a_pdf.jpg')!.message).toMatch(/\.jpg.*PDF/i);
      expect(results.get('card/copy of crazing.jpg')).toMatchObject({ status: 'duplicate' });
      expect(results.get('card/copy of crazing.jpg')!.message).toMatch(/same content as “crazing_100\.jpg”/);
      const twins = ['card/DCIM/crazing_100.jpg', 'card/copy of crazing.jpg'].map((n) => pathOutcomes.get(n)!.status).sort();
      expect(twins).toEqual(['duplicate', 'imported']);
    });

    it('finishes the task when the last file settles, like the runner', async () => {
      expect(task).toMatchObject({ status: 'done', total: 9, processed: 9, imported: 4, duplicates: 1, failed: 4 });
      expect(progressed.filter((p) => p.taskId === task.id).at(-1)!.processed).toBe(9);
      const { entries } = await ok(core, 'audit.list', { entityId: task.id });
      expect(entries.map((e) => e.action)).toEqual(['task.finished', 'task.created']);
      expect(entries[0]!.data).toEqual({ imported: 4, duplicates: 1, failed: 4, total: 9 });
      expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true });
    });

    it('streams a large file in many pieces into a multi-chunk encrypted original that reads back intact', async () => {
      expect(bigPieces.n).toBeGreaterThanOrEqual(19);
      const big = files.find((f) => f.name === 'reports/api510.pdf')!.bytes;
      const { assets } = await ok(core, 'assets.list', { jobId });
      const asset = assets.find((a) => a.originalName === 'api510.pdf')!;
      expect(asset).toMatchObject({ kind: 'document', mime: 'application/pdf', size: big.length, sha256: createHash('sha256').update(big).digest('hex') });

      const { BlobStore } = await import('../../src/core/store/blob-store.ts');
      const { deriveKey } = await import('../../src/core/crypto/derive.ts');
      const { loadMasterKey, KEY_FILE_NAME } = await import('../../src/core/crypto/key-file.ts');
      const { headlessKeyStore } = await import('../../src/headless/key-store.ts');
      const master = await loadMasterKey(path.join(dataDir, KEY_FILE_NAME), headlessKeyStore({ env: { CHITTI_PASSPHRASE: PASSPHRASE }, interactive: false }));
      const store = new BlobStore(storeDir, deriveKey(master.key, 'blob'), deriveKey(master.key, 'blob-name'));
      expect((await store.read(asset.sha256)).equals(big)).toBe(true);
      const onDisk = await readFile(store.pathFor(asset.sha256));
      expect(onDisk.length).toBe(41 + big.length + 16 * Math.ceil(big.length / (1024 * 1024)));
      expect(onDisk.includes(big.subarray(1000, 1064))).toBe(false);
      expect(await filesUnder(tmpDir)).toEqual([]);
    });
  });

  describe('a body that ends early', () => {
    it('leaves the item pending with nothing stored, and a retry succeeds', async () => {
      const png = await readFile(path.join(GDX, 'C0001_00021.png')); // 73 KB: past the sniffed head
      const task = await begin([{ name: 'retry.png', size: png.length }]);
      const before = await storedFiles();

      for (const after of [1000, 70_000]) {
        const r = await core.receiveUpload(task.id, 0, aborting(png, after));
        expectError(r, 'INVALID_INPUT');
        if (!r.ok) expect(r.error.message).toMatch(/interrupted.*nothing was stored.*send the file again/i);
        expect((await items(core, task.id))[0]).toMatchObject({ status: 'pending', assetId: null });
        expect(await filesUnder(tmpDir)).toEqual([]);
        expect(await storedFiles()).toEqual(before);
      }
      // Fewer bytes than declared, ending cleanly: the same (the file is not what was announced).
      const short = await core.receiveUpload(task.id, 0, pieces(png.subarray(0, png.length - 1), 8192));
      expectError(short, 'INVALID_INPUT');
      if (!short.ok) expect(short.error.message).toMatch(/ended after \d+ of the \d+ bytes declared/);

      const ended = taskFinished(core, task.id);
      const retry = await core.receiveUpload(task.id, 0, pieces(png, 16_384));
      expect(retry).toMatchObject({ ok: true, result: { seq: 0, status: 'imported', errorCode: null } });
      expect(await ended).toMatchObject({ status: 'done', imported: 1 });
      expect((await storedFiles()).length).toBe(before.length + 1);
    });
  });

  describe('refusals', () => {
    it('says NOT_FOUND for an unknown task or file, and INVALID_INPUT for a malformed target', async () => {
      const task = await begin([{ name: 'a.txt', size: 5 }]);
      expectError(await core.receiveUpload('tsk_0123456789abcdefghjk', 0, pieces(Buffer.from('hello'), 5)), 'NOT_FOUND');
      expectError(await core.receiveUpload(task.id, 1, pieces(Buffer.from('hello'), 5)), 'NOT_FOUND');
      expectError(await core.receiveUpload('../../etc', 0, pieces(Buffer.from('hello'), 5)), 'INVALID_INPUT');
      expectError(await core.receiveUpload(task.id, -1, pieces(Buffer.from('hello'), 5)), 'INVALID_INPUT');
      await ok(core, 'tasks.cancel', { taskId: task.id });
    });

    it('says CONFLICT for a second upload of a settled file, one already arriving, or a path import', async () => {
      const text = Buffer.from('Tank 6 shell course 3: 11.8 mm at CML 7\n');
      const other = Buffer.from('Tank 6 shell course 4: 12.1 mm at CML 8\n');
      const task = await begin([{ name: 'cml7.txt', size: text.length }, { name: 'cml8.txt', size: other.length }]);
      expect(await core.receiveUpload(task.id, 0, pieces(text, 10))).toMatchObject({ ok: true, result: { status: 'imported' } });
      const again = await core.receiveUpload(task.id, 0, pieces(text, 10));
      expectError(again, 'CONFLICT');
      if (!again.ok) expect(again.error.message).toMatch(/not waiting for bytes \(it is imported\)/);

      const slow = stalling(other, 10);
      const first = core.receiveUpload(task.id, 1, slow.body);
      await slow.stalled;
      const concurrent = await core.receiveUpload(task.id, 1, pieces(other, 10));
      expectError(concurrent, 'CONFLICT');
      if (!concurrent.ok) expect(concurrent.error.message).toMatch(/being received/);
      slow.release();
      expect(await first).toMatchObject({ ok: true, result: { status: 'imported' } });
      expect(await ok(core, 'tasks.get', { taskId: task.id })).toMatchObject({ status: 'done', imported: 2 });
      expectError(await core.receiveUpload(task.id, 1, pieces(other, 10)), 'CONFLICT');

      const folder = path.join(work.dir, 'by-path');
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'x.txt'), 'x reading\n');
      const byPath = await ok(core, 'assets.import', { jobId, paths: [folder] });
      await taskFinished(core, byPath.id);
      const r = await core.receiveUpload(byPath.id, 0, pieces(Buffer.from('x reading\n'), 4));
      expectError(r, 'CONFLICT');
    });

    it('fails a file whose body is longer than declared with FILE_TOO_LARGE, storing nothing', async () => {
      const png = await readFile(path.join(GDX, 'C0001_00022.png'));
      const task = await begin([{ name: 'grown.png', size: 50_000 }]);
      const before = await storedFiles();
      const r = await core.receiveUpload(task.id, 0, pieces(png, 16_384));
      expect(r).toMatchObject({ ok: true, result: { status: 'failed', errorCode: 'FILE_TOO_LARGE' } });
      if (r.ok) expect(r.result.message).toMatch(/more bytes arrived than the 50000 declared/);
      expect(await storedFiles()).toEqual(before);
      expect(await filesUnder(tmpDir)).toEqual([]);
      expect(await ok(core, 'tasks.get', { taskId: task.id })).toMatchObject({ status: 'done', failed: 1 });
    });

    it('ends a batch at once when every declared file is refused by its size', async () => {
      const events: string[] = [];
      const off = core.subscribe((name, payload) => {
        if ((payload as { task?: Task }).task) events.push(name);
      });
      const task = await begin([{ name: 'empty.jpg', size: 0 }, { name: 'huge.tif', size: MAX + 1 }]);
      off();
      expect(task).toMatchObject({ status: 'done', total: 2, failed: 2 });
      expect(events).toEqual(['task.progressed', 'task.finished']);
      expectError(await core.receiveUpload(task.id, 0, pieces(Buffer.from('x'), 1)), 'CONFLICT');
    });
  });

  describe('folder housekeeping', () => {
    it('gives it no item and numbers the other files in order, as the renderer does', async () => {
      const jpeg = await readFile(path.join(NEU, 'patches_107.jpg'));
      const task = await begin([
        { name: 'CARD/.DS_Store', size: 6148 }, { name: 'CARD/DCIM/._patches_107.jpg', size: 4096 },
        { name: 'CARD/DCIM/patches_107.jpg', size: jpeg.length }, { name: 'CARD/.Trashes/501/old.jpg', size: 10 },
        { name: 'CARD/DCIM/Thumbs.db', size: 0 }, { name: 'notes.txt', size: 5 },
        // Picked by itself (no folder part): never housekeeping; it is refused for what it is.
        { name: '.DS_Store', size: 0 },
      ]);
      expect(task).toMatchObject({ status: 'running', total: 3 });
      expect((await items(core, task.id)).map((i) => [i.seq, i.source, i.status])).toEqual([
        [0, 'upload:CARD/DCIM/patches_107.jpg', 'pending'], [1, 'upload:notes.txt', 'pending'], [2, 'upload:.DS_Store', 'failed'],
      ]);
      const done = taskFinished(core, task.id);
      expect(await core.receiveUpload(task.id, 0, pieces(jpeg, 16_384))).toMatchObject({ ok: true, result: { status: 'imported', name: 'patches_107.jpg' } });
      expect(await core.receiveUpload(task.id, 1, pieces(Buffer.from('notes'), 5))).toMatchObject({ ok: true, result: { status: 'imported' } });
      expect(await done).toMatchObject({ status: 'done', total: 3, imported: 2, failed: 1 });
    });

    it('finishes a batch at once when every declared file is housekeeping', async () => {
      const task = await begin([{ name: 'DCIM/.DS_Store', size: 6148 }, { name: 'DCIM/._IMG_0001.JPG', size: 4096 }]);
      expect(task).toMatchObject({ status: 'done', total: 0, processed: 0, imported: 0, failed: 0 });
      expect(await items(core, task.id)).toEqual([]);
      expectError(await core.receiveUpload(task.id, 0, pieces(Buffer.from('x'), 1)), 'NOT_FOUND');
    });
  });

  describe('cancel', () => {
    it('settles a running upload at once: kept files stay, the rest are cancelled, one arriving is dropped', async () => {
      const a = await readFile(path.join(NEU, 'inclusion_10.jpg'));
      const b = await readFile(path.join(GDX, 'C0001_00031.png'));
      const c = await readFile(path.join(NEU, 'patches_100.jpg'));
      const task = await begin([{ name: 'a.jpg', size: a.length }, { name: 'b.png', size: b.length }, { name: 'c.jpg', size: c.length }]);
      expect(await core.receiveUpload(task.id, 0, pieces(a, 8192))).toMatchObject({ ok: true, result: { status: 'imported' } });

      const slow = stalling(b, 80_000); // past the sniffed head: the encrypted temp file exists
      const arriving = core.receiveUpload(task.id, 1, slow.body);
      await slow.stalled;
      await waitFor(async () => (await filesUnder(tmpDir)).length === 1);
      const before = await storedFiles();

      const ended = taskFinished(core, task.id);
      const cancelled = await ok(core, 'tasks.cancel', { taskId: task.id });
      expect(cancelled).toMatchObject({ status: 'cancelled', imported: 1, processed: 3 });
      expect(await ended).toMatchObject({ status: 'cancelled' });

      // Nothing of the dropped file is kept; its sender is still read to the end, so that it gets an answer.
      await waitFor(async () => (await filesUnder(tmpDir)).length === 0);
      slow.release();
      const r = await arriving;
      expectError(r, 'CONFLICT');
      if (!r.ok) expect(r.error.message).toMatch(/cancelled/);
      expect(await storedFiles()).toEqual(before);
      expect((await items(core, task.id)).map((i) => i.status)).toEqual(['imported', 'cancelled', 'cancelled']);
      expectError(await core.receiveUpload(task.id, 2, pieces(c, 8192)), 'CONFLICT');
      const { entries } = await ok(core, 'audit.list', { entityId: task.id });
      expect(entries.map((e) => e.action)).toEqual(['task.cancelled', 'task.cancel-requested', 'task.created']);
      expectError(await core.dispatch('tasks.cancel', { taskId: task.id }), 'CONFLICT');
    });
  });
});

describe('an upload cut off by a restart', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let ws: string;
  let jobId: string;
  const a = Buffer.from('UT reading A-1: 9.7 mm\n');
  const b = Buffer.from('UT reading A-2: 9.9 mm\n');
  const c = Buffer.from('UT reading A-3: 10.2 mm\n');
  const declared = [a, b, c].map((x, i) => ({ name: `site/A-${i + 1}.txt`, size: x.length }));

  beforeAll(async () => {
    work = await tempDir('chitti-upload-restart-');
    ws = path.join(work.dir, 'ws');
  });
  afterAll(() => work.cleanup());

  it('is left alone by tasks.resume in the process that receives it', async () => {
    const core = await openTestCore(ws);
    jobId = (await ok(core, 'jobs.create', { name: 'Restart' })).id;
    const task = await ok(core, 'uploads.begin', { jobId, files: declared });
    expect(await ok(core, 'tasks.resume', {})).toEqual({ resumed: [] });
    expect(await ok(core, 'tasks.resume', { taskId: task.id })).toEqual({ resumed: [] });
    await core.idle();
    expect(await core.receiveUpload(task.id, 0, pieces(a, 7))).toMatchObject({ ok: true, result: { status: 'imported' } });

    // Closing with a file half-received: it stays pending, nothing half-written is kept.
    const slow = stalling(b, 5);
    const arriving = core.receiveUpload(task.id, 1, slow.body);
    await slow.stalled;
    await core.close();
    expectError(await arriving, 'CONFLICT');
    expect(await filesUnder(path.join(ws, 'originals', 'tmp'))).toEqual([]);
  });

  it('fails the files that never arrived with UPLOAD_INTERRUPTED on tasks.resume, and finishes', async () => {
    const core = await openTestCore(ws, { create: false });
    try {
      const [task] = (await ok(core, 'tasks.list', { active: true })).tasks;
      expect(task).toMatchObject({ status: 'running', processed: 1, total: 3 });
      const late = await core.receiveUpload(task!.id, 1, pieces(b, 7));
      expectError(late, 'CONFLICT');
      if (!late.ok) expect(late.error.message).toMatch(/process that has stopped/);

      const ended = taskFinished(core, task!.id);
      expect(await ok(core, 'tasks.resume', {})).toEqual({ resumed: [task!.id] });
      expect(await ended).toMatchObject({ status: 'done', imported: 1, failed: 2 });
      const list = await items(core, task!.id);
      expect(list.map((i) => [i.status, i.errorCode])).toEqual([['imported', null], ['failed', 'UPLOAD_INTERRUPTED'], ['failed', 'UPLOAD_INTERRUPTED']]);
      expect(list[1]!.message).toMatch(/add the file again/);
      expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true });
    } finally {
      await core.close();
    }
  });

  it('does the same on autoResume when the app or `serve` starts', async () => {
    let core = await openTestCore(ws, { create: false });
    const task = await ok(core, 'uploads.begin', { jobId, files: declared });
    await core.close();
    core = await openTestCore(ws, { create: false, autoResume: true });
    try {
      await core.idle();
      expect(await ok(core, 'tasks.get', { taskId: task.id })).toMatchObject({ status: 'done', failed: 3 });
      expect(new Set((await items(core, task.id)).map((i) => i.errorCode))).toEqual(new Set(['UPLOAD_INTERRUPTED']));
    } finally {
      await core.close();
    }
  });
});

describe('PUT /upload/:taskId/:seq on the loopback server', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let core: Core;
  let server: HttpServerHandle;
  let jobId: string;
  let tmpDir: string;

  const put = (target: string, body: string | Blob, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/upload/${target}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/octet-stream', ...headers },
      body,
    });

  beforeAll(async () => {
    work = await tempDir('chitti-upload-http-');
    core = await openTestCore(path.join(work.dir, 'ws'));
    tmpDir = path.join(work.dir, 'ws', 'originals', 'tmp');
    jobId = (await ok(core, 'jobs.create', { name: 'Browser upload' })).id;
    server = await startHttpServer(core, {});
  });
  afterAll(async () => {
    await server.close();
    await core.close();
    await work.cleanup();
  });

  it('stores a file sent with fetch, answering the settled item, with progress on /events', async () => {
    const jpeg = await readFile(path.join(NEU, 'scratches_100.jpg'));
    const task = await ok(core, 'uploads.begin', { jobId, files: [{ name: 'DCIM/scratches_100.jpg', size: jpeg.length }] });
    const abort = new AbortController();
    const events = await fetch(`${server.url}/events`, { headers: { authorization: `Bearer ${server.token}` }, signal: abort.signal });
    const res = await put(`${task.id}/0`, new Blob([jpeg]));
    expect(res.status).toBe(200);
    const body = (await res.json()) as RpcResult<TaskItem>;
    expect(body).toMatchObject({ ok: true, result: { seq: 0, status: 'imported', name: 'scratches_100.jpg', source: 'upload:DCIM/scratches_100.jpg' } });

    const reader = events.body!.getReader();
    let text = '';
    while (!text.includes('event: task.finished')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/event: task\.progressed\ndata: .*"status":"imported"/);
    abort.abort();
    expect(await ok(core, 'tasks.get', { taskId: task.id })).toMatchObject({ status: 'done', imported: 1 });

    const again = await put(`${task.id}/0`, new Blob([jpeg]));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('checks the token, the method and the target before the core sees a byte', async () => {
    const task = await ok(core, 'uploads.begin', { jobId, files: [{ name: 'x.txt', size: 4 }] });
    const noToken = await fetch(`${server.url}/upload/${task.id}/0`, { method: 'PUT', body: 'abcd' });
    expect(noToken.status).toBe(401);
    const wrongToken = await put(`${task.id}/0`, 'abcd', { authorization: 'Bearer nope' });
    expect(wrongToken.status).toBe(401);
    const post = await fetch(`${server.url}/upload/${task.id}/0`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: 'abcd' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('PUT');
    for (const target of [`${task.id}`, `${task.id}/`, `${task.id}/1e0`, `${task.id}/-1`, `${task.id}/0/x`, `tsk_nope/0`, `${task.id}/10000`]) {
      const r = await put(target, 'abcd');
      expect(r.status, target).toBe(400);
      expect(await r.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    const gzip = await put(`${task.id}/0`, 'abcd', { 'content-encoding': 'gzip' });
    expect(gzip.status).toBe(415);
    const unknown = await put('tsk_0123456789abcdefghjk/0', 'abcd');
    expect(unknown.status).toBe(404);
    const foreign = await put(`${task.id}/0`, 'abcd', { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await items(core, task.id))[0]).toMatchObject({ status: 'pending' });
    // Any content type is fine: the content decides.
    const res = await put(`${task.id}/0`, 'abcd', { 'content-type': 'image/jpeg' });
    expect(await res.json()).toMatchObject({ ok: true, result: { status: 'imported', message: null } });
    const { assets } = await ok(core, 'assets.list', { jobId });
    expect(assets.find((x) => x.originalName === 'x.txt')).toMatchObject({ mime: 'text/plain', kind: 'document' });
  });

  it('takes a body larger than the JSON limit', async () => {
    const big = await readFile(BIG_PDF);
    const task = await ok(core, 'uploads.begin', { jobId, files: [{ name: 'api510.pdf', size: big.length }] });
    const res = await put(`${task.id}/0`, new Blob([big]));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, result: { status: 'imported' } });
  });

  it('leaves no temp file and a pending item when the client aborts mid-body; the retry succeeds', async () => {
    const png = await readFile(path.join(GDX, 'C0001_00041.png')); // 91 KB
    const task = await ok(core, 'uploads.begin', { jobId, files: [{ name: 'cut.png', size: png.length }] });
    await new Promise<void>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1', port: server.port, method: 'PUT', path: `/upload/${task.id}/0`, agent: false,
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/octet-stream', 'content-length': png.length },
      });
      req.on('error', () => resolve()); // the socket we destroy
      req.on('close', () => resolve());
      req.on('response', () => reject(new Error('the server answered a request whose body never ended')));
      req.write(png.subarray(0, 80_000));
      // Once the core is encrypting into a temp file, the client goes away.
      waitFor(async () => (await filesUnder(tmpDir)).length === 1)
        .then(() => req.destroy())
        .catch(reject);
    });
    await waitFor(async () => (await filesUnder(tmpDir)).length === 0);
    expect((await items(core, task.id))[0]).toMatchObject({ status: 'pending', assetId: null });

    // The browser tries again; the first request may take a moment to let go of the file.
    let res = await put(`${task.id}/0`, new Blob([png]));
    for (let i = 0; res.status === 409 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      res = await put(`${task.id}/0`, new Blob([png]));
    }
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, result: { status: 'imported' } });
  });
});
