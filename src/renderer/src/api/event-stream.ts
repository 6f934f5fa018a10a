import type { EventName } from '../../../shared/contract/index.ts';

type Listener = (payload: unknown) => void;

/**
 * Server-Sent Events read with fetch (EventSource cannot send the bearer
 * header). One connection serves all listeners; it reconnects after a drop
 * with a growing delay, and closes when nobody listens. Events sent while it
 * was not connected are lost: after every connection but the first it calls
 * the `onReconnect` callbacks, so that whoever follows something re-reads it.
 */
export class EventStream {
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly reconnectListeners = new Set<() => void>();
  private abort: AbortController | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = 500;
  private connectedBefore = false;

  constructor(private readonly url: string, private readonly headers: Record<string, string>) {}

  on(event: EventName, listener: Listener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    this.ensureOpen();
    return () => {
      set.delete(listener);
      if (!this.hasListeners()) this.close();
    };
  }

  /** `callback` runs after each reconnection (not the first connection). It does not keep the stream open by itself. */
  onReconnect(callback: () => void): () => void {
    this.reconnectListeners.add(callback);
    return () => {
      this.reconnectListeners.delete(callback);
    };
  }

  private hasListeners(): boolean {
    return [...this.listeners.values()].some((s) => s.size > 0);
  }

  private ensureOpen() {
    if (this.abort || !this.hasListeners()) return;
    this.clearRetry();
    const abort = new AbortController();
    this.abort = abort;
    void this.run(abort).catch(() => {
      if (this.abort !== abort) return; // closed on purpose
      this.abort = null;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.ensureOpen();
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 10_000);
    });
  }

  private clearRetry() {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private close() {
    this.clearRetry();
    this.abort?.abort();
    this.abort = null;
  }

  private async run(abort: AbortController) {
    const res = await fetch(this.url, { headers: this.headers, signal: abort.signal, credentials: 'omit' });
    if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
    this.retryMs = 500;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    if (this.connectedBefore) this.notifyReconnect();
    this.connectedBefore = true;
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

  private notifyReconnect() {
    for (const callback of [...this.reconnectListeners]) {
      try {
        callback();
      } catch (e) {
        console.error('events: a reconnect callback failed', e);
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
