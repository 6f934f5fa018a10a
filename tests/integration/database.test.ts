import { createHash } from 'node:crypto';
import { copyFile, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_FILE_NAME } from '../../src/core/crypto/key-file.ts';
import { DB_FILE_NAME } from '../../src/core/index.ts';
import { ok, openTestCore, tempDir } from '../helpers/workspace.ts';

const MARKER = 'Refinery-Tank-6-SECRET-MARKER-8841';

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out.sort();
}

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of await allFiles(dir)) out[path.relative(dir, f)] = createHash('sha256').update(await readFile(f)).digest('hex');
  return out;
}

async function expectOpenFails(dataDir: string, code: string, passphrase?: string) {
  await expect(openTestCore(dataDir, { create: false }, passphrase)).rejects.toMatchObject({ code });
}

describe('encrypted database', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  async function seed() {
    const core = await openTestCore(dir);
    await ok(core, 'jobs.create', { name: MARKER, client: `${MARKER}-client`, inspector: 'Priya' });
    await core.close();
  }

  it('holds no plaintext of what was written, in the database or beside it', async () => {
    await seed();
    const files = await allFiles(dir);
    expect(files.map((f) => path.basename(f))).toContain(DB_FILE_NAME);
    for (const f of files) {
      const bytes = await readFile(f);
      expect(bytes.includes(Buffer.from(MARKER)), f).toBe(false);
      expect(bytes.includes(Buffer.from(MARKER, 'utf16le')), f).toBe(false);
      expect(bytes.includes(Buffer.from('CREATE TABLE')), f).toBe(false);
    }
    // It is a real database that opens with the right key and holds the job.
    const core = await openTestCore(dir, { create: false });
    const { jobs } = await ok(core, 'jobs.list', {});
    expect(jobs.map((j) => j.name)).toEqual([MARKER]);
    await core.close();
  });

  it('cannot be opened without the key', async () => {
    await seed();
    const db = new Database(path.join(dir, DB_FILE_NAME), { fileMustExist: true });
    expect(() => db.prepare('SELECT * FROM jobs').all()).toThrow(/file is not a database/);
    db.close();
  });

  it('refuses a wrong passphrase with KEY_REJECTED and leaves every file unchanged', async () => {
    await seed();
    const before = await fingerprint(dir);
    await expectOpenFails(dir, 'KEY_REJECTED', 'not the passphrase at all');
    expect(await fingerprint(dir)).toEqual(before);
  });

  it('refuses the key file of another workspace with KEY_REJECTED, file unchanged', async () => {
    await seed();
    const other = await tempDir();
    try {
      const core = await openTestCore(other.dir);
      await core.close();
      await copyFile(path.join(other.dir, KEY_FILE_NAME), path.join(dir, KEY_FILE_NAME));
      const before = await fingerprint(dir);
      const err = await openTestCore(dir, { create: false }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'KEY_REJECTED' });
      expect((err as Error).message).toMatch(/cannot be decrypted with this key.*not changed/);
      expect(await fingerprint(dir)).toEqual(before);
    } finally {
      await other.cleanup();
    }
  });

  it('says KEY_MISSING when the key file is gone, and never makes a new key for an existing database', async () => {
    await seed();
    await rename(path.join(dir, KEY_FILE_NAME), path.join(dir, 'moved-away.json'));
    const before = await fingerprint(dir);
    await expectOpenFails(dir, 'KEY_MISSING');
    await expect(openTestCore(dir, { create: true })).rejects.toMatchObject({ code: 'KEY_MISSING' });
    expect(await fingerprint(dir)).toEqual(before);
  });

  it('says KEY_MISSING for a damaged key file', async () => {
    await seed();
    await writeFile(path.join(dir, KEY_FILE_NAME), '{"format":"chitti-key","version":1,');
    await expectOpenFails(dir, 'KEY_MISSING');
  });

  it('says KEY_UNAVAILABLE when a passphrase is needed but none can be asked for', async () => {
    await seed();
    await expectOpenFails(dir, 'KEY_UNAVAILABLE', '');
  });

  it('says NOT_INITIALIZED for an empty folder and ALREADY_INITIALIZED on a second init', async () => {
    await expectOpenFails(dir, 'NOT_INITIALIZED');
    await seed();
    await expect(openTestCore(dir, { create: 'exclusive' })).rejects.toMatchObject({ code: 'ALREADY_INITIALIZED' });
  });

  it('refuses a key file whose authentication tag was shortened', async () => {
    await seed();
    const file = path.join(dir, KEY_FILE_NAME);
    const body = JSON.parse(await readFile(file, 'utf8')) as { protected: { wrapped: { tag: string } } };
    body.protected.wrapped.tag = Buffer.from(body.protected.wrapped.tag, 'base64').subarray(0, 4).toString('base64');
    await writeFile(file, JSON.stringify(body));
    await expectOpenFails(dir, 'KEY_REJECTED');
  });

  it('refuses a key file whose scrypt cost was raised to hang the unlock', async () => {
    await seed();
    const file = path.join(dir, KEY_FILE_NAME);
    const body = JSON.parse(await readFile(file, 'utf8')) as { protected: { kdf: { N: number } } };
    body.protected.kdf.N = 2 ** 30;
    await writeFile(file, JSON.stringify(body));
    await expectOpenFails(dir, 'KEY_MISSING');
  });
});

