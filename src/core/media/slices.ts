import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Per-pixel work in JS (a histogram, a lookup table) runs on the main thread,
 * where it would hold up every IPC call and HTTP request while it runs: over
 * the 16 million samples of an 8000x2000 radiograph a plain loop takes 20-50
 * ms. Cutting it into slices of about a million samples and yielding to the
 * event loop between them keeps each pause to a couple of milliseconds.
 */
export const SLICE = 1 << 20;

/**
 * Calls `fn(start, end)` over [0, total) in slices, yielding between them.
 * `fn` returning false stops early (e.g. a check that already failed).
 */
export async function inSlices(total: number, fn: (start: number, end: number) => boolean | void, slice = SLICE): Promise<boolean> {
  for (let start = 0; start < total; start += slice) {
    if (start > 0) await nextTurn();
    if (fn(start, Math.min(total, start + slice)) === false) return false;
  }
  return true;
}

/** At most `limit` of the wrapped calls run at once; the rest wait in order. */
export class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing call hands its slot straight to the next waiter, so a newcomer cannot slip in between.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
