import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUnitOfWork } from '../../src/core/app/unit-of-work.ts';
import { migrate } from '../../src/core/db/migrate.ts';
import { openDatabase, type Db } from '../../src/core/db/open.ts';
import { createJob } from '../../src/core/domain/jobs.ts';
import { commitImportItem } from '../../src/core/tasks/import-task.ts';
import { addItems, cancelPendingItems, createTask } from '../../src/core/tasks/task-store.ts';
import { tempDir } from '../helpers/workspace.ts';

/**
 * Exactly-once rests on one rule: an item's outcome is committed only while
 * the item is still pending, checked inside the committing transaction. Here
 * it is tested alone, on a real database, with content that is new to the job
 * (so duplicate detection cannot hide a second commit).
 */
describe('committing a file claims its item', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let db: Db;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    db = openDatabase(path.join(dir, 'c.db'), randomBytes(32), { create: true });
    migrate(db);
  });
  afterEach(async () => {
    db.close();
    await cleanup();
  });

  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('writes nothing for an item that is no longer pending, and lands a pending one once', () => {
    const write = createUnitOfWork({ db, clock: () => new Date(), actor: () => 'test', emit: () => {}, onAudited: () => {} });
    const { jobId, taskId } = write((tx) => {
      const job = createJob(tx, { name: 'Claim', client: '', site: '', component: '', procedure: '', inspector: '', startDate: null, endDate: null });
      const task = createTask(tx, 'import', job.id, { paths: [] });
      addItems(tx, task.id, [{ source: '/a.txt', name: 'a.txt' }, { source: '/b.txt', name: 'b.txt' }]);
      return { jobId: job.id, taskId: task.id };
    });
    const outcome = (hex: string) => ({ ok: true as const, sha256: hex.repeat(64), size: 10, mime: 'text/plain', kind: 'document' as const, note: null });

    expect(commitImportItem(write, taskId, jobId, { seq: 0, name: 'a.txt' }, outcome('a'))).toBe(true);
    const before = { assets: count('assets'), audit: count('audit_log') };
    expect(commitImportItem(write, taskId, jobId, { seq: 0, name: 'a.txt' }, outcome('c'))).toBe(false);

    write((tx) => cancelPendingItems(tx, taskId));
    expect(commitImportItem(write, taskId, jobId, { seq: 1, name: 'b.txt' }, outcome('b'))).toBe(false);
    expect({ assets: count('assets'), audit: count('audit_log') }).toEqual(before);
  });
});
