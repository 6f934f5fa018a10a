/**
 * The pure parts of image display: pyramid arithmetic, the automatic window,
 * the PGM reader, the byte-bounded LRU and the decode-once cache.
 */
import { describe, expect, it } from 'vitest';
import { ByteLru } from '../../src/core/media/byte-lru.ts';
import { windowFromHistogram, windowLut } from '../../src/core/media/display.ts';
import { ImageCache } from '../../src/core/media/image-cache.ts';
import { decodePgm } from '../../src/core/media/pgm.ts';
import { levelCount, levelSize, tileGrid } from '../../src/core/media/pyramid.ts';
import { ChittiError } from '../../src/core/app/errors.ts';
import type { DisplayImage } from '../../src/core/media/display.ts';

describe('pyramid arithmetic (Deep Zoom numbering)', () => {
  it.each([
    [1, 1, 1], [2, 1, 2], [3, 3, 3], [512, 512, 10], [513, 10, 11], [200, 200, 9], [8000, 2000, 14], [8192, 100, 14], [8193, 1, 15],
  ])('%i×%i has %i levels (ceil(log2(max side)) + 1)', (w, h, levels) => {
    expect(levelCount(w, h)).toBe(levels);
    expect(levels).toBe(Math.ceil(Math.log2(Math.max(w, h))) + 1);
  });

  it('halves each level, rounding up, down to 1×1', () => {
    const full = { width: 8000, height: 2000 };
    expect(levelSize(full, 14, 13)).toEqual(full);
    expect(levelSize(full, 14, 12)).toEqual({ width: 4000, height: 1000 });
    expect(levelSize(full, 14, 6)).toEqual({ width: 63, height: 16 });
    expect(levelSize(full, 14, 0)).toEqual({ width: 1, height: 1 });
    expect(tileGrid(full)).toEqual({ columns: 16, rows: 4 });
    expect(tileGrid({ width: 500, height: 125 })).toEqual({ columns: 1, rows: 1 });
  });
});

describe('automatic display window', () => {
  const hist = (entries: Array<[number, number]>) => {
    const h = new Uint32Array(65536);
    let total = 0;
    for (const [v, n] of entries) {
      h[v] = n;
      total += n;
    }
    return { h, total };
  };

  it('takes the 0.5th and 99.5th percentiles, ignoring a few outliers', () => {
    // 1000 samples spread over 1000..1999, plus 4 dead (0) and 4 saturated (65535) pixels.
    const spread: Array<[number, number]> = Array.from({ length: 1000 }, (_, i) => [1000 + i, 1]);
    const { h, total } = hist([[0, 4], [65535, 4], ...spread]);
    const w = windowFromHistogram(h, total);
    expect(w.low).toBeGreaterThanOrEqual(1000);
    expect(w.low).toBeLessThan(1010);
    expect(w.high).toBeGreaterThan(1990);
    expect(w.high).toBeLessThanOrEqual(1999);
  });

  it('centres an empty window on a flat image', () => {
    const { h, total } = hist([[30000, 100]]);
    expect(windowFromHistogram(h, total)).toEqual({ low: 29999, high: 30001 });
    const lut = windowLut({ low: 29999, high: 30001 });
    expect([lut[29999], lut[30000], lut[30001]]).toEqual([0, 128, 255]);
  });

  it('maps linearly and clamps outside the window', () => {
    const lut = windowLut({ low: 1000, high: 2020 });
    expect([lut[0], lut[1000], lut[1510], lut[2020], lut[65535]]).toEqual([0, 0, 128, 255, 255]);
  });
});

describe('PGM (P5) reader', () => {
  const pgm = (header: string, data: number[]) => Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(data)]);

  it('reads 8-bit samples, with comments in the header', () => {
    const img = decodePgm(pgm('P5\n# scanner 7\n2 2\n# max\n255\n', [0, 64, 128, 255]));
    expect(img).toMatchObject({ width: 2, height: 2, maxval: 255, bitsPerSample: 8 });
    expect([...img.data]).toEqual([0, 64, 128, 255]);
  });

  it('reads 16-bit samples big-endian', () => {
    const img = decodePgm(pgm('P5 2 1 65535 ', [0x12, 0x34, 0xff, 0x00]));
    expect(img.bitsPerSample).toBe(16);
    expect(img.data.readUInt16LE(0)).toBe(0x1234);
    expect(img.data.readUInt16LE(2)).toBe(0xff00);
  });

  it.each([
    ['a plain-text PGM (P2)', pgm('P2 2 2 255\n', [])],
    ['a header without maxval', pgm('P5 2 2', [])],
    ['a zero width', pgm('P5 0 2 255\n', [])],
    ['a maxval over 65535', pgm('P5 1 1 70000\n', [0, 0])],
    ['truncated samples', pgm('P5 4 4 255\n', [1, 2, 3])],
  ])('refuses %s with IMAGE_UNREADABLE', (_what, bytes) => {
    expect(() => decodePgm(bytes)).toThrow(ChittiError);
    try {
      decodePgm(bytes);
    } catch (e) {
      expect((e as ChittiError).code).toBe('IMAGE_UNREADABLE');
    }
  });
});

describe('ByteLru', () => {
  it('evicts the least recently used entries to stay within its bytes', () => {
    const lru = new ByteLru<string, string>(100);
    lru.set('a', 'A', 40);
    lru.set('b', 'B', 40);
    expect(lru.get('a')).toBe('A'); // a is now the younger
    lru.set('c', 'C', 40);
    expect(lru.has('b')).toBe(false);
    expect([lru.has('a'), lru.has('c'), lru.bytes, lru.evictions]).toEqual([true, true, 80, 1]);
  });

  it('re-weighs an entry that grew, and keeps the newest entry even when it alone is over the bound', () => {
    const lru = new ByteLru<string, string>(100);
    lru.set('a', 'A', 30);
    lru.set('b', 'B', 30);
    lru.resize('b', 90);
    expect([lru.has('a'), lru.has('b'), lru.bytes]).toEqual([false, true, 90]);
    lru.set('huge', 'H', 500);
    expect([lru.size, lru.has('huge'), lru.bytes]).toEqual([1, true, 500]);
    lru.resize('gone', 10); // no-op
    expect(lru.bytes).toBe(500);
  });
});

describe('ImageCache', () => {
  const image = (side: number): DisplayImage => ({
    width: side, height: side, channels: 1, bitsPerSample: 8, window: null, pixels: Buffer.alloc(side * side),
  });

  it('shares one decode between concurrent requests and counts it once', async () => {
    const cache = new ImageCache();
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return image(64);
    };
    const [a, b, c] = await Promise.all([cache.pyramid('x', load), cache.pyramid('x', load), cache.pyramid('x', load)]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(await cache.pyramid('x', load)).toBe(a);
    expect(loads).toBe(1);
    expect(cache.stats()).toMatchObject({ decodes: 1, hits: 3, entries: 1, bytes: 64 * 64 + 256 * 4 }); // samples + histogram
  });

  it('stays within its bytes, counting pyramid levels as they are built', async () => {
    const cache = new ImageCache({ maxBytes: 3 * 100 * 100 });
    const one = await cache.pyramid('one', async () => image(100));
    await cache.pyramid('two', async () => image(100));
    await one.pixels(0); // builds levels 6..0 of 'one': 50², 25², 13², 7², 4², 2², 1²
    expect(cache.stats().bytes).toBe(2 * (100 * 100 + 256 * 4) + 2500 + 625 + 169 + 49 + 16 + 4 + 1); // samples and histograms, and the levels
    await cache.pyramid('one', async () => image(100)); // a tile request: 'one' is now the most recently used
    await cache.pyramid('three', async () => image(100));
    const stats = cache.stats();
    expect(stats.bytes).toBeLessThanOrEqual(stats.maxBytes);
    expect(stats.evictions).toBe(1);
    expect(cache.peek('two')).toBeUndefined();
    expect(cache.peek('one')).toBe(one);
  });

  it('remembers an unreadable image, but not other failures', async () => {
    const cache = new ImageCache();
    let loads = 0;
    const bad = async (): Promise<DisplayImage> => {
      loads++;
      throw new ChittiError('IMAGE_UNREADABLE', 'truncated');
    };
    await expect(cache.pyramid('bad', bad)).rejects.toThrow('truncated');
    await expect(cache.pyramid('bad', bad)).rejects.toThrow('truncated');
    expect(loads).toBe(1);
    let flaky = 0;
    const io = async (): Promise<DisplayImage> => {
      if (flaky++ === 0) throw new Error('EIO');
      return image(8);
    };
    await expect(cache.pyramid('io', io)).rejects.toThrow('EIO');
    expect((await cache.pyramid('io', io)).image.width).toBe(8);
  });
});

describe('display size cap', () => {
  it('refuses to decode an original over the display limit, without reading it', async () => {
    const { MediaService, MAX_DISPLAY_BYTES } = await import('../../src/core/media/media-service.ts');
    let reads = 0;
    const media = new MediaService({ read: () => { reads++; return Promise.resolve(Buffer.alloc(0)); } });
    const huge = { id: 'ast_00000000000000000000', kind: 'image' as const, mime: 'image/tiff', sha256: 'a'.repeat(64), size: MAX_DISPLAY_BYTES + 1 };
    await expect(media.imageInfo(huge)).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: expect.stringMatching(/over the 1024 MB that can be shown/) });
    await expect(media.thumbnail(huge, 128)).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE' });
    expect(reads).toBe(0);
  });
});
