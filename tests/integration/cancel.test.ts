import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import type { Task } from '../../src/shared/contract/index.ts';
import { ok, openTestCore, tempDir } from '../helpers/workspace.ts';

describe('cancelling an import', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let core: Core;
  beforeAll(async () => {
    tmp = await tempDir('chitti-cancel-');
    await mkdir(path.join(tmp.dir, 'in'));
    for (let i = 0; i < 12; i++) await writeFile(path.join(tmp.dir, 'in', `r${i}.txt`), `reading ${i}\n`);
    core = await openTestCore(path.join(tmp.dir, 'ws'), { importDelayMs: 100, concurrency: 2 });
  });
  afterAll(async () => {
    await core.close();
    await tmp.cleanup();
  });

  it('keeps the files already imported, marks the rest cancelled, and audits it', async () => {
    const job = await ok(core, 'jobs.create', { name: 'Cancel me' });
    const finished = new Promise<Task>((resolve) => {
      core.subscribe((name, payload) => {
        const p = payload as { task: Task };
        if (name === 'task.progressed' && p.task.processed === 2) void core.dispatch('tasks.cancel', { taskId: p.task.id });
        if (name === 'task.finished') resolve(p.task);
      });
    });
    await ok(core, 'assets.import', { jobId: job.id, paths: [path.join(tmp.dir, 'in')] });
    const task = await finished;
    expect(task.status).toBe('cancelled');
    expect(task.imported).toBeGreaterThanOrEqual(2);
    expect(task.imported).toBeLessThan(12);
    const { items } = await ok(core, 'tasks.items', { taskId: task.id, status: 'cancelled', limit: 100 });
    expect(items).toHaveLength(12 - task.imported);
    expect((await ok(core, 'assets.list', { jobId: job.id })).total).toBe(task.imported);
    const { entries } = await ok(core, 'audit.list', { entityId: task.id });
    expect(entries.map((e) => e.action)).toEqual(['task.cancelled', 'task.cancel-requested', 'task.created']);
    expect(await core.dispatch('tasks.cancel', { taskId: task.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe('cancelling an import while its folders are still being walked', () => {
  it('ends cancelled with nothing imported, and a later walk result is discarded', async () => {
    const tmp = await tempDir('chitti-cancel-walk-');
    try {
      await mkdir(path.join(tmp.dir, 'in'));
      for (let i = 0; i < 20; i++) await writeFile(path.join(tmp.dir, 'in', `r${i}.txt`), `reading ${i}\n`);
      const core = await openTestCore(path.join(tmp.dir, 'ws'));
      const job = await ok(core, 'jobs.create', { name: 'Cancel while walking' });
      const task = await ok(core, 'assets.import', { jobId: job.id, paths: [path.join(tmp.dir, 'in')] });
      // The runner has started walking (the task is still queued): cancel now.
      const cancelled = await ok(core, 'tasks.cancel', { taskId: task.id });
      expect(cancelled.status).toBe('cancelled');
      await core.idle();
      expect(await ok(core, 'tasks.get', { taskId: task.id })).toMatchObject({ status: 'cancelled', total: 0, imported: 0 });
      expect((await ok(core, 'assets.list', { jobId: job.id })).total).toBe(0);
      const { entries } = await ok(core, 'audit.list', { entityId: task.id });
      expect(entries.map((e) => e.action)).toEqual(['task.cancelled', 'task.cancel-requested', 'task.created']);
      await core.close();
    } finally {
      await tmp.cleanup();
    }
  });
});
