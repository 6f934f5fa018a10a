import { ChittiError } from '../app/errors.ts';
import { ByteLru } from './byte-lru.ts';
import { Pyramid } from './pyramid.ts';
import type { DisplayImage } from './display.ts';

/**
 * What the media service keeps between requests, keyed by an original's
 * sha256. Originals are content-addressed and never change, so nothing here
 * can go stale; entries only leave to make room.
 *
 * - decoded images, as pyramids of their samples at their own depth (16-bit
 *   kept, so any window is a per-tile lookup, ADR 0011): bounded by bytes
 *   (512 MiB by default: about twelve 8000x2000 16-bit radiographs with all
 *   their levels, or thirty 8-bit ones). Concurrent requests for an image
 *   being decoded share that one decode.
 * - thumbnails, as encoded JPEGs: bounded by bytes (64 MiB, thousands).
 * - unreadable verdicts (IMAGE_UNREADABLE only, bounded by count): a corrupt
 *   file is not decoded again each time the grid or viewer asks for it.
 *
 * One cache may be shared by several cores in a process, or injected by a
 * test to read its counters.
 */
export interface ImageCacheOptions {
  /** Bound on decoded display pixels (default 512 MiB). */
  maxBytes?: number;
  /** Bound on encoded thumbnails (default 64 MiB). */
  thumbnailBytes?: number;
}

export const DEFAULT_IMAGE_CACHE_BYTES = 512 * 1024 ** 2;
export const DEFAULT_THUMBNAIL_CACHE_BYTES = 64 * 1024 ** 2;
const MAX_REMEMBERED_FAILURES = 256;

export interface ImageCacheStats {
  /** Decodes started (one per image while it stays cached, however many ask). */
  decodes: number;
  /** Requests answered by a cached image or by joining a decode already running. */
  hits: number;
  /** Images dropped to stay within the bound. */
  evictions: number;
  entries: number;
  bytes: number;
  maxBytes: number;
  thumbnails: { made: number; hits: number; entries: number; bytes: number; maxBytes: number };
}

export interface Thumbnail {
  mime: 'image/jpeg';
  body: Buffer;
}

export class ImageCache {
  private readonly images: ByteLru<string, Pyramid>;
  private readonly pending = new Map<string, Promise<Pyramid>>();
  private readonly failures = new Map<string, ChittiError>();
  private readonly thumbs: ByteLru<string, Thumbnail>;
  private readonly pendingThumbs = new Map<string, Promise<Thumbnail>>();
  private counts = { decodes: 0, hits: 0, thumbsMade: 0, thumbHits: 0 };

  constructor(options: ImageCacheOptions = {}) {
    this.images = new ByteLru(options.maxBytes ?? DEFAULT_IMAGE_CACHE_BYTES);
    this.thumbs = new ByteLru(options.thumbnailBytes ?? DEFAULT_THUMBNAIL_CACHE_BYTES);
  }

  /** The cached pyramid, if this image is decoded already (no decode is started). */
  peek(sha256: string): Pyramid | undefined {
    return this.images.get(sha256);
  }

  /** The image's pyramid: cached, joined, or decoded now by `load` (once, however many ask at the same time). */
  pyramid(sha256: string, load: () => Promise<DisplayImage>): Promise<Pyramid> {
    return this.once(sha256, sha256, this.images, this.pending, 'hits', 'decodes', async () => {
      const pyramid = new Pyramid(await load(), (bytes) => this.images.resize(sha256, bytes));
      return { value: pyramid, bytes: pyramid.bytes };
    });
  }

  /** A thumbnail, cached by (image, size); `make` runs once however many ask at the same time. */
  thumbnail(sha256: string, size: number, make: () => Promise<Thumbnail>): Promise<Thumbnail> {
    return this.once(sha256, `${sha256}:${size}`, this.thumbs, this.pendingThumbs, 'thumbHits', 'thumbsMade', async () => {
      const thumb = await make();
      return { value: thumb, bytes: thumb.body.length };
    });
  }

  /**
   * The one caching rule for pyramids and thumbnails: a remembered failure is
   * thrown at once; a cached or in-flight value is shared; otherwise `make`
   * runs once, its result is kept (by bytes) and an IMAGE_UNREADABLE failure
   * is remembered for the image.
   */
  private once<T>(
    sha256: string,
    key: string,
    done: ByteLru<string, T>,
    inFlight: Map<string, Promise<T>>,
    hit: 'hits' | 'thumbHits',
    miss: 'decodes' | 'thumbsMade',
    make: () => Promise<{ value: T; bytes: number }>,
  ): Promise<T> {
    const failure = this.failures.get(sha256);
    if (failure) return Promise.reject(failure);
    const cached = done.get(key);
    if (cached !== undefined) {
      this.counts[hit]++;
      return Promise.resolve(cached);
    }
    const joined = inFlight.get(key);
    if (joined) {
      this.counts[hit]++;
      return joined;
    }
    this.counts[miss]++;
    const making = (async () => {
      try {
        const { value, bytes } = await make();
        done.set(key, value, bytes);
        return value;
      } catch (e) {
        if (e instanceof ChittiError && (e.code === 'IMAGE_UNREADABLE' || e.code === 'IMAGE_TOO_LARGE')) this.rememberFailure(sha256, e);
        throw e;
      } finally {
        inFlight.delete(key);
      }
    })();
    inFlight.set(key, making);
    return making;
  }

  stats(): ImageCacheStats {
    return {
      decodes: this.counts.decodes,
      hits: this.counts.hits,
      evictions: this.images.evictions,
      entries: this.images.size,
      bytes: this.images.bytes,
      maxBytes: this.images.maxBytes,
      thumbnails: {
        made: this.counts.thumbsMade,
        hits: this.counts.thumbHits,
        entries: this.thumbs.size,
        bytes: this.thumbs.bytes,
        maxBytes: this.thumbs.maxBytes,
      },
    };
  }

  private rememberFailure(sha256: string, error: ChittiError): void {
    if (this.failures.size >= MAX_REMEMBERED_FAILURES) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(sha256, error);
  }
}
