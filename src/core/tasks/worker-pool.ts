import type { Worker } from 'node:worker_threads';

export class WorkerCrashedError extends Error {
  constructor(detail: string) {
    super(`worker stopped unexpectedly: ${detail}`);
  }
}

interface Slot {
  worker: Worker;
  busy: { id: number; resolve: (v: unknown) => void; reject: (e: Error) => void } | null;
}

/**
 * A fixed number of worker threads, one request each at a time. A worker that
 * dies fails only its own request and is replaced, so one poisonous file
 * cannot stop a batch.
 */
export class WorkerPool<Req extends { id: number }, Res extends { id: number }> {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly spawn: () => Worker, readonly size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.startSlot());
  }

  private startSlot(): Slot {
    const slot: Slot = { worker: this.spawn(), busy: null };
    slot.worker.on('message', (res: Res) => {
      const job = slot.busy;
      if (!job || job.id !== res.id) return;
      slot.busy = null;
      job.resolve(res);
      this.release();
    });
    const crashed = (detail: string) => {
      const job = slot.busy;
      slot.busy = null;
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) this.slots[i] = this.startSlot();
      job?.reject(new WorkerCrashedError(detail));
      this.release();
    };
    slot.worker.on('error', (e) => crashed(e.message));
    slot.worker.on('exit', (code) => {
      if (!this.closed) crashed(`exit code ${code}`);
    });
    return slot;
  }

  private release() {
    this.waiting.shift()?.();
  }

  /** Sends a request to the next free worker. */
  async run(request: Omit<Req, 'id'>): Promise<Res> {
    if (this.closed) throw new Error('worker pool is closed');
    let slot = this.slots.find((s) => !s.busy);
    while (!slot) {
      await new Promise<void>((r) => this.waiting.push(r));
      if (this.closed) throw new Error('worker pool is closed');
      slot = this.slots.find((s) => !s.busy);
    }
    const id = this.nextId++;
    const free = slot;
    return new Promise<Res>((resolve, reject) => {
      free.busy = { id, resolve: resolve as (v: unknown) => void, reject };
      free.worker.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
