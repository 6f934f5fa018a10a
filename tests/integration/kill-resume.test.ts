import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, openTestCore, runCli, tempDir } from '../helpers/workspace.ts';

const FILES = 24;

/** Distinct small text files: each has its own hash, so "exactly once" is checkable per file. */
async function makeFolder(dir: string) {
  const hashes = new Set<string>();
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const body = `Reading ${i}: wall thickness ${(12 + i / 10).toFixed(1)} mm at CML ${i}\n`;
    hashes.add(createHash('sha256').update(body).digest('hex'));
    await writeFile(path.join(dir, `reading-${String(i).padStart(2, '0')}.txt`), body);
  }
  return hashes;
}

describe('an import killed with SIGKILL half-way', () => {
  let work: { dir: string; cleanup: () => Promise<void> };
  let ws: string;
  let hashes: Set<string>;
  let jobId: string;
  let killedAt = 0;

  beforeAll(async () => {
    work = await tempDir('chitti-kill-');
    ws = path.join(work.dir, 'ws');
    hashes = await makeFolder(path.join(work.dir, 'readings'));
    const core = await openTestCore(ws);
    jobId = (await ok(core, 'jobs.create', { name: 'Kill test' })).id;
    await core.close();
  });
  afterAll(() => work.cleanup());

  it('is killed mid-way, with some files committed and some not', async () => {
    const r = await runCli(['--data-dir', ws, 'import', path.join(work.dir, 'readings'), '--job', jobId], { CHITTI_DEBUG_IMPORT_DELAY_MS: '150' }, {
      onStderr: (all, kill) => {
        const m = [...all.matchAll(/\[(\d+)\/(\d+)\]/g)].pop();
        if (m && Number(m[1]) >= FILES / 3 && !killedAt) {
          killedAt = Number(m[1]);
          kill();
        }
      },
    });
    expect(r.signal).toBe('SIGKILL');
    const core = await openTestCore(ws, { create: false });
    const [task] = (await ok(core, 'tasks.list', {})).tasks;
    expect(task).toMatchObject({ status: 'running', total: FILES });
    expect(task!.processed).toBeGreaterThanOrEqual(killedAt);
    expect(task!.processed).toBeLessThan(FILES);
    await core.close();
  });

  it('resumes and ends with each file imported exactly once', async () => {
    const r = await runCli(['--data-dir', ws, 'tasks', 'resume']);
    expect(r.stderr).not.toMatch(/unexpected/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${FILES} imported, 0 duplicates, 0 failed, of ${FILES} files`));

    const core = await openTestCore(ws, { create: false });
    const { assets } = await ok(core, 'assets.list', { jobId, limit: 1000 });
    expect(assets).toHaveLength(FILES);
    expect(new Set(assets.map((a) => a.sha256))).toEqual(hashes);
    expect(new Set(assets.map((a) => a.originalName)).size).toBe(FILES);
    const { entries } = await ok(core, 'audit.list', { limit: 1000 });
    expect(entries.filter((e) => e.action === 'asset.imported')).toHaveLength(FILES);
    expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true });
    await core.close();
  });

  it('every original reads back intact from the encrypted store', async () => {
    const { BlobStore } = await import('../../src/core/store/blob-store.ts');
    const { deriveKey } = await import('../../src/core/crypto/derive.ts');
    const { loadMasterKey, KEY_FILE_NAME } = await import('../../src/core/crypto/key-file.ts');
    const { headlessKeyStore } = await import('../../src/headless/key-store.ts');
    const { PASSPHRASE } = await import('../helpers/workspace.ts');
    const master = await loadMasterKey(path.join(ws, KEY_FILE_NAME), headlessKeyStore({ env: { CHITTI_PASSPHRASE: PASSPHRASE }, interactive: false }));
    const store = new BlobStore(path.join(ws, 'originals'), deriveKey(master.key, 'blob'), deriveKey(master.key, 'blob-name'));
    for (let i = 0; i < FILES; i++) {
      const src = await readFile(path.join(work.dir, 'readings', `reading-${String(i).padStart(2, '0')}.txt`));
      const sha = createHash('sha256').update(src).digest('hex');
      expect((await store.read(sha)).equals(src)).toBe(true);
    }
  });
});
