import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../../src/core/inference/manifest.ts';
import { contentSize, writeTile, type Pixels } from '../../src/core/inference/preprocess.ts';
import { planTiles, wholeImage } from '../../src/core/inference/tiling.ts';

const RULE = { tile: 256, overlap: 64, above: 320 };

describe('planTiles', () => {
  it('letterboxes a small image whole', () => {
    const [t, ...rest] = planTiles(200, 100, 256, RULE);
    expect(rest).toEqual([]);
    expect(t).toMatchObject({ x: 0, y: 0, w: 200, h: 100, scale: 1.28, inW: 256, inH: 256 });
    expect(contentSize(t!)).toEqual({ w: 256, h: 128 });
  });

  it.each([[8000, 2000], [641, 333], [1000, 257]])('cuts %i×%i into tiles whose cores partition the image', (w, h) => {
    const tiles = planTiles(w, h, 256, RULE);
    // Every pixel centre lies in exactly one core, and inside its tile.
    for (let y = 0.5; y < h; y += 13) {
      for (let x = 0.5; x < w; x += 13) {
        const owners = tiles.filter((t) => x >= t.core.x1 && x < t.core.x2 && y >= t.core.y1 && y < t.core.y2);
        expect(owners).toHaveLength(1);
        const t = owners[0]!;
        expect(x >= t.x && x < t.x + t.w && y >= t.y && y < t.y + t.h).toBe(true);
      }
    }
    for (const t of tiles) expect(t.x + t.w <= w && t.y + t.h <= h).toBe(true);
  });

  it('gives a defect no larger than the overlap, wherever it lies, to a tile that sees it whole', () => {
    const tiles = planTiles(2000, 600, 256, RULE);
    for (let x1 = 0; x1 + 64 <= 2000; x1 += 5) {
      const box = [x1, 300, x1 + 64, 340];
      const cx = (box[0]! + box[2]!) / 2;
      const cy = (box[1]! + box[3]!) / 2;
      const owner = tiles.find((t) => cx >= t.core.x1 && cx < t.core.x2 && cy >= t.core.y1 && cy < t.core.y2)!;
      expect(box[0]! >= owner.x && box[2]! <= owner.x + owner.w, `box at ${x1}`).toBe(true);
    }
  });

  it('pads a whole-image pass to the model stride', () => {
    expect(wholeImage(640, 256, 256, RULE, 128)).toMatchObject({ scale: 1, inW: 640, inH: 256 });
    expect(wholeImage(650, 200, 256, RULE, 128)).toMatchObject({ inW: 768, inH: 256 });
  });
});

const manifest = {
  input: { size: [8, 8], pad: 0.5, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
} as unknown as ModelManifest;

describe('writeTile', () => {
  const tile = (w: number, h: number) => planTiles(w, h, 8, { tile: 8, overlap: 0, above: 8 })[0]!;

  it('windows 16-bit samples by their full range, as their 8-bit rendering would be', () => {
    const eight: Pixels = { width: 4, height: 4, channels: 1, bitsPerSample: 8, samples: Uint8Array.from({ length: 16 }, (_, i) => i * 17) };
    const sixteen: Pixels = { ...eight, bitsPerSample: 16, samples: Uint16Array.from(eight.samples, (v) => v * 257) };
    const a = new Float32Array(3 * 64);
    const b = new Float32Array(3 * 64);
    writeTile(eight, tile(4, 4), manifest, a, 0);
    writeTile(sixteen, tile(4, 4), manifest, b, 0);
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
  });

  it('letterboxes top-left with the pad value and normalises with mean/std', () => {
    const px: Pixels = { width: 8, height: 4, channels: 1, bitsPerSample: 8, samples: new Uint8Array(32).fill(255) };
    const out = new Float32Array(3 * 64);
    writeTile(px, tile(8, 4), manifest, out, 0);
    expect(out[0]).toBeCloseTo((1 - 0.5) / 0.25); // content: white
    expect(out[4 * 8]).toBeCloseTo(0); // row 4: padding at the mean
    expect(out[64 + 0]).toBeCloseTo(out[0]!); // grey replicated into each channel
  });

  it('turns colour into grey with the Rec. 601 weights', () => {
    const px: Pixels = { width: 1, height: 1, channels: 3, bitsPerSample: 8, samples: Uint8Array.of(255, 0, 0) };
    const out = new Float32Array(3 * 64);
    writeTile(px, { ...tile(1, 1), scale: 1, inW: 8, inH: 8 }, manifest, out, 0);
    expect(out[0]).toBeCloseTo((0.299 - 0.5) / 0.25, 4);
  });
});
