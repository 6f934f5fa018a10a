import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type RunningServer } from '../helpers/serve.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';

/** `chitti serve` as a user runs it: a real process, a real socket, the real core behind it. */
describe('chitti serve', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  let base: string;
  let token: string;
  let jobId: string;

  const rpc = (name: string, body: unknown, auth = token) =>
    fetch(`${base}/rpc/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}` },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    tmp = await tempDir('chitti-serve-');
    const ws = path.join(tmp.dir, 'ws');
    expect((await runCli(['--data-dir', ws, 'init'])).code).toBe(0);
    jobId = (await runCli(['--data-dir', ws, 'job', 'create', '--name', 'Served'])).stdout.trim();
    server = await startServe(ws);
    const started = server;
    base = started.url;
    token = started.token;
  });
  afterAll(async () => {
    if (server.process.exitCode === null) server.process.kill('SIGKILL');
    await tmp.cleanup();
  });

  it('listens on 127.0.0.1 only, with a long random token', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(token, 'base64url').length).toBe(32);
  });

  it('answers calls with the token and refuses them without', async () => {
    const res = await rpc('jobs.list', {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, result: { jobs: [{ id: jobId, name: 'Served' }] } });
    expect((await rpc('jobs.list', {}, 'not-the-token')).status).toBe(401);
    expect((await rpc('jobs.nope', {})).status).toBe(404);
    expect(await (await rpc('jobs.create', { name: '' })).json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('streams an import’s progress over SSE', async () => {
    const src = path.join(tmp.dir, 'in');
    await mkdir(src);
    for (let i = 0; i < 3; i++) await writeFile(path.join(src, `n${i}.txt`), `note ${i}\n`);
    const abort = new AbortController();
    const events = await fetch(`${base}/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    expect(events.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = events.body!.getReader();
    const res = await rpc('assets.import', { jobId, paths: [src] });
    expect(res.status).toBe(200);
    let text = '';
    while (!text.includes('event: task.finished')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    const progressed = text.split('\n\n').filter((b) => b.startsWith('event: task.progressed'));
    expect(progressed.length).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/"status":"done".*"imported":3/);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await server.stop()).toBe(0);
  });
});
