import { copyFile, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import type { TaskItem } from '../../src/shared/contract/index.ts';
import { ok, openTestCore, SHARED_DATA, tempDir, taskFinished } from '../helpers/workspace.ts';

const NEU = path.join(SHARED_DATA, 'neu-det/images');
const GDX = path.join(SHARED_DATA, 'gdxray-castings-sample');
const REPORT = path.join(SHARED_DATA, 'reports/bridge-element-inspection-synthetic.pdf');
const TIFF16 = path.join(SHARED_DATA, 'hostile/image/16bit.cropped.tif');

describe('import of a mixed folder', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let data: { dir: string; cleanup: () => Promise<void> };
  let core: Core;
  let items: Map<string, TaskItem>;
  let jobId: string;
  let folder: string;
  const progress: number[] = [];

  beforeAll(async () => {
    work = await tempDir('chitti-import-src-');
    data = await tempDir('chitti-import-ws-');
    folder = path.join(work.dir, 'card');
    await mkdir(path.join(folder, 'DCIM', 'sub'), { recursive: true });
    await copyFile(path.join(NEU, 'crazing_100.jpg'), path.join(folder, 'DCIM', 'crazing_100.jpg'));
    await copyFile(path.join(NEU, 'inclusion_10.jpg'), path.join(folder, 'DCIM', 'sub', 'inclusion_10.jpg'));
    await copyFile(path.join(GDX, 'C0001_00011.png'), path.join(folder, 'casting.png'));
    await copyFile(TIFF16, path.join(folder, 'radiograph16.tif'));
    await copyFile(REPORT, path.join(folder, 'report.pdf'));
    await copyFile(path.join(SHARED_DATA, 'hostile/pdf/password-protected.pdf'), path.join(folder, 'photo_really_a_pdf.jpg')); // mislabelled
    await copyFile(path.join(NEU, 'crazing_100.jpg'), path.join(folder, 'copy of crazing.jpg')); // duplicate
    await copyFile(path.join(NEU, 'patches_100.jpg'), path.join(folder, '..\\..\\evil.jpg')); // a name that is a traversal on Windows
    await writeFile(path.join(folder, 'page.png'), '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    await writeFile(path.join(folder, 'leftover.jpg'), '');
    await writeFile(path.join(folder, 'notes.txt'), 'Tank 6: shell course 2 thickness readings taken at 0°, 90°, 180°.\n');
    await writeFile(path.join(folder, 'blob.bin'), Buffer.from([0x00, 0x13, 0x37, 0xfe, 0xed, 0x00, 0xff, 0x01, 0x02, 0x03]));
    await writeFile(path.join(folder, 'too-big.txt'), 'x'.repeat(300_000));
    await writeFile(path.join(folder, '.DS_Store'), 'junk');
    await mkdir(path.join(folder, '.Trashes'));
    await writeFile(path.join(folder, '.Trashes', 'deleted.jpg'), 'junk');
    await symlink(path.join(work.dir, 'does-not-exist.jpg'), path.join(folder, 'dangling.jpg'));

    core = await openTestCore(data.dir, { maxFileBytes: 200_000, concurrency: 2 });
    jobId = (await ok(core, 'jobs.create', { name: 'Tank 6 external, LR0328' })).id;
    core.subscribe((name, payload) => {
      if (name === 'task.progressed') progress.push((payload as { task: { processed: number } }).task.processed);
    });
    const task = await ok(core, 'assets.import', { jobId, paths: [folder, path.join(work.dir, 'missing-folder')] });
    await taskFinished(core, task.id);
    const { items: list } = await ok(core, 'tasks.items', { taskId: task.id, limit: 100 });
    items = new Map(list.map((i) => [path.relative(work.dir, i.source), i]));
  });
  afterAll(async () => {
    await core.close();
    await work.cleanup();
    await data.cleanup();
  });

  const outcome = (rel: string) => {
    const i = items.get(rel);
    if (!i) throw new Error(`no item for ${rel}; have ${[...items.keys()].join(', ')}`);
    return { status: i.status, code: i.errorCode, message: i.message, name: i.name };
  };

  it('imports good images and documents, typed by content', async () => {
    for (const rel of ['card/DCIM/sub/inclusion_10.jpg', 'card/casting.png', 'card/radiograph16.tif', 'card/notes.txt']) {
      expect(outcome(rel).status, rel).toBe('imported');
    }
    const { assets } = await ok(core, 'assets.list', { jobId });
    const byName = new Map(assets.map((a) => [a.originalName, a]));
    expect(byName.get('inclusion_10.jpg')).toMatchObject({ kind: 'image', mime: 'image/jpeg' });
    expect(byName.get('casting.png')).toMatchObject({ kind: 'image', mime: 'image/png' });
    expect(byName.get('radiograph16.tif')).toMatchObject({ kind: 'image', mime: 'image/tiff' });
    expect(byName.get('notes.txt')).toMatchObject({ kind: 'document', mime: 'text/plain' });
  });

  it('takes a PDF named .jpg as the PDF it is, with a remark', async () => {
    expect(outcome('card/report.pdf')).toMatchObject({ status: 'imported', message: null });
    const mislabelled = outcome('card/photo_really_a_pdf.jpg');
    expect(mislabelled.status).toBe('imported');
    expect(mislabelled.message).toMatch(/\.jpg.*PDF/i);
    const { assets } = await ok(core, 'assets.list', { jobId });
    expect(assets.find((a) => a.originalName === 'photo_really_a_pdf.jpg')).toMatchObject({ kind: 'document', mime: 'application/pdf' });
  });

  it('detects a duplicate by content, whatever its name', () => {
    const a = outcome('card/DCIM/crazing_100.jpg');
    const b = outcome('card/copy of crazing.jpg');
    expect([a.status, b.status].sort()).toEqual(['duplicate', 'imported']);
    expect((a.status === 'duplicate' ? a : b).message).toMatch(/same content/);
  });

  it('gives each bad file its own specific reason, and the batch goes on', () => {
    expect(outcome('card/page.png')).toMatchObject({ status: 'failed', code: 'FILE_TYPE_NOT_ALLOWED' });
    expect(outcome('card/page.png').message).toMatch(/HTML/i);
    expect(outcome('card/leftover.jpg')).toMatchObject({ status: 'failed', code: 'FILE_EMPTY' });
    expect(outcome('card/blob.bin')).toMatchObject({ status: 'failed', code: 'FILE_UNKNOWN_TYPE' });
    expect(outcome('card/too-big.txt')).toMatchObject({ status: 'failed', code: 'FILE_TOO_LARGE' });
    expect(outcome('card/dangling.jpg')).toMatchObject({ status: 'failed', code: 'FILE_NOT_FOUND' });
    expect(outcome('missing-folder')).toMatchObject({ status: 'failed', code: 'FILE_NOT_FOUND' });
    expect(items.has('card/.DS_Store')).toBe(false);
    expect(items.has('card/.Trashes/deleted.jpg')).toBe(false);
  });

  it('keeps a traversal-looking name as a label only; stored files stay inside the store', async () => {
    const evil = outcome('card/..\\..\\evil.jpg');
    expect(evil.status).toBe('imported');
    expect(evil.name).toBe('evil.jpg');
    const info = await ok(core, 'app.info', {});
    const listing = await readdir(info.dataDir, { recursive: true });
    expect(listing.some((f) => f.includes('evil'))).toBe(false);
    expect(await readdir(path.dirname(work.dir)).then((l) => l.includes('evil.jpg'))).toBe(false);
  });

  it('stores originals encrypted, never in clear', async () => {
    const info = await ok(core, 'app.info', {});
    const storeDir = path.join(info.dataDir, 'originals');
    const files = (await readdir(storeDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(files.length).toBe(8); // 8 distinct contents imported
    const png = await readFile(path.join(GDX, 'C0001_00011.png'));
    for (const f of files) {
      const bytes = await readFile(path.join(f.parentPath, f.name));
      expect(bytes.subarray(0, 4).toString()).toBe('CHTB');
      expect(bytes.includes(png.subarray(100, 164))).toBe(false);
      expect(bytes.includes(Buffer.from('%PDF'))).toBe(false);
    }
  });

  it('reports progress up to every file, and audits each import', async () => {
    expect(Math.max(...progress)).toBe(items.size);
    const { entries } = await ok(core, 'audit.list', { limit: 200 });
    expect(entries.filter((e) => e.action === 'asset.imported')).toHaveLength(8);
    expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true });
  });

  it('a second import of the same folder adds nothing', async () => {
    const task = await ok(core, 'assets.import', { jobId, paths: [folder] });
    await taskFinished(core, task.id);
    const done = await ok(core, 'tasks.get', { taskId: task.id });
    expect(done).toMatchObject({ status: 'done', imported: 0, duplicates: 9 });
    expect((await ok(core, 'assets.list', { jobId })).total).toBe(8);
  });
});
