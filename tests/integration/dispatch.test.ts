import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import { PROCEDURE_NAMES } from '../../src/shared/contract/index.ts';
import { ok, openTestCore, tempDir } from '../helpers/workspace.ts';

describe('dispatch', () => {
  let core: Core;
  let ws: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    ws = await tempDir();
    core = await openTestCore(ws.dir);
  });
  afterAll(async () => {
    await core.close();
    await ws.cleanup();
  });

  it('rejects unknown procedure names with UNKNOWN_PROCEDURE', async () => {
    for (const name of ['jobs.drop', '', '__proto__', 'constructor', 'toString', 'jobs.create ']) {
      expect(await core.dispatchUnknown(name, {}), name).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PROCEDURE' } });
    }
  });

  it.each([
    ['missing required field', 'jobs.create', { client: 'ACME' }, /name/],
    ['empty name', 'jobs.create', { name: '   ' }, /name/],
    ['wrong type', 'jobs.create', { name: 42 }, /name/],
    ['unknown key', 'jobs.create', { name: 'x', drop: true }, /drop|unrecognized/i],
    ['bad date', 'jobs.create', { name: 'x', startDate: '31/12/2026' }, /startDate/],
    ['malformed id', 'jobs.get', { jobId: "job_1' OR 1=1 --" }, /jobId/],
    ['not an object', 'jobs.list', 'everything', /input/],
    ['array input', 'jobs.list', [], /input/],
    ['no paths', 'assets.import', { jobId: 'job_00000000000000000000', paths: [] }, /paths/],
    ['limit too large', 'jobs.list', { limit: 1_000_000 }, /limit/],
  ])('rejects malformed input (%s) with INVALID_INPUT', async (_label, name, input, message) => {
    const r = await core.dispatchUnknown(name, input);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!r.ok) expect(r.error.message).toMatch(message);
  });

  it('maps a missing entity to NOT_FOUND and a domain rule to INVALID_INPUT', async () => {
    expect(await core.dispatch('jobs.get', { jobId: 'job_00000000000000000000' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.dispatch('jobs.create', { name: 'x', startDate: '2026-05-02', endDate: '2026-05-01' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('cancelling a finished task is a CONFLICT', async () => {
    const job = await ok(core, 'jobs.create', { name: 'Conflict' });
    const task = await ok(core, 'assets.import', { jobId: job.id, paths: ['/definitely/not/here'] });
    await core.idle();
    expect(await core.dispatch('tasks.cancel', { taskId: task.id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('fills defaults and returns outputs shaped by the contract', async () => {
    const job = await ok(core, 'jobs.create', { name: '  Tank 6  ' });
    expect(job).toMatchObject({ name: 'Tank 6', client: '', startDate: null, assetCount: 0 });
    expect(job.id).toMatch(/^job_[0-9a-z]{20}$/);
  });

  it('has a handler for every procedure of the contract', async () => {
    for (const name of PROCEDURE_NAMES) {
      const r = await core.dispatchUnknown(name, { definitelyNotAField: 1 });
      expect(r, name).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
  });
});

describe('dispatch output checking', () => {
  it('strips fields the contract does not declare, and turns a malformed result into INTERNAL', async () => {
    const { createDispatch } = await import('../../src/core/app/dispatch.ts');
    const job = {
      id: 'job_00000000000000000000', name: 'x', client: '', site: '', component: '', procedure: '', inspector: '',
      startDate: null, endDate: null, assetCount: 0, createdAt: '2026-11-23T08:00:00.000Z', updatedAt: '2026-11-23T08:00:00.000Z',
    };
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => errors.push(m) };
    const leaky = createDispatch({ 'jobs.list': () => ({ jobs: [{ ...job, secretPath: '/home/priya/key' }], total: 1 }) } as never, logger);
    const r = await leaky.dispatch('jobs.list', {});
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).not.toContain('secretPath');
    const broken = createDispatch({ 'jobs.list': () => ({ jobs: 'nope' }) } as never, logger);
    expect(await broken.dispatch('jobs.list', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(errors.length).toBeGreaterThan(0);
  });
});
