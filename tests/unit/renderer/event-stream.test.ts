import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventStream } from '../../../src/renderer/src/api/event-stream.ts';

/** A fake `/events` endpoint: each fetch opens a connection the test can write to or drop. */
class FakeServer {
  connections: Array<{ send: (text: string) => void; drop: () => void; signal: AbortSignal }> = [];
  fetch = vi.fn((_url: string, init: RequestInit) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    const signal = init.signal!;
    signal.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
    this.connections.push({
      send: (text) => controller.enqueue(new TextEncoder().encode(text)),
      drop: () => controller.error(new Error('network down')),
      signal,
    });
    return Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
  });
}

/** Lets pending promise callbacks run (with fake timers, nothing else moves them). */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('event stream', () => {
  let server: FakeServer;
  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeServer();
    vi.stubGlobal('fetch', server.fetch);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('delivers events, reconnects after a drop and says so after every reconnection but the first connection', async () => {
    const stream = new EventStream('http://127.0.0.1:1/events', { authorization: 'Bearer t' });
    const seen: unknown[] = [];
    const reconnects = vi.fn();
    stream.onReconnect(reconnects);
    stream.on('job.changed', (p) => seen.push(p));
    await settle();
    expect(server.connections).toHaveLength(1);
    expect(reconnects).not.toHaveBeenCalled();

    server.connections[0]!.send('event: job.changed\ndata: {"jobId":"a"}\n\n');
    await settle();
    expect(seen).toEqual([{ jobId: 'a' }]);

    server.connections[0]!.drop();
    await settle();
    expect(server.connections).toHaveLength(1); // waits before trying again
    await vi.advanceTimersByTimeAsync(500);
    expect(server.connections).toHaveLength(2);
    expect(reconnects).toHaveBeenCalledTimes(1);

    server.connections[1]!.drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(server.connections).toHaveLength(3);
    expect(reconnects).toHaveBeenCalledTimes(2);
  });

  it('does not reopen from a pending retry once nobody listens', async () => {
    const stream = new EventStream('http://127.0.0.1:1/events', {});
    const off = stream.on('task.finished', () => {});
    await settle();
    server.connections[0]!.drop();
    await settle();
    off();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(1);

    // A new listener opens it again at once, and it counts as a reconnection (events may have been missed).
    const reconnects = vi.fn();
    stream.onReconnect(reconnects);
    stream.on('task.finished', () => {});
    await settle();
    expect(server.connections).toHaveLength(2);
    expect(reconnects).toHaveBeenCalledTimes(1);
  });

  it('closes the connection when the last listener leaves', async () => {
    const stream = new EventStream('http://127.0.0.1:1/events', {});
    const off1 = stream.on('task.finished', () => {});
    const off2 = stream.on('task.progressed', () => {});
    await settle();
    off1();
    expect(server.connections[0]!.signal.aborted).toBe(false);
    off2();
    expect(server.connections[0]!.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toHaveLength(1);
  });
});
