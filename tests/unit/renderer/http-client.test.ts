import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpClient } from '../../../src/renderer/src/api/http-client.ts';
import { makeTask } from './fake-api.ts';

const ok = (result: unknown) => Promise.resolve(new Response(JSON.stringify({ ok: true, result }), { status: 200 }));

describe('http client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends each file to the item the core numbered it as, housekeeping left out by the same rule', async () => {
    const puts: Array<{ url: string; body: string }> = [];
    let declared: unknown;
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      if (url.endsWith('/rpc/uploads.begin')) {
        declared = JSON.parse(init.body as string);
        return ok(makeTask({ total: 3 }));
      }
      if (url.endsWith('/rpc/tasks.items')) {
        // What the core kept: DCIM/a.jpg (0), DCIM/b.jpg (1), c.jpg (2); DCIM/.DS_Store got no item.
        return ok({ items: [0, 1, 2].map((seq) => ({ seq })), total: 3 });
      }
      if (url.includes('/upload/')) {
        puts.push({ url: url.replace(/^.*\/upload\//, ''), body: await (init.body as File).text() });
        return ok({});
      }
      throw new Error(`unexpected ${url}`);
    }));
    const api = createHttpClient('http://127.0.0.1:1', 't');
    const file = (text: string, relativePath: string) => ({ file: new File([text], relativePath.split('/').pop()!), relativePath });
    const { transfer } = await api.importFiles('job_00000000000000000001', [
      file('a', 'DCIM/a.jpg'), file('junk', 'DCIM/.DS_Store'), file('b', 'DCIM/b.jpg'), file('c', 'c.jpg'),
    ]);
    await transfer;
    expect(declared).toMatchObject({ files: [{ name: 'DCIM/a.jpg' }, { name: 'DCIM/.DS_Store' }, { name: 'DCIM/b.jpg' }, { name: 'c.jpg' }] });
    expect(puts.sort((x, y) => x.url.localeCompare(y.url))).toEqual([
      { url: `${makeTask().id}/0`, body: 'a' }, { url: `${makeTask().id}/1`, body: 'b' }, { url: `${makeTask().id}/2`, body: 'c' },
    ]);
  });

  it('stops sending once told to, and that is not a failure', async () => {
    const stop = new AbortController();
    const puts: string[] = [];
    vi.stubGlobal('fetch', vi.fn((url: string, init: RequestInit) => {
      if (url.endsWith('/rpc/uploads.begin')) return ok(makeTask({ total: 5 }));
      if (url.endsWith('/rpc/tasks.items')) return ok({ items: [0, 1, 2, 3, 4].map((seq) => ({ seq })), total: 5 });
      puts.push(url);
      // Never answers until aborted.
      return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    }));
    const api = createHttpClient('http://127.0.0.1:1', 't');
    const files = [0, 1, 2, 3, 4].map((i) => ({ file: new File([String(i)], `${i}.jpg`), relativePath: `${i}.jpg` }));
    const { transfer } = await api.importFiles('job_00000000000000000001', files, stop.signal);
    await vi.waitFor(() => expect(puts).toHaveLength(3));
    stop.abort();
    await expect(transfer).resolves.toBeUndefined();
    expect(puts).toHaveLength(3);
  });
});
