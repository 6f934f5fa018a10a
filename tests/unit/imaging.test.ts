/**
 * Imaging maths on its own: windows and their lookup tables, presets, the
 * histogram as sent, line profiles, and the DICOM reader on files written
 * here for the cases the shared samples lack (MONOCHROME1, 12-bit signed,
 * big endian, planar RGB, imager spacing).
 */
import { describe, expect, it } from 'vitest';
import { asDisplayed, decodeImage, samples16 } from '../../src/core/media/decode.ts';
import { dicomHeader } from '../../src/core/media/dicom.ts';
import { defaultSampleCount, MAX_SAMPLES, sampleLine } from '../../src/core/media/profile.ts';
import {
  binHistogram, cachedLut, cropMapped, presetsFromHistogram, sampleRange, windowFromCentreWidth, windowLut, windowToSamples, windowToValues,
} from '../../src/core/media/window.ts';
import { dicomFile } from '../helpers/dicom.ts';

const histOf = (samples: number[], size = 65536) => {
  const h = new Uint32Array(size);
  for (const s of samples) h[s]!++;
  return h;
};

describe('window lookup tables', () => {
  it('map a window linearly to 0..255, clamped, and invert on request', () => {
    const w = { low: 1000, high: 2020 };
    const lut = windowLut(w);
    const inv = windowLut(w, true);
    for (const v of [0, 999, 1000, 1255, 1510, 2019, 2020, 65535]) {
      const expected = v <= 1000 ? 0 : v >= 2020 ? 255 : Math.round(((v - 1000) * 255) / 1020);
      expect(lut[v]).toBe(expected);
      expect(inv[v]).toBe(255 - expected);
    }
  });

  it('take fractional ends (a value window converted to samples) and 8-bit sizes', () => {
    const lut = windowLut({ low: 9.5, high: 19.5 }, false, 256);
    expect(lut.length).toBe(256);
    expect([lut[9], lut[10], lut[14], lut[19], lut[20]]).toEqual([0, Math.round(0.5 * 25.5), Math.round(4.5 * 25.5), Math.round(9.5 * 25.5), 255]);
  });

  it('are built once per view and reused (a drag asks for the same one per tile)', () => {
    const view = { window: { low: 100, high: 200 }, invert: false };
    const a = cachedLut(view, 65536);
    expect(cachedLut({ window: { low: 100, high: 200 }, invert: false }, 65536)).toBe(a);
    expect(cachedLut({ ...view, invert: true }, 65536)).not.toBe(a);
    expect(cachedLut(view, 256)).not.toBe(a);
  });

  it('map a tile out of a level in one pass, rows and channels in place', () => {
    // A 4×3 grey level of 16-bit samples; cut the 2×2 at (1, 1).
    const level = Uint16Array.from([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
    const lut = windowLut({ low: 10, high: 22 }, false);
    expect([...cropMapped(level, 4, 1, { left: 1, top: 1, width: 2, height: 2 }, lut)]).toEqual([lut[11], lut[12], lut[21], lut[22]]);
    const rgb = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // 2×2 RGB
    const id = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...cropMapped(rgb, 2, 3, { left: 1, top: 0, width: 1, height: 2 }, id)]).toEqual([4, 5, 6, 10, 11, 12]);
  });
});

describe('values and samples', () => {
  it('convert windows through a rescale both ways', () => {
    const ct = { slope: 1, intercept: -33792 }; // CT: signed samples offset by 32768, intercept -1024
    expect(windowToValues({ low: 32768, high: 34768 }, ct)).toEqual({ low: -1024, high: 976 });
    expect(windowToSamples({ low: -1024, high: 976 }, ct)).toEqual({ low: 32768, high: 34768 });
    const half = { slope: 0.5, intercept: 10 };
    expect(windowToSamples(windowToValues({ low: 4, high: 200 }, half), half)).toEqual({ low: 4, high: 200 });
  });

  it('read the DICOM linear window function from centre and width', () => {
    // PS3.3 C.11.2.1.2: centre 600, width 1600 → black at ≤ −200.5+… i.e. [−200, 1399].
    expect(windowFromCentreWidth(600, 1600)).toEqual({ low: -200, high: 1399 });
    const one = windowFromCentreWidth(100, 1);
    expect(one.high).toBeGreaterThan(one.low);
  });
});

describe('presets and the histogram as sent', () => {
  // 1000 samples spread over 1000..1999, with 5 dead (0) and 5 saturated (4095) pixels.
  const samples = [...Array.from({ length: 1000 }, (_, i) => 1000 + i), ...new Array(5).fill(0), ...new Array(5).fill(4095)];
  const hist = histOf(samples);

  it('come from the image’s own percentiles, the full range, and the file', () => {
    const file = { id: 'file', label: 'File', window: { low: 1200, high: 1300 } };
    const p = Object.fromEntries(presetsFromHistogram(hist, samples.length, 16, file).map((x) => [x.id, x.window]));
    expect(Object.keys(p)).toEqual(['auto', 'full', 'file', 'lower', 'upper', 'middle']);
    expect(p.auto!.low).toBeGreaterThanOrEqual(1000);
    expect(p.auto!.high).toBeLessThanOrEqual(1999);
    expect(p.full).toEqual({ low: 0, high: 4095 });
    expect(p.file).toEqual({ low: 1200, high: 1300 });
    // Lower and upper halves meet at the median (within a sample); the middle is inside both ends.
    expect(Math.abs(p.lower!.high - p.upper!.low)).toBeLessThanOrEqual(1);
    expect(Math.abs(p.lower!.high - 1500)).toBeLessThanOrEqual(6);
    expect(p.middle!.low).toBeGreaterThan(p.lower!.low);
    expect(p.middle!.high).toBeLessThan(p.upper!.high);
  });

  it('give 8-bit images "as stored" too', () => {
    const h8 = histOf([10, 20, 30, 40], 256);
    const ids = presetsFromHistogram(h8, 4, 8).map((x) => x.id);
    expect(ids).toContain('stored');
    expect(presetsFromHistogram(h8, 4, 8).find((x) => x.id === 'stored')!.window).toEqual({ low: 0, high: 255 });
  });

  it('bin between the smallest and largest sample, counting every one', () => {
    expect(sampleRange(hist)).toEqual({ min: 0, max: 4095 });
    const b = binHistogram(hist, 256);
    expect(b).toMatchObject({ min: 0, max: 4095, binWidth: 16 });
    expect(b.counts.length).toBe(256);
    expect(b.counts.reduce((s, c) => s + c, 0)).toBe(samples.length);
    expect(b.counts[0]).toBe(5);
    expect(b.counts[255]).toBe(5);
    // Never narrower than one sample: a 4-value image gets 4 bins.
    expect(binHistogram(histOf([7, 8, 9, 10]), 256)).toEqual({ min: 7, max: 10, binWidth: 1, counts: [1, 1, 1, 1] });
  });
});

describe('line profiles', () => {
  // A 5×3 grey image whose sample at (x, y) is 100·y + x.
  const grid = { width: 5, height: 3, channels: 1, samples: Uint16Array.from({ length: 15 }, (_, i) => 100 * Math.floor(i / 5) + (i % 5)) };

  it('read the nearest pixel’s sample at every point', () => {
    const p = sampleLine(grid, [0.5, 1.5], [4.5, 1.5], 5, 'nearest');
    expect(p.values).toEqual([[100, 101, 102, 103, 104]]);
    expect(p.distances).toEqual([0, 1, 2, 3, 4]);
    expect(p.length).toBe(4);
  });

  it('interpolate bilinearly between pixel centres, exact at the centres', () => {
    const p = sampleLine(grid, [0.5, 0.5], [2.5, 2.5], 5, 'bilinear');
    // Half-way between centres (1, 1) and (2, 2) of a plane is the plane's value there.
    expect(p.values[0]).toEqual([0, 50.5, 101, 151.5, 202]);
    expect(p.length).toBeCloseTo(Math.SQRT2 * 2, 12);
  });

  it('report values through the rescale, one array per channel', () => {
    const rgb = { width: 2, height: 1, channels: 3, samples: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    expect(sampleLine(rgb, [0, 0.5], [2, 0.5], 2, 'nearest').values).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(sampleLine(grid, [0.5, 0.5], [1.5, 0.5], 2, 'nearest', { slope: 2, intercept: -1000 }).values).toEqual([[-1000, -998]]);
  });

  it('take one sample per pixel by default, bounded', () => {
    expect(defaultSampleCount(0)).toBe(2);
    expect(defaultSampleCount(10.2)).toBe(12);
    expect(defaultSampleCount(1e6)).toBe(MAX_SAMPLES);
  });

  it('refuse points outside the image and bad sample counts, saying why', () => {
    expect(() => sampleLine(grid, [-1, 0], [1, 1], 2)).toThrow(/start \(-1, 0\) is outside the image, which spans 0–5 × 0–3/);
    expect(() => sampleLine(grid, [0, 0], [5.01, 1], 2)).toThrow(/end .* outside/);
    expect(() => sampleLine(grid, [0, 0], [5, 3], 1)).toThrow(/2 to 4096 samples, not 1/);
    // The far edges are inside: a line may end there.
    expect(sampleLine(grid, [0, 0], [5, 3], 2, 'nearest').values).toEqual([[0, 204]]);
  });
});

describe('DICOM reader', () => {
  const decode = (bytes: Buffer) => decodeImage(bytes, 'application/dicom');

  it('keeps 12 signed bits, offset to unsigned, with the values in the rescale (big endian too)', async () => {
    const stored = [-2048, -1, 0, 1, 2047, 100]; // 12-bit two's complement range
    for (const bigEndian of [false, true]) {
      // Garbage in the 4 unused high bits must be masked away.
      const words = stored.map((v) => (v & 0x0fff) | 0xa000);
      const img = await decode(dicomFile({ rows: 2, columns: 3, samples: words, bitsStored: 12, signed: true, bigEndian, rescale: { slope: 2, intercept: -100 } }));
      expect(img).toMatchObject({ width: 3, height: 2, channels: 1, bitsPerSample: 16 });
      const s = [...samples16(img.data)];
      expect(s).toEqual(stored.map((v) => v + 2048));
      const { slope, intercept } = img.meta!.rescale;
      expect(s.map((v) => slope * v + intercept)).toEqual(stored.map((v) => 2 * v - 100));
    }
  });

  it('marks MONOCHROME1 as inverted by default, keeps its samples, and inverts them for models', async () => {
    const img = await decode(dicomFile({ rows: 1, columns: 2, samples: [100, 60000], photometric: 'MONOCHROME1' }));
    expect(img.meta!.defaultInvert).toBe(true);
    expect([...samples16(img.data)]).toEqual([100, 60000]);
    const shown = asDisplayed(img);
    expect([...samples16(shown.data)]).toEqual([65435, 5535]);
    expect(asDisplayed(await decode(dicomFile({ rows: 1, columns: 1, samples: [5] })))).toMatchObject({ meta: { defaultInvert: false } });
  });

  it('reads planar RGB as interleaved, and 8-bit samples as 8-bit', async () => {
    const img = await decode(dicomFile({ rows: 1, columns: 2, bitsAllocated: 8, photometric: 'RGB', planar: true, samples: [1, 2, 10, 20, 100, 200] }));
    expect(img).toMatchObject({ channels: 3, bitsPerSample: 8 });
    expect([...img.data]).toEqual([1, 10, 100, 2, 20, 200]);
  });

  it('takes PixelSpacing, else ImagerPixelSpacing (row, column → y, x), and the file’s window', async () => {
    const both = await decode(dicomFile({ rows: 1, columns: 1, samples: [1], pixelSpacing: [0.2, 0.1], imagerPixelSpacing: [0.3, 0.3], window: { centre: 600, width: 1600 } }));
    expect(both.meta!.pixelSpacing).toEqual({ x: 0.1, y: 0.2, source: 'dicom-pixel-spacing' });
    expect(both.meta!.fileWindow).toMatchObject({ low: -200, high: 1399 });
    const imager = await decode(dicomFile({ rows: 1, columns: 1, samples: [1], imagerPixelSpacing: [0.139, 0.139] }));
    expect(imager.meta!.pixelSpacing).toEqual({ x: 0.139, y: 0.139, source: 'dicom-imager-pixel-spacing' });
    expect((await decode(dicomFile({ rows: 1, columns: 1, samples: [1], pixelSpacing: [0, 0] }))).meta!.pixelSpacing).toBeNull();
  });

  it('refuses what it cannot show with a message naming the cause', async () => {
    const cases: Array<[Buffer, RegExp]> = [
      [dicomFile({ rows: 2, columns: 2, samples: [1, 2, 3, 4], transferSyntax: '1.2.840.10008.1.2.4.50' }), /compressed with JPEG Baseline \(transfer syntax 1\.2\.840\.10008\.1\.2\.4\.50\)/],
      [dicomFile({ rows: 2, columns: 2, samples: [1, 2, 3, 4], transferSyntax: '1.2.3.4' }), /transfer syntax 1\.2\.3\.4, which Chitti does not know/],
      [dicomFile({ rows: 4, columns: 4, samples: new Array(16).fill(1), truncateBy: 10 }), /truncated/],
      [dicomFile({ rows: 1, columns: 1, samples: [1], rescale: { slope: 0, intercept: 0 } }), /RescaleSlope \(0028,1053\) is 0/],
    ];
    for (const [bytes, message] of cases) await expect(decode(bytes)).rejects.toMatchObject({ code: 'IMAGE_UNREADABLE', message: expect.stringMatching(message) });
    await expect(decodeImage(dicomFile({ rows: 1000, columns: 1000, samples: [] , truncateBy: 0 }), 'application/dicom', { maxPixels: 1000 }))
      .rejects.toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  });

  it('describes size and depth from the header alone', () => {
    expect(dicomHeader(dicomFile({ rows: 3, columns: 7, samples: new Array(21).fill(0), bitsAllocated: 8 }))).toEqual({ width: 7, height: 3, bitsPerSample: 8 });
  });
});
