import sharp from 'sharp';

/** A round, bright spot on the synthetic radiograph (centre and radius in pixels). */
export interface Indication {
  x: number;
  y: number;
  r: number;
}

export const INDICATIONS: readonly Indication[] = [
  { x: 768, y: 768, r: 80 }, // the middle of full-resolution tile (1, 1)
  { x: 4200, y: 600, r: 50 },
  { x: 6100, y: 1500, r: 40 },
];

/** Background samples lie in about 10000..14600; indications are 42000: both far inside 16 bits, far outside 8. */
export const BACKGROUND = { low: 10_000, high: 14_600 } as const;
export const INDICATION_VALUE = 42_000;

/**
 * A synthetic 16-bit greyscale radiograph (real ones this size are not in
 * ../shared/data): a horizontal exposure gradient with deterministic noise,
 * and a few bright round indications. Returned as a deflate-compressed
 * 16-bit TIFF, as a DR system would export it.
 */
export async function radiographTiff(width = 8000, height = 2000, indications: readonly Indication[] = INDICATIONS): Promise<Buffer> {
  const px = new Uint16Array(width * height);
  let seed = 0x2545f491;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) | 0; // LCG: the same image every run
      px[y * width + x] = BACKGROUND.low + Math.round((x / width) * 4000) + ((seed >>> 8) % 600);
    }
  }
  for (const { x: cx, y: cy, r } of indications) {
    for (let y = Math.max(0, cy - r); y <= Math.min(height - 1, cy + r); y++) {
      for (let x = Math.max(0, cx - r); x <= Math.min(width - 1, cx + r); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) px[y * width + x] = INDICATION_VALUE;
      }
    }
  }
  // The Uint16Array itself, not a Buffer over it: sharp takes the sample depth from the array type (a Buffer means 8-bit).
  // And never TIFF's default JPEG compression, which is 8-bit only.
  return sharp(px, { raw: { width, height, channels: 1 } })
    .toColourspace('grey16')
    .tiff({ compression: 'deflate', predictor: 'horizontal' })
    .toBuffer();
}
