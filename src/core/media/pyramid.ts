import sharp from 'sharp';
import { ChittiError } from '../app/errors.ts';
import type { DisplayImage } from './display.ts';

/**
 * The tile pyramid a deep-zoom viewer (OpenSeadragon) walks, with Deep Zoom's
 * numbering: level `levels-1` is the full image, each level below halves both
 * sides (rounding up) down to level 0, which is 1x1. A tile is `tileSize`
 * square except at the right and bottom edges, where it is what is left.
 *
 * Tiles are cut from 8-bit display pixels kept in memory (the full image, and
 * each lower level built once, by sharp, from the level above it: a third
 * more memory in all), so serving one costs a row copy and an encode, never
 * a decode. Grey tiles are PNG, lossless, so compression cannot add or hide
 * detail in a radiograph; colour tiles (photographs) are JPEG at quality 85.
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

/** Copies a rectangle out of interleaved 8-bit pixels. */
function crop(src: Buffer, srcWidth: number, channels: number, left: number, top: number, width: number, height: number): Buffer {
  const rowBytes = width * channels;
  const out = Buffer.allocUnsafe(rowBytes * height);
  for (let r = 0; r < height; r++) {
    const from = ((top + r) * srcWidth + left) * channels;
    src.copy(out, r * rowBytes, from, from + rowBytes);
  }
  return out;
}

/** sharp on our own raw 8-bit pixels, kept grey or sRGB (sharp would otherwise widen grey to RGB on some paths). */
export function rawInput(pixels: Buffer, size: Size, channels: 1 | 3) {
  return sharp(pixels, { raw: { width: size.width, height: size.height, channels } }).toColourspace(channels === 1 ? 'b-w' : 'srgb');
}

export class Pyramid {
  readonly levels: number;
  private readonly built = new Map<number, Promise<Buffer>>();
  private extraBytes = 0;

  /** `onGrow` is told the new total size each time a level is built, so the cache can re-weigh this entry. */
  constructor(
    readonly image: DisplayImage,
    private readonly onGrow: (bytes: number) => void = () => {},
    readonly tileSize = TILE_SIZE,
  ) {
    this.levels = levelCount(image.width, image.height);
    this.built.set(this.levels - 1, Promise.resolve(image.pixels));
  }

  /** Bytes held: the full-resolution display pixels plus every level built so far. */
  get bytes(): number {
    return this.image.pixels.length + this.extraBytes;
  }

  size(level: number): Size {
    return levelSize(this.image, this.levels, level);
  }

  /** A level's 8-bit pixels, built on first use from the level above (and so on up), once. */
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
    const data = await rawInput(above, this.size(level + 1), this.image.channels)
      .resize(size.width, size.height, { fit: 'fill' })
      .raw()
      .toBuffer();
    if (data.length !== size.width * size.height * this.image.channels) throw new Error(`level ${level} built with an unexpected size`);
    this.extraBytes += data.length;
    this.onGrow(this.bytes);
    return data;
  }

  /** One encoded tile; NOT_FOUND for a level or position outside this image. */
  async tile(level: number, x: number, y: number): Promise<EncodedImage> {
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
    const rect = { width: Math.min(this.tileSize, size.width - left), height: Math.min(this.tileSize, size.height - top) };
    const pixels = crop(await this.pixels(level), size.width, this.image.channels, left, top, rect.width, rect.height);
    return encode(pixels, rect, this.image.channels);
  }

  /** The smallest level at least `side` pixels on its longer side (the full image if none is), for thumbnails. */
  async levelCovering(side: number): Promise<{ pixels: Buffer; size: Size }> {
    let level = this.levels - 1;
    while (level > 0) {
      const below = this.size(level - 1);
      if (Math.max(below.width, below.height) < side) break;
      level--;
    }
    return { pixels: await this.pixels(level), size: this.size(level) };
  }
}

export async function encode(pixels: Buffer, size: Size, channels: 1 | 3): Promise<EncodedImage> {
  const input = rawInput(pixels, size, channels);
  if (channels === 1) return { mime: 'image/png', body: await input.png({ compressionLevel: PNG_COMPRESSION }).toBuffer() };
  return { mime: 'image/jpeg', body: await input.jpeg({ quality: JPEG_QUALITY }).toBuffer() };
}
