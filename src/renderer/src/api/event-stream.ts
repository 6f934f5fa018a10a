import type { EventName } from '../../../shared/contract/index.ts';

type Listener = (payload: unknown) => void;

/**
 * Server-Sent Events read with fetch (EventSource cannot send the bearer
 * header). One connection serves all listeners; it reconnects after a drop
 * with a growing delay, and closes when nobody listens.
 */
export class EventStream {
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private abort: AbortController | null = null;
  private retryMs = 500;

  constructor(private readonly url: string, private readonly headers: Record<string, string>) {}

  on(event: EventName, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    this.ensureOpen();
    return () => {
      set.delete(listener);
      if ([...this.listeners.values()].every((s) => s.size === 0)) this.close();
    };
  }

  private ensureOpen() {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort).catch(() => {
      if (this.abort !== abort) return;
      this.abort = null;
      setTimeout(() => this.ensureOpen(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    });
  }

  private close() {
    this.abort?.abort();
    this.abort = null;
  }

  private async run(abort: AbortController) {
    const res = await fetch(this.url, { headers: this.headers, signal: abort.signal, credentials: 'omit' });
    if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
    this.retryMs = 500;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('events: stream ended');
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.deliver(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  private deliver(block: string) {
    let name = '';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    const set = this.listeners.get(name as EventName);
    if (!set || data.length === 0) return;
    const payload: unknown = JSON.parse(data.join('\n'));
    for (const l of set) l(payload);
  }
}
