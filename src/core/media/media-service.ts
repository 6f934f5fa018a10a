import sharp, { type Sharp } from 'sharp';
import type { Asset, ImageInfo, ResourceBody } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import { DEFAULT_MAX_PIXELS, MIME_DICOM, MIME_PGM, decodeImage, dicomNotYet, originalInput, probe, unreadableFrom } from './decode.ts';
import { toDisplay, type DisplayImage, type DisplayWindow } from './display.ts';
import { ImageCache, type Thumbnail } from './image-cache.ts';
import { parsePgmHeader } from './pgm.ts';
import { JPEG_QUALITY, rawInput, type Pyramid } from './pyramid.ts';
import { Limiter } from './slices.ts';

/**
 * Image display for the core: ImageInfo, tiles and thumbnails of image
 * assets, from their encrypted originals. All heavy pixel work runs in sharp
 * (libvips, on libuv's thread pool); the little done in JS is sliced (see
 * slices.ts), so the event loop stays free for IPC and HTTP.
 */

/** Where originals come from (the BlobStore): decrypted and checked against their sha256. */
export interface MediaSource {
  read(sha256: string): Promise<Buffer>;
}

export type ImageAsset = Pick<Asset, 'id' | 'kind' | 'mime' | 'sha256' | 'size'>;

/**
 * Largest original that is decoded for display. Decoding reads the whole
 * original into memory (sharp needs it whole for TIFF), so a 4 GiB import
 * must not be opened by a thumbnail grid; real radiographs are far below.
 */
export const MAX_DISPLAY_BYTES = 1024 ** 3;

export interface MediaOptions {
  /** Largest image (width × height) that is decoded; larger ones are IMAGE_TOO_LARGE. */
  maxPixels?: number;
  /** The cache to use (default: a new one with the default bounds). */
  cache?: ImageCache;
}

export const THUMBNAIL_QUALITY = 80;
/**
 * Full decodes at once. A grid of radiograph thumbnails asks for dozens at a
 * time; each decode briefly holds the original, its 16-bit samples and the
 * 8-bit result (~100 MB for 8000x2000), so letting them all run would spike
 * memory for no gain on a machine with a handful of cores.
 */
const DECODE_CONCURRENCY = 2;
const THUMBNAIL_CONCURRENCY = 4;

export class MediaService {
  readonly cache: ImageCache;
  private readonly maxPixels: number;
  private readonly decodes = new Limiter(DECODE_CONCURRENCY);
  private readonly thumbnails = new Limiter(THUMBNAIL_CONCURRENCY);

  constructor(private readonly source: MediaSource, options: MediaOptions = {}) {
    this.cache = options.cache ?? new ImageCache();
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  }

  async imageInfo(asset: ImageAsset): Promise<ImageInfo> {
    const pyramid = await this.pyramid(asset);
    const { width, height, channels, bitsPerSample, window } = pyramid.image;
    return { assetId: asset.id, width, height, channels, bitsPerSample, tileSize: pyramid.tileSize, levels: pyramid.levels, displayWindow: window };
  }

  /** One tile of the pyramid described by `imageInfo`. */
  async tile(asset: ImageAsset, level: number, x: number, y: number): Promise<ResourceBody> {
    const pyramid = await this.pyramid(asset);
    return pyramid.tile(level, x, y);
  }

  /** A JPEG that fits in size×size (never enlarged), for asset grids. */
  async thumbnail(asset: ImageAsset, size: number): Promise<ResourceBody> {
    checkImage(asset);
    return this.cache.thumbnail(asset.sha256, size, () => this.thumbnails.run(() => this.makeThumbnail(asset, size)));
  }

  private async makeThumbnail(asset: ImageAsset, size: number): Promise<Thumbnail> {
    // An image already decoded for the viewer is the cheapest source, and gives the same window.
    const cached = this.cache.peek(asset.sha256);
    if (cached) return thumbnailOf(cached, size);
    if (asset.mime === MIME_PGM) return thumbnailOf(await this.pyramid(asset), size);

    const bytes = await this.source.read(asset.sha256);
    const { bitsPerSample } = await probe(bytes, this.maxPixels);
    // 16-bit images need the display window (a plain reduction to 8 bits shows a blank field), so they are decoded like for viewing.
    if (bitsPerSample === 16) return thumbnailOf(await this.pyramid(asset, bytes), size);
    try {
      // 8-bit: straight from the original, which lets sharp shrink a JPEG while decoding it.
      const body = await sharp(bytes, originalInput(this.maxPixels))
        .removeAlpha()
        .resize(size, size, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: THUMBNAIL_QUALITY })
        .toBuffer();
      return { mime: 'image/jpeg', body };
    } catch (e) {
      throw unreadableFrom(e, 'pixels');
    }
  }

  /**
   * Pixel size and bit depth as displayed (EXIF-oriented), from the header
   * only, or from the decoded image when it is cached. For reports.
   */
  async describe(asset: ImageAsset): Promise<{ width: number; height: number; bitsPerSample: 8 | 16 }> {
    checkImage(asset);
    const cached = this.cache.peek(asset.sha256);
    if (cached) return { width: cached.image.width, height: cached.image.height, bitsPerSample: cached.image.bitsPerSample };
    const bytes = await this.source.read(asset.sha256);
    if (asset.mime === MIME_PGM) {
      const { width, height, maxval } = parsePgmHeader(bytes);
      return { width, height, bitsPerSample: maxval < 256 ? 8 : 16 };
    }
    const { width, height, bitsPerSample } = await probe(bytes, this.maxPixels);
    const { orientation } = await sharp(bytes, { limitInputPixels: false }).metadata();
    // EXIF orientations 5 to 8 turn the image a quarter: the displayed width is the stored height.
    return (orientation ?? 1) >= 5 ? { width: height, height: width, bitsPerSample } : { width, height, bitsPerSample };
  }

  /**
   * A JPEG of the displayed image (16-bit ones through their display window)
   * that fits in maxSide×maxSide, never enlarged, for reports. Decodes
   * without filling the viewer's cache, so a report of hundreds of images
   * holds one at a time.
   */
  async rendition(asset: ImageAsset, maxSide: number, quality = JPEG_QUALITY): Promise<{ body: Buffer; width: number; height: number; window: DisplayWindow | null }> {
    checkImage(asset);
    const fit = { fit: 'inside', withoutEnlargement: true } as const;
    try {
      const cached = this.cache.peek(asset.sha256);
      let pipeline: Sharp;
      let window: DisplayWindow | null = null;
      if (cached) {
        window = cached.image.window;
        const { pixels, size } = await cached.levelCovering(maxSide);
        pipeline = rawInput(pixels, size, cached.image.channels);
      } else {
        const bytes = await this.source.read(asset.sha256);
        if (asset.mime === MIME_PGM || (await probe(bytes, this.maxPixels)).bitsPerSample === 16) {
          const image = await this.decodes.run(async () => toDisplay(await decodeImage(bytes, asset.mime, { maxPixels: this.maxPixels })));
          pipeline = rawInput(image.pixels, image, image.channels);
          window = image.window;
        } else {
          pipeline = sharp(bytes, originalInput(this.maxPixels)).removeAlpha();
        }
      }
      const { data, info } = await pipeline.resize(maxSide, maxSide, fit).jpeg({ quality }).toBuffer({ resolveWithObject: true });
      return { body: data, width: info.width, height: info.height, window };
    } catch (e) {
      throw unreadableFrom(e, 'pixels');
    }
  }

  /** The image's pyramid, decoded once; `bytes` saves reading the original again when the caller has it. */
  private pyramid(asset: ImageAsset, bytes?: Buffer): Promise<Pyramid> {
    checkImage(asset);
    return this.cache.pyramid(asset.sha256, () => this.decodes.run(() => this.decode(asset, bytes)));
  }

  private async decode(asset: ImageAsset, bytes?: Buffer): Promise<DisplayImage> {
    const original = bytes ?? (await this.source.read(asset.sha256));
    return toDisplay(await decodeImage(original, asset.mime, { maxPixels: this.maxPixels }));
  }
}

/** Refuses what cannot be shown before any byte is read. */
function checkImage(asset: ImageAsset): void {
  if (asset.kind !== 'image') {
    throw new ChittiError('NOT_AN_IMAGE', `Asset ${asset.id} is a document (${asset.mime}), not an image.`);
  }
  if (asset.mime === MIME_DICOM) throw dicomNotYet();
  if (asset.size > MAX_DISPLAY_BYTES) {
    throw new ChittiError('IMAGE_UNREADABLE', `This image file is ${(asset.size / 1024 ** 2).toFixed(0)} MB, over the ${MAX_DISPLAY_BYTES / 1024 ** 2} MB that can be shown; it is kept, but not displayed.`);
  }
}

async function thumbnailOf(pyramid: Pyramid, size: number): Promise<Thumbnail> {
  const { pixels, size: from } = await pyramid.levelCovering(size);
  const body = await rawInput(pixels, from, pyramid.image.channels)
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: THUMBNAIL_QUALITY })
    .toBuffer();
  return { mime: 'image/jpeg', body };
}
