import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANCHOR_FILE_NAME } from '../../src/core/audit/anchor.ts';
import { rowHash } from '../../src/core/audit/chain.ts';
import { deriveKey } from '../../src/core/crypto/derive.ts';
import { KEY_FILE_NAME, loadMasterKey } from '../../src/core/crypto/key-file.ts';
import { openDatabase, type Db } from '../../src/core/db/open.ts';
import { DB_FILE_NAME } from '../../src/core/index.ts';
import { headlessKeyStore } from '../../src/headless/key-store.ts';
import { ok, openTestCore, PASSPHRASE, tempDir } from '../helpers/workspace.ts';

/** What an attacker with the key could do: open the database directly, drop the append-only triggers. */
async function tamper(dir: string, fn: (db: Db) => void) {
  const master = await loadMasterKey(path.join(dir, KEY_FILE_NAME), headlessKeyStore({ env: { CHITTI_PASSPHRASE: PASSPHRASE }, interactive: false }));
  const db = openDatabase(path.join(dir, DB_FILE_NAME), deriveKey(master.key, 'db'), { create: false });
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  fn(db);
  db.close();
}

async function verify(dir: string) {
  const core = await openTestCore(dir, { create: false });
  try {
    return await ok(core, 'audit.verify', {});
  } finally {
    await core.close();
  }
}

describe('audit trail', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    const core = await openTestCore(dir);
    for (let i = 1; i <= 4; i++) {
      const job = await ok(core, 'jobs.create', { name: `Job ${i}`, client: 'ACME' });
      await ok(core, 'jobs.update', { jobId: job.id, changes: { site: `Site ${i}` } });
    }
    await core.close();
  });
  afterEach(() => cleanup());

  it('records every mutation with actor and before/after, and verifies clean', async () => {
    const core = await openTestCore(dir, { create: false });
    const { entries } = await ok(core, 'audit.list', { limit: 100 });
    expect(entries.map((e) => e.action).reverse()).toEqual(Array.from({ length: 4 }, () => ['job.created', 'job.updated']).flat());
    const update = entries.find((e) => e.action === 'job.updated')!;
    expect(update.data).toEqual({ before: { site: '' }, after: { site: 'Site 4' } });
    expect(update.actor.length).toBeGreaterThan(0);
    const report = await ok(core, 'audit.verify', {});
    expect(report).toMatchObject({ ok: true, entries: 8, anchored: true, problems: [] });
    expect(report.headHash).toBe(entries[0]!.hash);
    await core.close();
  });

  it('is append-only inside the database itself', async () => {
    const master = await loadMasterKey(path.join(dir, KEY_FILE_NAME), headlessKeyStore({ env: { CHITTI_PASSPHRASE: PASSPHRASE }, interactive: false }));
    const db = openDatabase(path.join(dir, DB_FILE_NAME), deriveKey(master.key, 'db'), { create: false });
    expect(() => db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/append-only/);
    db.close();
  });

  it('detects an edited entry', async () => {
    await tamper(dir, (db) => db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`).run());
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ seq: 3, kind: 'edited' }));
  });

  it('detects an edit that also recomputes the row’s own hash', async () => {
    await tamper(dir, (db) => {
      const row = db.prepare('SELECT * FROM audit_log WHERE seq = 3').get() as Parameters<typeof rowHash>[0];
      const forged = { ...row, data: '{"name":"Forged"}' };
      db.prepare('UPDATE audit_log SET data = ?, hash = ? WHERE seq = 3').run(forged.data, rowHash(forged));
    });
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ seq: 4, kind: 'inserted' }));
  });

  /** Inserts a forged row after seq 4, shifting the rest; with `rechain`, also re-hashes every later row. */
  function insertForged(db: Db, rechain: boolean) {
    db.exec('UPDATE audit_log SET seq = -seq WHERE seq >= 5; UPDATE audit_log SET seq = 1 - seq WHERE seq < 0;');
    const prev = db.prepare('SELECT hash FROM audit_log WHERE seq = 4').get() as { hash: string };
    const row = { seq: 5, at: '2026-01-01T00:00:00.000Z', actor: 'mallory', action: 'job.updated', entity_type: 'job', entity_id: 'job_x', data: '{}', prev_hash: prev.hash };
    db.prepare('INSERT INTO audit_log VALUES (@seq, @at, @actor, @action, @entity_type, @entity_id, @data, @prev_hash, @hash)').run({ ...row, hash: rowHash(row) });
    if (!rechain) return;
    let prevHash = rowHash(row);
    for (const r of db.prepare('SELECT * FROM audit_log WHERE seq > 5 ORDER BY seq').all() as Array<Parameters<typeof rowHash>[0]>) {
      const fixed = { ...r, prev_hash: prevHash };
      prevHash = rowHash(fixed);
      db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(fixed.prev_hash, prevHash, r.seq);
    }
  }

  it('detects an inserted entry', async () => {
    await tamper(dir, (db) => insertForged(db, false));
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.entries).toBe(9);
    expect(report.problems.length).toBeGreaterThan(0);
  });

  it('detects an inserted entry even when the whole chain after it is re-hashed', async () => {
    await tamper(dir, (db) => insertForged(db, true));
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 8, kind: 'edited' })]);
  });

  it('detects a deleted entry in the middle', async () => {
    await tamper(dir, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 4').run());
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ seq: 4, kind: 'deleted' }));
  });

  it('detects entries cut from the end, through the anchor', async () => {
    await tamper(dir, (db) => db.prepare('DELETE FROM audit_log WHERE seq >= 7').run());
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ seq: 8, kind: 'truncated' }));
  });

  it('detects a forged anchor', async () => {
    const file = path.join(dir, ANCHOR_FILE_NAME);
    const anchor = JSON.parse(await readFile(file, 'utf8')) as { seq: number; hash: string; mac: string };
    await writeFile(file, JSON.stringify({ ...anchor, seq: 2 }));
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'anchor-invalid' }));
  });

  it('survives an anchor that cannot be written: the change commits, the process goes on, the next change anchors', async () => {
    const { mkdir, rm, writeFile: write } = await import('node:fs/promises');
    const file = path.join(dir, ANCHOR_FILE_NAME);
    await rm(file);
    await mkdir(file); // a directory where the anchor file should be: every write fails
    await write(path.join(file, 'blocker'), 'x');
    const core = await openTestCore(dir, { create: false });
    const job = await ok(core, 'jobs.create', { name: 'Written while the anchor is stuck' });
    await new Promise((r) => setTimeout(r, 100)); // let the anchor attempt fail in the background
    expect((await ok(core, 'jobs.get', { jobId: job.id })).name).toBe('Written while the anchor is stuck');
    await rm(file, { recursive: true });
    await ok(core, 'jobs.update', { jobId: job.id, changes: { site: 'again' } });
    const report = await ok(core, 'audit.verify', {});
    expect(report).toMatchObject({ ok: true, entries: 10, anchored: true });
    await core.close();
  });
});
