/**
 * Image display on real parts: a real encrypted workspace, real imports of
 * real files (NEU-DET, the hostile samples, a generated 8000x2000 16-bit
 * radiograph), real sharp. Covers ImageInfo, the tile pyramid, thumbnails,
 * every refusal, the decode-once cache, and one round trip over HTTP.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import { ImageCache } from '../../src/core/index.ts';
import { startHttpServer } from '../../src/headless/http-server.ts';
import type { Asset, ErrorCode, ResourceBody } from '../../src/shared/contract/index.ts';
import { BACKGROUND, INDICATIONS, radiographTiff } from '../helpers/radiograph.ts';
import { ok, openTestCore, SHARED_DATA, tempDir, taskFinished } from '../helpers/workspace.ts';

const HOSTILE = path.join(SHARED_DATA, 'hostile');
const SOURCES: Record<string, string> = {
  'crazing_100.jpg': path.join(SHARED_DATA, 'neu-det/images/crazing_100.jpg'),
  'hopper_16bit.pgm': path.join(HOSTILE, 'image/hopper_16bit.pgm'),
  'png-bomb.png': path.join(HOSTILE, 'image/png-bomb-20000x20000.png'),
  'truncated_image.png': path.join(HOSTILE, 'image/truncated_image.png'),
  'truncated_jpeg.jpg': path.join(HOSTILE, 'image/truncated_jpeg.jpg'),
  'tiff_16bit_RGB.tiff': path.join(HOSTILE, 'image/tiff_16bit_RGB.tiff'),
  '16bit.cropped.tif': path.join(HOSTILE, 'image/16bit.cropped.tif'),
  'CT_small.dcm': path.join(HOSTILE, 'dicom/CT_small.dcm'),
  'report.pdf': path.join(SHARED_DATA, 'reports/bridge-element-inspection-synthetic.pdf'),
};
const MISSING_ASSET = 'ast_00000000000000000000';

describe('image display', () => {
  let src: { dir: string; cleanup: () => Promise<void> };
  let ws: { dir: string; cleanup: () => Promise<void> };
  let core: Core;
  const cache = new ImageCache();
  const assets = new Map<string, Asset>();
  const asset = (name: string) => {
    const a = assets.get(name);
    if (!a) throw new Error(`${name} was not imported; have ${[...assets.keys()].join(', ')}`);
    return a;
  };

  async function resource(name: string, params: unknown): Promise<ResourceBody> {
    const r = await core.fetchResource(name, params);
    if (!r.ok) throw new Error(`${name} failed: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }
  const tile = (name: string, level: number, x: number, y: number) => resource('asset.tile', { assetId: asset(name).id, level, x, y });
  const thumbnail = (name: string, size: number) => resource('asset.thumbnail', { assetId: asset(name).id, size });
  const info = (name: string) => ok(core, 'assets.imageInfo', { assetId: asset(name).id });

  /** The error of a call that must fail: from a procedure or a resource. */
  async function failure(call: Promise<{ ok: boolean; error?: { code: ErrorCode; message: string } }>) {
    const r = await call;
    if (r.ok || !r.error) throw new Error('expected a failure');
    return r.error;
  }

  /** Decoded 8-bit pixels of an encoded tile, with its format. */
  async function pixelsOf(body: Uint8Array) {
    const meta = await sharp(body).metadata();
    const { data, info: raw } = await sharp(body).raw().toBuffer({ resolveWithObject: true });
    return { meta, data, width: raw.width, channels: raw.channels, at: (x: number, y: number) => data[(y * raw.width + x) * raw.channels]! };
  }
  const mean = (data: Buffer) => data.reduce((s, v) => s + v, 0) / data.length;

  beforeAll(async () => {
    src = await tempDir('chitti-media-src-');
    ws = await tempDir('chitti-media-ws-');
    const folder = path.join(src.dir, 'job');
    await mkdir(folder);
    for (const [name, from] of Object.entries(SOURCES)) await copyFile(from, path.join(folder, name));
    await writeFile(path.join(folder, 'radiograph.tif'), await radiographTiff());

    core = await openTestCore(ws.dir, { concurrency: 2, imageCache: cache });
    const jobId = (await ok(core, 'jobs.create', { name: 'Weld RT, line 7' })).id;
    const task = await ok(core, 'assets.import', { jobId, paths: [folder] });
    await taskFinished(core, task.id);
    for (const a of (await ok(core, 'assets.list', { jobId })).assets) assets.set(a.originalName, a);
  }, 120_000);

  afterAll(async () => {
    await core?.close();
    await src?.cleanup();
    await ws?.cleanup();
  });

  it('imported every sample as an asset', () => {
    expect([...assets.keys()].sort()).toEqual([...Object.keys(SOURCES), 'radiograph.tif'].sort());
    expect(asset('report.pdf').kind).toBe('document');
  });

  it('assets.get returns one asset, NOT_FOUND for an unknown id', async () => {
    const a = asset('radiograph.tif');
    expect(await ok(core, 'assets.get', { assetId: a.id })).toEqual(a);
    expect(await failure(core.dispatch('assets.get', { assetId: MISSING_ASSET }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  describe('a 16-bit 8000x2000 radiograph', () => {
    it('is described by imageInfo, with the window chosen from its histogram', async () => {
      const i = await info('radiograph.tif');
      expect(i).toMatchObject({ assetId: asset('radiograph.tif').id, width: 8000, height: 2000, channels: 1, bitsPerSample: 16, tileSize: 512 });
      // ceil(log2(8000)) + 1: 8000 → 4000 → … → 2 → 1 is 13 halvings.
      expect(i.levels).toBe(14);
      // 0.5th..99.5th percentile of the background (10000..14599); the 0.2 % of indication pixels do not stretch it.
      expect(i.displayWindow).not.toBeNull();
      const { low, high } = i.displayWindow!;
      expect(low).toBeGreaterThanOrEqual(BACKGROUND.low);
      expect(low).toBeLessThan(BACKGROUND.low + 400);
      expect(high).toBeGreaterThan(BACKGROUND.high - 400);
      expect(high).toBeLessThanOrEqual(BACKGROUND.high);
    });

    it('serves the bottom-right full-resolution tile at its edge size, as grey PNG', async () => {
      const t = await tile('radiograph.tif', 13, 15, 3);
      expect(t.mime).toBe('image/png');
      const meta = await sharp(t.body).metadata();
      expect(meta).toMatchObject({ format: 'png', width: 8000 - 15 * 512, height: 2000 - 3 * 512, channels: 1, depth: 'uchar' });
      expect([meta.width, meta.height]).toEqual([320, 464]);
    });

    it('maps for real: a tile over an indication is brighter than one over background', async () => {
      const spot = INDICATIONS[0]!; // (768, 768), r 80: inside full-resolution tile (1, 1)
      const over = await pixelsOf((await tile('radiograph.tif', 13, 1, 1)).body);
      const background = await pixelsOf((await tile('radiograph.tif', 13, 1, 3)).body); // same columns, no indication
      expect(over.at(spot.x - 512, spot.y - 512)).toBe(255); // above the window: white
      expect(background.at(spot.x - 512, 400)).toBeLessThan(128); // the same column, 2000 px lower (the tile is 464 high)
      expect(mean(over.data)).toBeGreaterThan(mean(background.data) + 10);
      // The background uses the window: neither black nor white, and brighter where the exposure is (to the right).
      const bg = mean(background.data);
      expect(bg).toBeGreaterThan(20);
      expect(bg).toBeLessThan(235);
      const right = await pixelsOf((await tile('radiograph.tif', 13, 14, 2)).body);
      expect(mean(right.data)).toBeGreaterThan(bg + 40);
    });

    it('serves a low level as the whole image, downscaled, with the indication still there', async () => {
      // Level 9 is 8000/16 × 2000/16 = 500×125: one tile.
      const whole = await pixelsOf((await tile('radiograph.tif', 9, 0, 0)).body);
      expect([whole.meta.width, whole.meta.height, whole.meta.format]).toEqual([500, 125, 'png']);
      const spot = INDICATIONS[0]!;
      expect(whole.at(Math.round(spot.x / 16), Math.round(spot.y / 16))).toBeGreaterThan(240);
      expect(whole.at(Math.round(spot.x / 16) + 20, Math.round(spot.y / 16))).toBeLessThan(200);
      // Level 0 is one pixel; level 10 (1000×250) has two tiles across.
      expect(await sharp((await tile('radiograph.tif', 0, 0, 0)).body).metadata()).toMatchObject({ width: 1, height: 1 });
      expect(await sharp((await tile('radiograph.tif', 10, 1, 0)).body).metadata()).toMatchObject({ width: 1000 - 512, height: 250 });
    });

    it('refuses tiles outside the pyramid with NOT_FOUND and a clear message', async () => {
      const id = asset('radiograph.tif').id;
      const past = await failure(core.fetchResource('asset.tile', { assetId: id, level: 9, x: 1, y: 0 }));
      expect(past).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/1×1 tiles/) });
      const deep = await failure(core.fetchResource('asset.tile', { assetId: id, level: 14, x: 0, y: 0 }));
      expect(deep).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/levels 0 to 13/) });
    });

    it('makes a JPEG thumbnail that keeps the aspect ratio', async () => {
      const t = await thumbnail('radiograph.tif', 256);
      expect(t.mime).toBe('image/jpeg');
      expect(await sharp(t.body).metadata()).toMatchObject({ format: 'jpeg', width: 256, height: 64 });
    });
  });

  describe('a NEU-DET photograph (8-bit JPEG)', () => {
    it('has a thumbnail no larger than asked, and never enlarged', async () => {
      const small = await thumbnail('crazing_100.jpg', 128);
      expect(small.mime).toBe('image/jpeg');
      expect(await sharp(small.body).metadata()).toMatchObject({ format: 'jpeg', width: 128, height: 128 });
      expect(await sharp((await thumbnail('crazing_100.jpg', 512)).body).metadata()).toMatchObject({ width: 200, height: 200 });
    });

    it('is described as 8-bit with no display window, and grey (its RGB channels are equal)', async () => {
      expect(await info('crazing_100.jpg')).toMatchObject({ width: 200, height: 200, bitsPerSample: 8, channels: 1, levels: 9, displayWindow: null });
      const t = await tile('crazing_100.jpg', 8, 0, 0);
      expect(t.mime).toBe('image/png');
      expect(await sharp(t.body).metadata()).toMatchObject({ width: 200, height: 200 });
    });
  });

  it('keeps a 16-bit PGM at 16 bits (read without sharp, which has no PGM loader)', async () => {
    const i = await info('hopper_16bit.pgm');
    expect(i).toMatchObject({ width: 128, height: 128, channels: 1, bitsPerSample: 16, levels: 8 });
    expect(i.displayWindow).not.toBeNull();
    expect(i.displayWindow!.high).toBeGreaterThan(i.displayWindow!.low);
    const t = await pixelsOf((await tile('hopper_16bit.pgm', 7, 0, 0)).body);
    expect([t.meta.width, t.meta.height]).toEqual([128, 128]);
    expect(mean(t.data)).toBeGreaterThan(20); // a real picture, not a black field
    expect(mean(t.data)).toBeLessThan(235);
    expect((await thumbnail('hopper_16bit.pgm', 128)).mime).toBe('image/jpeg');
  });

  it('keeps a 16-bit RGB TIFF in colour, with JPEG tiles', async () => {
    expect(await info('tiff_16bit_RGB.tiff')).toMatchObject({ width: 100, height: 40, channels: 3, bitsPerSample: 16 });
    const t = await tile('tiff_16bit_RGB.tiff', 7, 0, 0);
    expect(t.mime).toBe('image/jpeg');
    expect(await sharp(t.body).metadata()).toMatchObject({ format: 'jpeg', width: 100, height: 40, channels: 3 });
  });

  it('decodes an image once, however often and however concurrently it is asked for', async () => {
    const before = cache.stats();
    await Promise.all([info('16bit.cropped.tif'), info('16bit.cropped.tif'), tile('16bit.cropped.tif', 6, 0, 0)]);
    await info('16bit.cropped.tif');
    await tile('16bit.cropped.tif', 0, 0, 0);
    const after = cache.stats();
    expect(after.decodes - before.decodes).toBe(1);
    expect(after.hits - before.hits).toBe(4);
    expect(after.bytes).toBeGreaterThan(0);
    expect(after.bytes).toBeLessThanOrEqual(after.maxBytes);
    // Thumbnails are kept too: the second ask is a hit.
    await thumbnail('16bit.cropped.tif', 128);
    await thumbnail('16bit.cropped.tif', 128);
    expect(cache.stats().thumbnails.made - after.thumbnails.made).toBe(1);
    expect(cache.stats().decodes).toBe(after.decodes);
  });

  describe('refusals', () => {
    const calls = (assetId: string) => [
      core.dispatch('assets.imageInfo', { assetId }),
      core.fetchResource('asset.tile', { assetId, level: 0, x: 0, y: 0 }),
      core.fetchResource('asset.thumbnail', { assetId, size: 128 }),
    ];

    it('a decompression bomb: IMAGE_TOO_LARGE naming its size, before any pixel is decoded', async () => {
      for (const call of calls(asset('png-bomb.png').id)) {
        const e = await failure(call);
        expect(e.code).toBe('IMAGE_TOO_LARGE');
        expect(e.message).toMatch(/20000×20000 pixels \(400 megapixels\), over the 300 megapixels/);
      }
    });

    it.each(['truncated_image.png', 'truncated_jpeg.jpg'])('%s: IMAGE_UNREADABLE, truncated or corrupt', async (name) => {
      for (const call of calls(asset(name).id)) {
        const e = await failure(call);
        expect(e.code).toBe('IMAGE_UNREADABLE');
        expect(e.message).toMatch(/truncated or corrupt/);
        expect(e.message).not.toMatch(/\n/);
      }
    });

    it('DICOM: shown like any 16-bit image (more in imaging.test.ts)', async () => {
      for (const call of calls(asset('CT_small.dcm').id)) expect((await call).ok).toBe(true);
      expect(await info('CT_small.dcm')).toMatchObject({ width: 128, height: 128, channels: 1, bitsPerSample: 16 });
    });

    it('a PDF: NOT_AN_IMAGE', async () => {
      for (const call of calls(asset('report.pdf').id)) expect(await failure(call)).toMatchObject({ code: 'NOT_AN_IMAGE' });
    });

    it('an unknown asset id: NOT_FOUND', async () => {
      for (const call of calls(MISSING_ASSET)) expect(await failure(call)).toMatchObject({ code: 'NOT_FOUND' });
    });

    it.each([
      ['a level that is not a number', { level: 'abc', x: '0', y: '0' }],
      ['a negative x', { level: '0', x: '-1', y: '0' }],
      ['a level past the contract', { level: '41', x: '0', y: '0' }],
      ['a repeated parameter', { level: ['1', '2'], x: '0', y: '0' }],
      ['an unknown parameter', { level: '0', x: '0', y: '0', path: '/etc/passwd' }],
      ['no asset id', { assetId: undefined, level: '0', x: '0', y: '0' }],
      ['an asset id that is a path', { assetId: '../../chitti.db', level: '0', x: '0', y: '0' }],
    ])('malformed tile params (%s): INVALID_INPUT', async (_what, params) => {
      const e = await failure(core.fetchResource('asset.tile', { assetId: asset('radiograph.tif').id, ...params }));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(/^Invalid input for asset\.tile: /);
    });

    it('a thumbnail size outside 128/256/512: INVALID_INPUT', async () => {
      expect(await failure(core.fetchResource('asset.thumbnail', { assetId: asset('crazing_100.jpg').id, size: '300' }))).toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('an unknown resource name: UNKNOWN_PROCEDURE', async () => {
      for (const name of ['asset.original', 'jobs.list', '__proto__', '']) {
        expect(await failure(core.fetchResource(name, {}))).toMatchObject({ code: 'UNKNOWN_PROCEDURE' });
      }
    });
  });

  it('serves tiles over the loopback HTTP server', async () => {
    const server = await startHttpServer(core);
    try {
      const id = asset('radiograph.tif').id;
      const res = await fetch(`${server.url}/res/asset.tile?assetId=${id}&level=13&x=15&y=3`, { headers: { authorization: `Bearer ${server.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(await sharp(Buffer.from(await res.arrayBuffer())).metadata()).toMatchObject({ width: 320, height: 464 });
      const bad = await fetch(`${server.url}/res/asset.tile?assetId=${asset('report.pdf').id}&level=0&x=0&y=0`, { headers: { authorization: `Bearer ${server.token}` } });
      expect(bad.status).toBe(415);
      expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'NOT_AN_IMAGE' } });
    } finally {
      await server.close();
    }
  });
});
