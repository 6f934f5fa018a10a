import sharp from 'sharp';
import { ChittiError } from '../app/errors.ts';
import { samples16 } from './decode.ts';
import { histogramOf, samplesOf, type DisplayImage } from './display.ts';
import { cachedLut, cropMapped, isIdentity8, type View } from './window.ts';

/**
 * The tile pyramid a deep-zoom viewer (OpenSeadragon) walks, with Deep Zoom's
 * numbering: level `levels-1` is the full image, each level below halves both
 * sides (rounding up) down to level 0, which is 1x1. A tile is `tileSize`
 * square except at the right and bottom edges, where it is what is left.
 *
 * Tiles are cut from the decoded samples kept in memory at their own depth
 * (the full image, and each lower level built once, by sharp, from the level
 * above it: a third more memory in all) and mapped to 8 bits through a
 * window as they are cut, so serving one costs a table lookup per sample and
 * an encode, never a decode, whatever window is asked for. Grey tiles are
 * PNG, lossless, so compression cannot add or hide detail in a radiograph;
 * colour tiles (photographs) are JPEG at quality 85.
 */
export const TILE_SIZE = 512;
export const JPEG_QUALITY = 85;
/**
 * zlib level 2: tiles travel over IPC or loopback, where bytes are cheap and
 * the encode is the cost; see tools/bench/tiles.ts for the measured trade.
 */
export const PNG_COMPRESSION = 2;

export interface Size {
  width: number;
  height: number;
}

export interface EncodedImage {
  mime: 'image/png' | 'image/jpeg';
  body: Buffer;
}

/** ceil(log2(max side)) + 1, counted by halving so no floating-point edge case can miscount. */
export function levelCount(width: number, height: number): number {
  let levels = 1;
  for (let side = Math.max(width, height); side > 1; side = Math.ceil(side / 2)) levels++;
  return levels;
}

/** Size of a level: the full size halved (levels-1-level) times, rounding up. */
export function levelSize(full: Size, levels: number, level: number): Size {
  const factor = 2 ** (levels - 1 - level);
  return { width: Math.ceil(full.width / factor), height: Math.ceil(full.height / factor) };
}

export function tileGrid(size: Size, tileSize = TILE_SIZE): { columns: number; rows: number } {
  return { columns: Math.ceil(size.width / tileSize), rows: Math.ceil(size.height / tileSize) };
}

/**
 * sharp on our own raw pixels, kept grey or sRGB (sharp would otherwise widen
 * grey to RGB on some paths); 16-bit samples go in as a Uint16Array, from
 * which sharp takes their depth.
 */
export function rawInput(pixels: Buffer, size: Size, channels: 1 | 3, bitsPerSample: 8 | 16 = 8) {
  const raw = { raw: { width: size.width, height: size.height, channels } };
  if (bitsPerSample === 16) return sharp(samples16(pixels), raw).toColourspace(channels === 1 ? 'grey16' : 'rgb16');
  return sharp(pixels, raw).toColourspace(channels === 1 ? 'b-w' : 'srgb');
}

export class Pyramid {
  readonly levels: number;
  /** What a tile shows unless asked otherwise: the automatic window (16-bit) or the samples as stored (8-bit), inverted for MONOCHROME1. */
  readonly defaultView: View;
  private readonly built = new Map<number, Promise<Buffer>>();
  private extraBytes = 0;
  private hist: Promise<Uint32Array> | null = null;

  /** `onGrow` is told the new total size each time a level is built, so the cache can re-weigh this entry. */
  constructor(
    readonly image: DisplayImage,
    private readonly onGrow: (bytes: number) => void = () => {},
    readonly tileSize = TILE_SIZE,
  ) {
    this.levels = levelCount(image.width, image.height);
    this.built.set(this.levels - 1, Promise.resolve(image.pixels));
    this.defaultView = { window: image.window ?? { low: 0, high: 255 }, invert: image.meta?.defaultInvert ?? false };
  }

  /** Bytes held: the full-resolution samples plus every level built so far (and the histogram). */
  get bytes(): number {
    return this.image.pixels.length + this.extraBytes + (this.image.bitsPerSample === 16 ? 65536 * 4 : 256 * 4);
  }

  size(level: number): Size {
    return levelSize(this.image, this.levels, level);
  }

  /** The samples' histogram (one bin per value), counted once. */
  histogram(): Promise<Uint32Array> {
    this.hist ??= this.image.histogram ? Promise.resolve(this.image.histogram) : histogramOf(this.image.pixels, this.image.bitsPerSample);
    return this.hist;
  }

  /** A level's samples (at the image's depth), built on first use from the level above (and so on up), once. */
  pixels(level: number): Promise<Buffer> {
    const known = this.built.get(level);
    if (known) return known;
    const building = this.build(level);
    this.built.set(level, building);
    // A failed build is forgotten, so the next request tries again instead of failing forever.
    building.catch(() => this.built.delete(level));
    return building;
  }

  private async build(level: number): Promise<Buffer> {
    const above = await this.pixels(level + 1);
    const size = this.size(level);
    const { channels, bitsPerSample } = this.image;
    const data = await rawInput(above, this.size(level + 1), channels, bitsPerSample)
      .resize(size.width, size.height, { fit: 'fill' })
      .raw({ depth: bitsPerSample === 16 ? 'ushort' : 'uchar' })
      .toBuffer();
    if (data.length !== size.width * size.height * channels * (bitsPerSample / 8)) throw new Error(`level ${level} built with an unexpected size`);
    if (data.byteOffset % 2 !== 0) throw new Error(`level ${level} built unaligned`);
    this.extraBytes += data.length;
    this.onGrow(this.bytes);
    return data;
  }

  /**
   * One encoded tile through `view` (a window in samples, and inversion;
   * default `defaultView`); NOT_FOUND for a level or position outside this
   * image. The window is applied here, per tile, so changing it costs the
   * tiles on screen, never a decode.
   */
  async tile(level: number, x: number, y: number, view: View = this.defaultView): Promise<EncodedImage> {
    if (level >= this.levels) {
      throw new ChittiError('NOT_FOUND', `No level ${level}: this image has levels 0 to ${this.levels - 1}.`);
    }
    const size = this.size(level);
    const { columns, rows } = tileGrid(size, this.tileSize);
    if (x >= columns || y >= rows) {
      throw new ChittiError('NOT_FOUND', `No tile (${x}, ${y}) at level ${level}: it has ${columns}×${rows} tiles (x 0 to ${columns - 1}, y 0 to ${rows - 1}).`);
    }
    const left = x * this.tileSize;
    const top = y * this.tileSize;
    const rect = { left, top, width: Math.min(this.tileSize, size.width - left), height: Math.min(this.tileSize, size.height - top) };
    const pixels = await this.mapped(level, size, rect, view);
    return encode(pixels, rect, this.image.channels);
  }

  /** A rectangle of a level as 8-bit display pixels through `view`. */
  private async mapped(level: number, size: Size, rect: { left: number; top: number; width: number; height: number }, view: View): Promise<Buffer> {
    const { channels, bitsPerSample } = this.image;
    const samples = samplesOf(await this.pixels(level), bitsPerSample);
    // 8-bit samples shown as stored need no table: the plain copy of old.
    const lut = bitsPerSample === 8 && isIdentity8(view) ? IDENTITY_LUT : cachedLut(view, bitsPerSample === 16 ? 65536 : 256);
    return cropMapped(samples, size.width, channels, rect, lut);
  }

  /**
   * The smallest level at least `side` pixels on its longer side (the full
   * image if none is), as 8-bit pixels through the default view: for
   * thumbnails and report images, which show what the viewer opens with.
   */
  async levelCovering(side: number): Promise<{ pixels: Buffer; size: Size }> {
    let level = this.levels - 1;
    while (level > 0) {
      const below = this.size(level - 1);
      if (Math.max(below.width, below.height) < side) break;
      level--;
    }
    const size = this.size(level);
    return { pixels: await this.mapped(level, size, { left: 0, top: 0, ...size }, this.defaultView), size };
  }
}

const IDENTITY_LUT = Uint8Array.from({ length: 256 }, (_, i) => i);

export async function encode(pixels: Buffer, size: Size, channels: 1 | 3): Promise<EncodedImage> {
  const input = rawInput(pixels, size, channels);
  if (channels === 1) return { mime: 'image/png', body: await input.png({ compressionLevel: PNG_COMPRESSION }).toBuffer() };
  return { mime: 'image/jpeg', body: await input.jpeg({ quality: JPEG_QUALITY }).toBuffer() };
}
