import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from '../../src/core/db/migrate.ts';
import { MIGRATIONS } from '../../src/core/db/migrations/index.ts';
import { openDatabase, type Db } from '../../src/core/db/open.ts';
import { tempDir } from '../helpers/workspace.ts';

/** The schema as SQLite reports it, in a stable order: what the snapshot pins. */
function schemaDump(db: Db): string {
  const rows = db
    .prepare(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`)
    .all() as Array<{ type: string; name: string; sql: string | null }>;
  return rows.map((r) => `-- ${r.type} ${r.name}\n${(r.sql ?? '').trim()};`).join('\n\n') + `\n\n-- user_version ${schemaVersion(db)}\n`;
}

/** Rows a user of each version could have had, so upgrades are tested on data, not empty tables. */
const SEED: Record<number, (db: Db) => void> = {
  1: (db) => {
    db.prepare(`INSERT INTO jobs (id, name, created_at, updated_at) VALUES ('job_aaaaaaaaaaaaaaaaaaaa', 'Tank 6', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO assets (id, job_id, kind, mime, size, sha256, original_name, status, created_at) VALUES ('ast_aaaaaaaaaaaaaaaaaaaa', 'job_aaaaaaaaaaaaaaaaaaaa', 'image', 'image/jpeg', 10, '${'a'.repeat(64)}', 'a.jpg', 'ready', '2026-01-01T00:00:00.000Z')`).run();
  },
  2: (db) => {
    db.prepare(`INSERT INTO tasks (id, kind, job_id, status, params, created_at) VALUES ('tsk_aaaaaaaaaaaaaaaaaaaa', 'import', 'job_aaaaaaaaaaaaaaaaaaaa', 'running', '{"paths":[]}', '2026-01-01T00:00:00.000Z')`).run();
  },
  3: (db) => {
    db.prepare(`INSERT INTO task_items (task_id, seq, source, name, status, asset_id) VALUES ('tsk_aaaaaaaaaaaaaaaaaaaa', 0, '/in/a.jpg', 'a.jpg', 'imported', 'ast_aaaaaaaaaaaaaaaaaaaa')`).run();
  },
  4: (db) => {
    db.prepare(`INSERT INTO analyses (id, job_id, asset_id, task_id, model_id, model_version, model_sha256, settings, status, created_at) VALUES ('ana_aaaaaaaaaaaaaaaaaaaa', 'job_aaaaaaaaaaaaaaaaaaaa', 'ast_aaaaaaaaaaaaaaaaaaaa', 'tsk_aaaaaaaaaaaaaaaaaaaa', 'm', '1', '${'c'.repeat(64)}', '{}', 'done', '2026-01-01T00:00:00.000Z')`).run();
    db.prepare(`INSERT INTO findings (id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, status, created_at) VALUES ('fnd_aaaaaaaaaaaaaaaaaaaa', 'ana_aaaaaaaaaaaaaaaaaaaa', 'job_aaaaaaaaaaaaaaaaaaaa', 'ast_aaaaaaaaaaaaaaaaaaaa', 'crack', 0.5, 1, 2, 3, 4, 'proposed', '2026-01-01T00:00:00.000Z')`).run();
  },
  5: () => {},
  6: (db) => {
    db.prepare(`UPDATE jobs SET pixel_spacing_mm = 0.1`).run();
    db.prepare(`UPDATE assets SET pixel_spacing_mm = 0.025`).run();
  },
};

describe('migrations', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const key = randomBytes(32);
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  const open = () => openDatabase(path.join(dir, 'm.db'), key, { create: true });

  it('bring an empty database to the snapshot', async () => {
    const db = open();
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
    await expect(schemaDump(db)).toMatchFileSnapshot('../fixtures/schema.snapshot.sql');
    db.close();
  });

  for (let from = 1; from < MIGRATIONS.length; from++) {
    it(`bring a version-${from} database with data to the same snapshot, keeping its rows`, async () => {
      const db = open();
      for (let v = 1; v <= from; v++) {
        migrate(db, v);
        SEED[v]?.(db);
      }
      expect(schemaVersion(db)).toBe(from);
      migrate(db);
      await expect(schemaDump(db)).toMatchFileSnapshot('../fixtures/schema.snapshot.sql');
      expect(db.prepare('SELECT name FROM jobs').all()).toEqual([{ name: 'Tank 6' }]);
      if (from >= 3) expect(db.prepare('SELECT task_id, seq, status, asset_id FROM task_items').all()).toEqual([{ task_id: 'tsk_aaaaaaaaaaaaaaaaaaaa', seq: 0, status: 'imported', asset_id: 'ast_aaaaaaaaaaaaaaaaaaaa' }]);
      if (from >= 4) {
        expect(db.prepare('SELECT id, analysis_id, class, status, source, version, model_class, model_box FROM findings').all()).toEqual([
          { id: 'fnd_aaaaaaaaaaaaaaaaaaaa', analysis_id: 'ana_aaaaaaaaaaaaaaaaaaaa', class: 'crack', status: 'proposed', source: 'model', version: 1, model_class: 'crack', model_box: '[1.0,2.0,3.0,4.0]' },
        ]);
      }
      if (from >= 6) expect(db.prepare('SELECT j.pixel_spacing_mm AS job, a.pixel_spacing_mm AS asset FROM jobs j JOIN assets a ON a.job_id = j.id').get()).toEqual({ job: 0.1, asset: 0.025 });
      expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
      db.close();
    });
  }

  it('are append-only: a released migration is never edited', () => {
    const hashes = MIGRATIONS.map((m) => `${m.version} ${m.name} ${createHash('sha256').update(m.sql).digest('hex').slice(0, 16)}`);
    expect(hashes).toMatchInlineSnapshot(`
      [
        "1 jobs-assets-audit 97699348178d2233",
        "2 task-queue 7a81d9125d580401",
        "3 indexes 758f83e9d760e3f3",
        "4 analyses f5e75c948ae5acc3",
        "5 review 825983ae1be9f488",
        "6 pixel-spacing d3e4ddcadfd7cad3",
        "7 checklist-reviews 1c09583cafc16556",
      ]
    `);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('roll back a migration that fails, leaving the previous version intact', () => {
    const db = open();
    migrate(db, 1);
    const broken = [...MIGRATIONS.slice(0, 1), { version: 2, name: 'broken', sql: 'CREATE TABLE half (x); THIS IS NOT SQL;' }];
    expect(() => migrate(db, 2, broken)).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half'`).all()).toEqual([]);
    db.close();
  });

  it('refuse a database from a newer Chitti with DATABASE_TOO_NEW', () => {
    const db = open();
    migrate(db);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    expect(() => migrate(db)).toThrow(expect.objectContaining({ code: 'DATABASE_TOO_NEW' }));
    db.close();
  });

  it('open in WAL mode with foreign keys enforced', () => {
    const db = open();
    migrate(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() =>
      db.prepare(`INSERT INTO assets (id, job_id, kind, mime, size, sha256, original_name, status, created_at) VALUES ('ast_x', 'job_missing', 'image', 'image/jpeg', 1, '${'b'.repeat(64)}', 'x', 'ready', 'now')`).run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
