import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WorkerCrashedError, WorkerPool } from '../../src/core/tasks/worker-pool.ts';

/** A real worker thread: echoes, but dies on 'crash' and throws on 'throw'. */
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.cmd === 'crash') process.exit(3);
  if (m.cmd === 'throw') throw new Error('boom');
  setTimeout(() => parentPort.postMessage({ id: m.id, echo: m.cmd }), 5);
});`;

type Req = { id: number; cmd: string };
type Res = { id: number; echo: string };

describe('worker pool', () => {
  it('runs requests on all workers and returns each answer to its caller', async () => {
    let spawned = 0;
    const pool = new WorkerPool<Req, Res>(() => (spawned++, new Worker(WORKER, { eval: true })), 2);
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((cmd) => pool.run({ cmd })));
    expect(answers.map((a) => a.echo)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(spawned).toBe(2);
    await pool.close();
  });

  it('fails only the request whose worker died, replaces the worker, and goes on', async () => {
    let spawned = 0;
    const pool = new WorkerPool<Req, Res>(() => (spawned++, new Worker(WORKER, { eval: true })), 2);
    const results = await Promise.allSettled(['a', 'crash', 'b', 'throw', 'c', 'd'].map((cmd) => pool.run({ cmd })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(WorkerCrashedError);
    expect(String((results[3] as PromiseRejectedResult).reason)).toMatch(/boom/);
    expect(spawned).toBe(4);
    expect((await pool.run({ cmd: 'after' })).echo).toBe('after');
    await pool.close();
  });
});
