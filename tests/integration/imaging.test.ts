/**
 * Imaging tools on real parts: a real encrypted workspace, real imports of a
 * generated 16-bit radiograph and of the shared DICOM samples (some broken
 * on purpose), real sharp and dicom-parser. Pixels are checked against
 * oracles computed here from the originals (sharp's own decode of the TIFF,
 * the DICOM's raw int16 words), never against the code under test.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import dicomParser from 'dicom-parser';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import type { ErrorCode, ResourceBody } from '../../src/shared/contract/index.ts';
import { dicomFile } from '../helpers/dicom.ts';
import { DETECTOR_ID, testModelsDir } from '../helpers/models.ts';
import { radiographTiff } from '../helpers/radiograph.ts';
import { ok, openTestCore, SHARED_DATA, taskFinished, tempDir } from '../helpers/workspace.ts';

const DICOM = path.join(SHARED_DATA, 'hostile/dicom');
const SAMPLES = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm', 'MR_small_RLE.dcm', 'MR_truncated.dcm', 'SC_rgb_rle_16bit.dcm', 'badVR.dcm', 'minimal-corkami.dcm'];
const W = 1500;
const H = 700;

describe('imaging tools', () => {
  let src: { dir: string; cleanup: () => Promise<void> };
  let ws: { dir: string; cleanup: () => Promise<void> };
  let core: Core;
  let jobId: string;
  const ids = new Map<string, string>();
  const id = (name: string) => ids.get(name) ?? (() => { throw new Error(`${name} was not imported`); })();
  /** The radiograph's samples as sharp decodes the TIFF: the oracle. */
  let raw: Uint16Array;
  const at = (x: number, y: number) => raw[y * W + x]!;

  async function tile(name: string, params: Record<string, unknown>): Promise<ResourceBody> {
    const r = await core.fetchResource('asset.tile', { assetId: id(name), ...params });
    if (!r.ok) throw new Error(`asset.tile failed: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }
  async function grey(body: Uint8Array) {
    expect((await sharp(body).metadata()).channels).toBe(1);
    // Read back as grey (sharp's raw output would otherwise be sRGB).
    const { data, info } = await sharp(body).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  }
  async function failure(call: Promise<{ ok: boolean; error?: { code: ErrorCode; message: string } }>) {
    const r = await call;
    if (r.ok || !r.error) throw new Error('expected a failure');
    return r.error;
  }
  /** What a window must give for a value: linear, clamped, rounded, as the ADR defines it. */
  const level = (v: number, low: number, high: number, invert = false) => {
    const l = v <= low ? 0 : v >= high ? 255 : Math.round(((v - low) * 255) / (high - low));
    return invert ? 255 - l : l;
  };

  beforeAll(async () => {
    src = await tempDir('chitti-imaging-src-');
    ws = await tempDir('chitti-imaging-ws-');
    const folder = path.join(src.dir, 'job');
    await mkdir(folder);
    const tiff = await radiographTiff(W, H, [{ x: 300, y: 300, r: 40 }]);
    await writeFile(path.join(folder, 'radiograph.tif'), tiff);
    raw = new Uint16Array(new Uint8Array(await sharp(tiff).toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer()).buffer);
    expect(raw.length).toBe(W * H);
    for (const name of SAMPLES) await copyFile(path.join(DICOM, name), path.join(folder, name));
    // A DICONDE-style film scan: MONOCHROME1, 12 bits, imager spacing only.
    await writeFile(path.join(folder, 'mono1.dcm'), dicomFile({
      rows: 2, columns: 3, bitsStored: 12, photometric: 'MONOCHROME1', samples: [0, 1000, 2000, 3000, 4000, 4095], imagerPixelSpacing: [0.05, 0.05],
    }));
    await writeFile(path.join(folder, 'notes.txt'), 'not an image');

    core = await openTestCore(ws.dir, { concurrency: 2, modelDirs: [{ dir: testModelsDir(), origin: 'built-in' }], inference: { poolSize: 1 } });
    jobId = (await ok(core, 'jobs.create', { name: 'Weld RT, line 9' })).id;
    const task = await ok(core, 'assets.import', { jobId, paths: [folder] });
    await taskFinished(core, task.id);
    for (const a of (await ok(core, 'assets.list', { jobId })).assets) ids.set(a.originalName, a.id);
  }, 120_000);

  afterAll(async () => {
    await core?.close();
    await src?.cleanup();
    await ws?.cleanup();
  });

  describe('window/level on a 16-bit radiograph', () => {
    it('maps every pixel of a tile through the window asked for, and inverts', async () => {
      const info = await ok(core, 'assets.imageInfo', { assetId: id('radiograph.tif') });
      const top = info.levels - 1;
      const [low, high] = [11_000, 13_000];
      const plain = await grey((await tile('radiograph.tif', { level: top, x: 0, y: 0, low, high })).body);
      const inverted = await grey((await tile('radiograph.tif', { level: top, x: 0, y: 0, low, high, invert: true })).body);
      expect([plain.width, plain.height]).toEqual([512, 512]);
      let mismatches = 0;
      for (let y = 0; y < 512; y++) {
        for (let x = 0; x < 512; x++) {
          const v = at(x, y);
          if (plain.data[y * 512 + x] !== level(v, low, high) || inverted.data[y * 512 + x] !== level(v, low, high, true)) mismatches++;
        }
      }
      expect(mismatches).toBe(0);
    });

    it('shows the automatic window without parameters, the same as asking for it', async () => {
      const info = await ok(core, 'assets.imageInfo', { assetId: id('radiograph.tif') });
      const { low, high } = info.displayWindow!;
      expect(info.defaultInvert).toBe(false);
      const top = info.levels - 1;
      const byDefault = await grey((await tile('radiograph.tif', { level: top, x: 2, y: 1 })).body);
      const asked = await grey((await tile('radiograph.tif', { level: top, x: 2, y: 1, low, high })).body);
      expect(Buffer.compare(byDefault.data, asked.data)).toBe(0);
      // The edge tile (1500 − 1024 = 476 wide, 700 − 512 = 188 high) maps its own pixels.
      expect([byDefault.width, byDefault.height]).toEqual([476, 188]);
      expect(byDefault.data[0]).toBe(level(at(1024, 512), low, high));
    });

    it('takes the parameters as a URL query gives them (strings), and refuses bad ones', async () => {
      const info = await ok(core, 'assets.imageInfo', { assetId: id('radiograph.tif') });
      const query = { assetId: id('radiograph.tif'), level: String(info.levels - 1), x: '0', y: '0', low: '11000', high: '13000', invert: 'true' };
      const fromQuery = await core.fetchResource('asset.tile', query);
      const fromNumbers = await tile('radiograph.tif', { level: info.levels - 1, x: 0, y: 0, low: 11_000, high: 13_000, invert: true });
      expect(fromQuery.ok && Buffer.compare(Buffer.from(fromQuery.result.body), Buffer.from(fromNumbers.body))).toBe(0);
      const bad = (extra: Record<string, string>) => failure(core.fetchResource('asset.tile', { assetId: id('radiograph.tif'), level: '0', x: '0', y: '0', ...extra }));
      expect(await bad({ low: '100' })).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/both low and high/) });
      expect(await bad({ low: '100', high: '100' })).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/high must be above low/) });
      expect(await bad({ low: 'abc', high: '100' })).toMatchObject({ code: 'INVALID_INPUT' });
      expect(await bad({ invert: 'maybe' })).toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('windows the lower levels too (the whole image at once)', async () => {
      const info = await ok(core, 'assets.imageInfo', { assetId: id('radiograph.tif') });
      const level9 = info.levels - 3; // 375×175, one tile
      const dark = await grey((await tile('radiograph.tif', { level: level9, x: 0, y: 0, low: 0, high: 65535 })).body);
      const auto = await grey((await tile('radiograph.tif', { level: level9, x: 0, y: 0 })).body);
      const mean = (d: Buffer) => d.reduce((s, v) => s + v, 0) / d.length;
      // 10000..15000 of 65535 is dark through the full range, mid-grey through the automatic window.
      expect(mean(dark.data)).toBeLessThan(60);
      expect(mean(auto.data)).toBeGreaterThan(80);
    });

    it('describes its histogram, with presets from it', async () => {
      const h = await ok(core, 'assets.histogram', { assetId: id('radiograph.tif'), bins: 128 });
      const info = await ok(core, 'assets.imageInfo', { assetId: id('radiograph.tif') });
      let min = Infinity;
      let max = -Infinity;
      for (const v of raw) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      expect(h).toMatchObject({ bitsPerSample: 16, min, max, total: W * H, defaultInvert: false, defaultWindow: info.displayWindow });
      expect(h.counts.length).toBe(128);
      expect(h.counts.reduce((s, c) => s + c, 0)).toBe(W * H);
      expect(h.binWidth).toBeCloseTo((max - min + 1) / 128, 9);
      // The indication (42000) is the top bin; nothing between the background and it.
      const disc = raw.filter((v) => v === 42_000).length;
      expect(h.counts[127]).toBe(disc);
      const presets = Object.fromEntries(h.presets.map((p) => [p.id, p]));
      expect(Object.keys(presets)).toEqual(['auto', 'full', 'lower', 'upper', 'middle']);
      expect(presets.auto).toMatchObject(info.displayWindow!);
      expect(presets.full).toMatchObject({ low: min, high: max, label: 'Full range' });
    });
  });

  describe('line profiles', () => {
    it('read the original samples along a row (nearest and bilinear at pixel centres)', async () => {
      const y = 300; // through the indication
      const line = { assetId: id('radiograph.tif'), from: [0.5, y + 0.5], to: [W - 0.5, y + 0.5] };
      const row = Array.from({ length: W }, (_, x) => at(x, y));
      const nearest = await ok(core, 'assets.profile', { ...line, samples: W, interpolation: 'nearest' });
      expect(nearest.values).toEqual([row]);
      expect(nearest.length).toBe(W - 1);
      expect(nearest.distances[W - 1]).toBe(W - 1);
      // The default: bilinear, one sample per pixel of length: at the centres, exactly the samples.
      const bilinear = await ok(core, 'assets.profile', line);
      expect(bilinear.interpolation).toBe('bilinear');
      expect(bilinear.values[0]!.map((v) => Math.round(v * 1e6) / 1e6)).toEqual(row);
      expect(Math.max(...row)).toBe(42_000);
    });

    it('interpolate between samples off the centres', async () => {
      const p = await ok(core, 'assets.profile', { assetId: id('radiograph.tif'), from: [1000, 100.5], to: [1001, 100.5], samples: 2 });
      // x = 1000 lies half-way between the centres of pixels 999 and 1000.
      expect(p.values[0]![0]).toBeCloseTo((at(999, 100) + at(1000, 100)) / 2, 9);
      expect(p.values[0]![1]).toBeCloseTo((at(1000, 100) + at(1001, 100)) / 2, 9);
    });

    it('refuse lines leaving the image, and too many samples', async () => {
      const assetId = id('radiograph.tif');
      expect(await failure(core.dispatch('assets.profile', { assetId, from: [0, 0], to: [W + 1, 10] })))
        .toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/outside the image, which spans 0–1500 × 0–700/) });
      expect(await failure(core.dispatch('assets.profile', { assetId, from: [0, 0], to: [10, 10], samples: 5000 }))).toMatchObject({ code: 'INVALID_INPUT' });
      expect(await failure(core.dispatch('assets.profile', { assetId: id('notes.txt'), from: [0, 0], to: [1, 1] }))).toMatchObject({ code: 'NOT_AN_IMAGE' });
    });
  });

  describe('DICOM', () => {
    /** CT_small's stored words (signed 16-bit, little endian), read here without the media code. */
    async function ctStored(): Promise<Int16Array> {
      const bytes = await readFile(path.join(DICOM, 'CT_small.dcm'));
      const el = dicomParser.parseDicom(new Uint8Array(bytes)).elements.x7fe00010!;
      return Int16Array.from({ length: 128 * 128 }, (_, i) => bytes.readInt16LE(el.dataOffset + 2 * i));
    }

    it('shows CT_small with its pixel spacing, its values in HU (rescale −1024)', async () => {
      const info = await ok(core, 'assets.imageInfo', { assetId: id('CT_small.dcm') });
      const spacing = { x: 0.661468, y: 0.661468, source: 'dicom-pixel-spacing' };
      expect(info).toMatchObject({ width: 128, height: 128, channels: 1, bitsPerSample: 16, defaultInvert: false, pixelSpacing: spacing, filePixelSpacing: spacing });
      const stored = await ctStored();
      const hu = (x: number, y: number) => stored[y * 128 + x]! - 1024;
      const p = await ok(core, 'assets.profile', { assetId: id('CT_small.dcm'), from: [0.5, 64.5], to: [127.5, 64.5], samples: 128, interpolation: 'nearest' });
      expect(p.values[0]).toEqual(Array.from({ length: 128 }, (_, x) => hu(x, 64)));
      // A window in HU maps those values.
      const t = await grey((await tile('CT_small.dcm', { level: info.levels - 1, x: 0, y: 0, low: -100, high: 300 })).body);
      let mismatches = 0;
      for (let i = 0; i < 128 * 128; i++) if (t.data[i] !== level(hu(i % 128, Math.floor(i / 128)), -100, 300)) mismatches++;
      expect(mismatches).toBe(0);
      const h = await ok(core, 'assets.histogram', { assetId: id('CT_small.dcm') });
      expect(h.min).toBe(Math.min(...stored) - 1024);
      expect(h.max).toBe(Math.max(...stored) - 1024);
    });

    it('offers the file’s own window as a preset (MR_small: centre 600, width 1600)', async () => {
      const h = await ok(core, 'assets.histogram', { assetId: id('MR_small.dcm') });
      expect(h.presets.find((p) => p.id === 'file')).toMatchObject({ low: -200, high: 1399 });
      expect((await tile('MR_small.dcm', { level: 6, x: 0, y: 0, low: -200, high: 1399 })).mime).toBe('image/png');
    });

    it('shows MONOCHROME1 inverted by default, and takes ImagerPixelSpacing', async () => {
      const info = await ok(core, 'assets.imageInfo', { assetId: id('mono1.dcm') });
      expect(info).toMatchObject({ width: 3, height: 2, defaultInvert: true, pixelSpacing: { x: 0.05, y: 0.05, source: 'dicom-imager-pixel-spacing' } });
      const t = await grey((await tile('mono1.dcm', { level: info.levels - 1, x: 0, y: 0, low: 0, high: 4095 })).body);
      expect([...t.data]).toEqual([0, 1000, 2000, 3000, 4000, 4095].map((v) => level(v, 0, 4095, true)));
      const plain = await grey((await tile('mono1.dcm', { level: info.levels - 1, x: 0, y: 0, low: 0, high: 4095, invert: false })).body);
      expect(plain.data[0]).toBe(0);
    });

    it('shows 8-bit RGB DICOM in colour', async () => {
      expect(await ok(core, 'assets.imageInfo', { assetId: id('minimal-corkami.dcm') })).toMatchObject({ width: 21, height: 7, channels: 3, bitsPerSample: 8, displayWindow: null });
      expect((await tile('minimal-corkami.dcm', { level: 5, x: 0, y: 0 })).mime).toBe('image/jpeg');
    });

    it.each([
      ['JPEG2000.dcm', /compressed with JPEG 2000 \(transfer syntax 1\.2\.840\.10008\.1\.2\.4\.91\)/],
      ['MR_small_RLE.dcm', /compressed with RLE Lossless \(transfer syntax 1\.2\.840\.10008\.1\.2\.5\)/],
      ['SC_rgb_rle_16bit.dcm', /compressed with RLE Lossless/],
      ['MR_truncated.dcm', /truncated or corrupt/],
      ['badVR.dcm', /32-bit samples/],
    ])('%s: IMAGE_UNREADABLE, saying why, from every door', async (name, why) => {
      const assetId = id(name);
      const calls = [
        core.dispatch('assets.imageInfo', { assetId }),
        core.dispatch('assets.histogram', { assetId }),
        core.dispatch('assets.profile', { assetId, from: [0, 0], to: [1, 1] }),
        core.fetchResource('asset.tile', { assetId, level: 0, x: 0, y: 0 }),
        core.fetchResource('asset.thumbnail', { assetId, size: 128 }),
      ];
      for (const call of calls) {
        const e = await failure(call);
        expect(e.code).toBe('IMAGE_UNREADABLE');
        expect(e.message).toMatch(why);
        expect(e.message).not.toMatch(/\n/);
      }
    });

    it('is detection input like any other image', async () => {
      const task = await ok(core, 'detect.start', { jobId, modelId: DETECTOR_ID, assetIds: [id('CT_small.dcm'), id('mono1.dcm'), id('JPEG2000.dcm')] });
      expect((await taskFinished(core, task.id)).status).toBe('done');
      const { analyses } = await ok(core, 'analyses.list', { taskId: task.id });
      const byAsset = new Map(analyses.map((a) => [a.assetId, a]));
      expect(byAsset.get(id('CT_small.dcm'))).toMatchObject({ status: 'done', width: 128, height: 128 });
      expect(byAsset.get(id('mono1.dcm'))).toMatchObject({ status: 'done', width: 3, height: 2 });
      expect(byAsset.get(id('JPEG2000.dcm'))).toMatchObject({ status: 'failed', errorCode: 'IMAGE_UNREADABLE', message: expect.stringMatching(/JPEG 2000/) });
    });
  });

  describe('measurement calibration', () => {
    const spacingOf = async (name: string) => (await ok(core, 'assets.imageInfo', { assetId: id(name) })).pixelSpacing;

    it('a job calibration applies to its images, an image’s own wins, and removing it goes back', async () => {
      expect(await spacingOf('radiograph.tif')).toBeNull();
      const set = await ok(core, 'pixelSpacing.set', { jobId, mmPerPixel: 0.1, reference: { pixels: 500, mm: 50 } });
      expect(set).toEqual({ jobId, assetId: null, mmPerPixel: 0.1, previous: null });
      expect(await spacingOf('radiograph.tif')).toEqual({ x: 0.1, y: 0.1, source: 'job-calibration' });
      // A calibration wins over the file's spacing, which stays visible.
      const ct = await ok(core, 'assets.imageInfo', { assetId: id('CT_small.dcm') });
      expect(ct.pixelSpacing).toEqual({ x: 0.1, y: 0.1, source: 'job-calibration' });
      expect(ct.filePixelSpacing).toMatchObject({ source: 'dicom-pixel-spacing' });

      await ok(core, 'pixelSpacing.set', { assetId: id('radiograph.tif'), mmPerPixel: 0.025 });
      expect(await spacingOf('radiograph.tif')).toEqual({ x: 0.025, y: 0.025, source: 'image-calibration' });
      expect(await spacingOf('MR_small.dcm')).toEqual({ x: 0.1, y: 0.1, source: 'job-calibration' });

      expect(await ok(core, 'pixelSpacing.set', { jobId, mmPerPixel: null })).toMatchObject({ mmPerPixel: null, previous: 0.1 });
      expect(await spacingOf('CT_small.dcm')).toEqual({ x: 0.661468, y: 0.661468, source: 'dicom-pixel-spacing' });
      expect(await spacingOf('radiograph.tif')).toMatchObject({ source: 'image-calibration' });
      await ok(core, 'pixelSpacing.set', { assetId: id('radiograph.tif'), mmPerPixel: null });
      expect(await spacingOf('radiograph.tif')).toBeNull();
    });

    it('is audited with the value before and after, so each change can be undone', async () => {
      const assetId = id('MR_small.dcm');
      await ok(core, 'pixelSpacing.set', { assetId, mmPerPixel: 0.2 });
      await ok(core, 'pixelSpacing.set', { assetId, mmPerPixel: 0.3, reference: { pixels: 100, mm: 30 } });
      await ok(core, 'pixelSpacing.set', { assetId, mmPerPixel: 0.3 }); // no change: not audited
      const entries = (await ok(core, 'audit.list', { entityId: assetId })).entries.filter((e) => e.action.startsWith('pixel-spacing.'));
      expect(entries.map((e) => [e.action, e.data])).toEqual([
        ['pixel-spacing.set', { before: 0.2, after: 0.3, jobId, reference: { pixels: 100, mm: 30 } }],
        ['pixel-spacing.set', { before: null, after: 0.2, jobId }],
      ]);
      // Undo: put back the value before.
      const undone = await ok(core, 'pixelSpacing.set', { assetId, mmPerPixel: entries[0]!.data && (entries[0]!.data as { before: number }).before });
      expect(undone).toMatchObject({ mmPerPixel: 0.2, previous: 0.3 });
      await ok(core, 'pixelSpacing.set', { assetId, mmPerPixel: null });
      expect((await ok(core, 'audit.list', { entityId: assetId })).entries[0]).toMatchObject({ action: 'pixel-spacing.removed', data: { before: 0.2, after: null } });
      expect(await spacingOf('MR_small.dcm')).toMatchObject({ source: 'dicom-pixel-spacing' });
      const jobEntries = (await ok(core, 'audit.list', { entityId: jobId })).entries.filter((e) => e.action.startsWith('pixel-spacing.'));
      expect(jobEntries.map((e) => e.action)).toEqual(['pixel-spacing.removed', 'pixel-spacing.set']);
      expect((await ok(core, 'audit.verify', {})).ok).toBe(true);
    });

    it('refuses a bad calibration, changing nothing', async () => {
      const bad = (input: Record<string, unknown>) => failure(core.dispatch('pixelSpacing.set', input));
      expect(await bad({ jobId, assetId: id('radiograph.tif'), mmPerPixel: 0.1 })).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/either jobId or assetId/) });
      expect(await bad({ mmPerPixel: 0.1 })).toMatchObject({ code: 'INVALID_INPUT' });
      expect(await bad({ jobId, mmPerPixel: 0 })).toMatchObject({ code: 'INVALID_INPUT' });
      expect(await bad({ jobId, mmPerPixel: -2 })).toMatchObject({ code: 'INVALID_INPUT' });
      expect(await bad({ assetId: id('notes.txt'), mmPerPixel: 0.1 })).toMatchObject({ code: 'NOT_AN_IMAGE' });
      expect(await bad({ jobId: 'job_00000000000000000000', mmPerPixel: 0.1 })).toMatchObject({ code: 'NOT_FOUND' });
      expect(await spacingOf('radiograph.tif')).toBeNull();
    });
  });
});
