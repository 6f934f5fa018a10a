import type { Finding } from '../../../../shared/contract/index.ts';

/** One page of a `findings.query` answer. */
export interface PageAnswer {
  findings: Finding[];
  total: number;
}

export interface FindingPagesOptions {
  /** Rows per read (the first rows come with the first read: keep it about a screen or two). */
  pageSize?: number;
  /** Pages kept at most; a job can hold 100,000 findings and the list never holds them all. */
  maxPages?: number;
  /** Reads at once; more would only queue at the core, which answers one at a time. */
  parallel?: number;
  /**
   * Reads the same query in the exact opposite order (score-desc for
   * score-asc and back). A page's cost at the core grows with its offset
   * (the rows before it are walked), so pages in the far half are read from
   * the other end: End is as quick as Home, and no page is more than half
   * the list away.
   */
  readReversed?: ((offset: number, limit: number) => Promise<PageAnswer>) | undefined;
}

/**
 * The rows of one query of a job's findings (one filter, one order), read a
 * page at a time as the list scrolls, never all of them:
 * - `show(first, last)` says which rows are on screen; the pages they need
 *   (and half a page either side) are read, those on screen first;
 * - at most `parallel` reads run at once; a page still waiting its turn when
 *   the list has scrolled past it is not read at all (a fast scroll through
 *   100,000 rows asks for the pages it stops on, not every one it passed);
 * - at most `maxPages` pages are kept, the least recently shown dropped first
 *   (never one on screen), so memory stays bounded however far one scrolls.
 * A new filter or order is a new FindingPages: answers to an old one are
 * simply never seen by the list. Subscribers hear of every change (a page
 * read, a finding replaced, a failure); `version` counts them, for
 * useSyncExternalStore.
 */
export class FindingPages {
  readonly pageSize: number;
  readonly maxPages: number;
  readonly parallel: number;
  private readonly readReversed: FindingPagesOptions['readReversed'];
  /** How many rows match, from the latest answer; null until the first one. */
  total: number | null = null;
  error: string | null = null;
  /** Pages by number; Map order is least recently shown first. */
  private readonly pages = new Map<number, Finding[]>();
  private readonly reading = new Set<number>();
  /** The pages on and near the screen, most needed first. */
  private wanted: number[] = [];
  /** Bumped by stop(): answers to reads started before it are dropped. */
  private session = 0;
  private running = false;
  private readonly listeners = new Set<() => void>();
  /** Bumped at each change of what row(), total or error give. */
  version = 0;

  constructor(
    private readonly read: (offset: number, limit: number) => Promise<PageAnswer>,
    options: FindingPagesOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 30;
    this.parallel = options.parallel ?? 3;
    this.readReversed = options.readReversed;
  }

  /** Calls `listener` after each change; returns how to stop. (An arrow: passed around unbound.) */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }

  /** The finding at `index` in the query's order, if its page has been read. */
  row(index: number): Finding | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** How many pages are held now (bounded by maxPages). */
  get heldPages(): number {
    return this.pages.size;
  }

  /** Starts (or, after stop(), starts again) reading what is wanted; the first page is wanted from the start. */
  start(): void {
    this.running = true;
    if (this.wanted.length === 0) this.wanted = [0];
    this.pump();
  }

  /** Stops: answers to reads under way are dropped and nothing more is read until start(). */
  stop(): void {
    this.running = false;
    this.session++;
    this.reading.clear();
  }

  /** Rows `first`…`last` (inclusive) are on screen. */
  show(first: number, last: number): void {
    const { pageSize } = this;
    const lastPage = this.total === null ? Infinity : Math.max(0, Math.ceil(this.total / pageSize) - 1);
    const onScreen = range(Math.floor(first / pageSize), Math.min(lastPage, Math.floor(last / pageSize)));
    const near = range(Math.max(0, Math.floor((first - pageSize / 2) / pageSize)), Math.min(lastPage, Math.floor((last + pageSize / 2) / pageSize)));
    this.wanted = [...onScreen, ...near.filter((p) => !onScreen.includes(p))];
    // Shown again: they become the most recently used.
    for (const p of this.wanted) {
      const rows = this.pages.get(p);
      if (rows) {
        this.pages.delete(p);
        this.pages.set(p, rows);
      }
    }
    this.pump();
  }

  /**
   * A finding as it now is (a decision here, in another window, in bulk):
   * its row changes where it stands, even when it no longer matches the
   * filter, so rows do not jump under the reviewer's eyes. True if it is held.
   */
  replace(finding: Finding): boolean {
    for (const rows of this.pages.values()) {
      const at = rows.findIndex((f) => f.id === finding.id);
      if (at < 0) continue;
      if (rows[at]!.version > finding.version) return false;
      rows[at] = finding;
      this.changed();
      return true;
    }
    return false;
  }

  /** Reads the page of row `index` again (its finding changed in a way we could not follow). */
  reload(index: number): void {
    this.pages.delete(Math.floor(index / this.pageSize));
    this.changed();
    this.pump();
  }

  /** Reads again after a failure. */
  retry(): void {
    this.error = null;
    this.changed();
    this.pump();
  }

  private pump(): void {
    if (!this.running) return;
    for (const page of this.wanted) {
      if (this.reading.size >= this.parallel) return;
      if (!this.pages.has(page) && !this.reading.has(page)) void this.load(page);
    }
  }

  private async load(page: number): Promise<void> {
    const session = this.session;
    this.reading.add(page);
    try {
      const answer = await this.readPage(page);
      if (session !== this.session) return;
      this.pages.set(page, answer.findings);
      this.total = answer.total;
      this.error = null;
      this.evict();
    } catch (e) {
      if (session !== this.session) return;
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (session === this.session) {
        this.reading.delete(page);
        this.changed();
        // A failed read is not retried by itself: the next show() (a scroll, the retry button) asks again.
        if (this.error === null) this.pump();
      }
    }
  }

  /** One page, from whichever end is nearer (see readReversed). */
  private async readPage(page: number): Promise<PageAnswer> {
    const { pageSize, total } = this;
    const start = page * pageSize;
    if (!this.readReversed || total === null || start <= total / 2) return this.read(start, pageSize);
    const end = Math.min(total, start + pageSize);
    const answer = await this.readReversed(total - end, end - start);
    // Rows were added or removed meanwhile: the mirror is off, read it from the front.
    if (answer.total !== total) return this.read(start, pageSize);
    return { findings: [...answer.findings].reverse(), total };
  }

  private evict(): void {
    for (const page of this.pages.keys()) {
      if (this.pages.size <= this.maxPages) return;
      if (!this.wanted.includes(page)) this.pages.delete(page);
    }
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
