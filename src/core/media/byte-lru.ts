/**
 * A least-recently-used map bounded by the bytes its values hold rather than
 * by their count: one decoded 8000x2000 radiograph weighs as much as four
 * hundred thumbnails, and the bound is about memory.
 *
 * The most recently used entry is always kept, even when it alone is over the
 * bound: dropping it would make a viewer on one huge image decode it again
 * for every tile, which is far worse than a cache briefly over its budget.
 */
export class ByteLru<K, V> {
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private total = 0;
  private evicted = 0;

  constructor(readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError('maxBytes must be positive');
  }

  /** The value, marked as just used. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map keeps insertion order: re-inserting moves the key to the young end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V, bytes: number): void {
    this.remove(key);
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    this.trim();
  }

  /** Re-weighs an entry whose value grew in place (a pyramid that built a level); no-op if it was evicted. */
  resize(key: K, bytes: number): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.total += bytes - entry.bytes;
    entry.bytes = bytes;
    this.trim();
  }

  delete(key: K): boolean {
    return this.remove(key);
  }

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  get evictions(): number {
    return this.evicted;
  }

  private remove(key: K): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.total -= entry.bytes;
    return true;
  }

  private trim(): void {
    while (this.total > this.maxBytes && this.entries.size > 1) {
      const oldest = this.entries.keys().next().value as K;
      this.remove(oldest);
      this.evicted++;
    }
  }
}
