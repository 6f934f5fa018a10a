import type { DecodedImage } from './decode.ts';
import { samples16 } from './decode.ts';
import type { ImageMeta } from './dicom.ts';
import { inSlices } from './slices.ts';
import { countSamples, windowFromHistogram, type DisplayWindow } from './window.ts';

export { WINDOW_PERCENTILES, windowFromHistogram, windowLut, type DisplayWindow } from './window.ts';

/**
 * What the viewer's pyramid is built from: the decoded samples at their own
 * depth, with their histogram and automatic window. A screen shows 8 bits;
 * a 16-bit radiograph typically uses a narrow band of its 65536 values (a
 * 12-bit detector, an exposure using a fraction of that), so a plain shift
 * to 8 bits shows a near-black or near-white field. The mapping to 8 bits
 * is therefore a window [low, high] stretched to 0..255, applied per tile
 * when it is served (ADR 0011): by default the automatic one, chosen from the
 * image's own histogram and reported (ImageInfo.displayWindow) so the
 * mapping is a declared, reproducible step; or one the reviewer picks.
 * 8-bit images are shown as stored by default.
 *
 * Analysis (models, measurements, profiles) uses the decoded samples, never
 * the 8-bit tiles.
 */
export interface DisplayImage {
  width: number;
  height: number;
  channels: 1 | 3;
  bitsPerSample: 8 | 16;
  /** The automatic window of a 16-bit image, in samples (null for 8-bit images, shown as stored). */
  window: DisplayWindow | null;
  /** The decoded samples, interleaved, row-major (16-bit ones little-endian, 2-byte aligned). */
  pixels: Buffer;
  /** One bin per possible sample value (256 or 65536), all channels together; computed on first use when absent. */
  histogram?: Uint32Array;
  meta?: ImageMeta;
}

/** The samples of a buffer as their own typed array (a view, no copy). */
export const samplesOf = (pixels: Buffer, bitsPerSample: 8 | 16): Uint8Array | Uint16Array => (bitsPerSample === 16 ? samples16(pixels) : pixels);

/** Counts the histogram in slices, so the event loop stays free on a large image. */
export async function histogramOf(pixels: Buffer, bitsPerSample: 8 | 16): Promise<Uint32Array> {
  const s = samplesOf(pixels, bitsPerSample);
  const hist = new Uint32Array(bitsPerSample === 16 ? 65536 : 256);
  await inSlices(s.length, (start, end) => countSamples(s, start, end, hist));
  return hist;
}

export async function toDisplay(img: DecodedImage): Promise<DisplayImage> {
  const { width, height, channels, bitsPerSample } = img;
  const histogram = await histogramOf(img.data, bitsPerSample);
  const window = bitsPerSample === 16 ? windowFromHistogram(histogram, width * height * channels) : null;
  return { width, height, channels, bitsPerSample, window, pixels: img.data, histogram, ...(img.meta ? { meta: img.meta } : {}) };
}
