import Database from 'better-sqlite3-multiple-ciphers';
import { ChittiError } from '../app/errors.ts';

export type Db = Database.Database;

const sqliteCode = (e: unknown) => (e as { code?: string } | null)?.code;

function applyKey(db: Db, key: Buffer) {
  // SQLCipher 4 compatible page format. A raw 256-bit key skips SQLCipher's own
  // PBKDF2 (the key is already random), so opening costs milliseconds.
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${key.toString('hex')}'"`);
}

/**
 * Opens (or creates) the encrypted database. The key is checked with a read
 * before anything that could write (WAL mode, migrations), so a wrong key
 * leaves the file byte-for-byte untouched.
 */
export function openDatabase(file: string, key: Buffer, options: { create: boolean }): Db {
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: !options.create });
  } catch (e) {
    if (sqliteCode(e) === 'SQLITE_CANTOPEN') {
      throw new ChittiError('NOT_INITIALIZED', `No Chitti database at ${file}; run \`chitti init\` first.`);
    }
    throw e;
  }
  try {
    applyKey(db, key);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    db.close();
    if (sqliteCode(e) === 'SQLITE_NOTADB') {
      throw new ChittiError(
        'KEY_REJECTED',
        'The database cannot be decrypted with this key: the key file belongs to another database, or the database file is damaged. The file was not changed.',
      );
    }
    if (sqliteCode(e) === 'SQLITE_CORRUPT') {
      throw new ChittiError('DATABASE_CORRUPT', `The database file ${file} is damaged.`);
    }
    throw e;
  }
  db.pragma('journal_mode = WAL');
  // FULL: every commit is on disk before it is reported. NORMAL could lose the last
  // commits on power loss while the (fsynced) audit anchor already names them, which
  // `audit verify` would then report as entries cut from the log.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
