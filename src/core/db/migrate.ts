import { ChittiError } from '../app/errors.ts';
import { MIGRATIONS, type Migration } from './migrations/index.ts';
import type { Db } from './open.ts';

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export const schemaVersion = (db: Db) => db.pragma('user_version', { simple: true }) as number;

/**
 * Brings the schema up to `target` (default: latest). Each migration and its
 * version bump commit together, so a crash leaves the schema at a whole version.
 */
export function migrate(db: Db, target = LATEST_SCHEMA_VERSION, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new ChittiError(
      'DATABASE_TOO_NEW',
      `The database was written by a newer Chitti (schema ${current}; this one knows up to ${migrations.length}). Update Chitti to open it.`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return schemaVersion(db);
}
