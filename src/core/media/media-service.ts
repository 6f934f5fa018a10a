import sharp, { type Sharp } from 'sharp';
import type { Asset, Histogram, ImageInfo, Profile, ResourceBody } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import { DEFAULT_MAX_PIXELS, MIME_DICOM, MIME_PGM, decodeImage, originalInput, probe, unreadableFrom } from './decode.ts';
import { dicomHeader } from './dicom.ts';
import { samplesOf, toDisplay, type DisplayImage, type DisplayWindow } from './display.ts';
import { ImageCache, type Thumbnail } from './image-cache.ts';
import { parsePgmHeader } from './pgm.ts';
import { defaultSampleCount, sampleLine, type Interpolation, type Point } from './profile.ts';
import { JPEG_QUALITY, Pyramid, rawInput } from './pyramid.ts';
import { Limiter } from './slices.ts';
import { binHistogram, IDENTITY, presetsFromHistogram, presetToValues, toSample, windowToSamples, windowToValues, type View } from './window.ts';

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

  /** Size, depth and tiling; the automatic window in the image's values; the file's pixel spacing (a calibration is the caller's to apply). */
  async imageInfo(asset: ImageAsset): Promise<ImageInfo> {
    const pyramid = await this.pyramid(asset);
    const { width, height, channels, bitsPerSample, window, meta } = pyramid.image;
    const rescale = meta?.rescale ?? IDENTITY;
    const spacing = meta?.pixelSpacing ?? null;
    return {
      assetId: asset.id, width, height, channels, bitsPerSample, tileSize: pyramid.tileSize, levels: pyramid.levels,
      displayWindow: window && windowToValues(window, rescale),
      defaultInvert: pyramid.defaultView.invert,
      pixelSpacing: spacing,
      filePixelSpacing: spacing,
    };
  }

  /**
   * One tile of the pyramid described by `imageInfo`, through a window given
   * in the image's values (`low`/`high`), inverted or not; what is not given
   * is the image's default.
   */
  async tile(asset: ImageAsset, level: number, x: number, y: number, view: TileView = {}): Promise<ResourceBody> {
    const pyramid = await this.pyramid(asset);
    return pyramid.tile(level, x, y, viewOf(pyramid, view));
  }

  /** The histogram in `bins` bins and the window presets, in the image's values (see `assets.histogram`). */
  async histogram(asset: ImageAsset, bins: number): Promise<Histogram> {
    const pyramid = await this.pyramid(asset);
    const { width, height, channels, bitsPerSample, meta } = pyramid.image;
    const rescale = meta?.rescale ?? IDENTITY;
    const hist = await pyramid.histogram();
    const total = width * height * channels;
    const file = meta?.fileWindow ? { id: 'file', label: meta.fileWindow.label, window: windowToSamples(meta.fileWindow, rescale) } : null;
    const binned = binHistogram(hist, bins);
    return {
      assetId: asset.id,
      bitsPerSample,
      min: binned.min * rescale.slope + rescale.intercept,
      max: binned.max * rescale.slope + rescale.intercept,
      binWidth: binned.binWidth * rescale.slope,
      step: rescale.slope,
      counts: binned.counts,
      total,
      presets: presetsFromHistogram(hist, total, bitsPerSample, file).map((p) => presetToValues(p, rescale)),
      defaultWindow: windowToValues(pyramid.defaultView.window, rescale),
      defaultInvert: pyramid.defaultView.invert,
    };
  }

  /** Values along a line, from the full-resolution decoded samples (see `assets.profile`). */
  async profile(asset: ImageAsset, line: { from: Point; to: Point; samples?: number; interpolation: Interpolation }): Promise<Profile> {
    const pyramid = await this.pyramid(asset);
    const { width, height, channels, bitsPerSample, pixels, meta } = pyramid.image;
    const length = Math.hypot(line.to[0] - line.from[0], line.to[1] - line.from[1]);
    const grid = { width, height, channels, samples: samplesOf(pixels, bitsPerSample) };
    const p = sampleLine(grid, line.from, line.to, line.samples ?? defaultSampleCount(length), line.interpolation, meta?.rescale ?? IDENTITY);
    return { assetId: asset.id, from: [line.from[0], line.from[1]], to: [line.to[0], line.to[1]], interpolation: line.interpolation, ...p };
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
    if (decodedByUs(asset.mime)) return thumbnailOf(await this.pyramid(asset), size);

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
    if (asset.mime === MIME_DICOM) return dicomHeader(bytes);
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
        window = cached.image.window && windowToValues(cached.image.window, cached.image.meta?.rescale ?? IDENTITY);
        const { pixels, size } = await cached.levelCovering(maxSide);
        pipeline = rawInput(pixels, size, cached.image.channels);
      } else {
        const bytes = await this.source.read(asset.sha256);
        if (decodedByUs(asset.mime) || (await probe(bytes, this.maxPixels)).bitsPerSample === 16) {
          // Through a pyramid of its own (not cached), so it shows the viewer's default view.
          const image = await this.decodes.run(async () => toDisplay(await decodeImage(bytes, asset.mime, { maxPixels: this.maxPixels })));
          const { pixels, size } = await new Pyramid(image).levelCovering(maxSide);
          pipeline = rawInput(pixels, size, image.channels);
          window = image.window && windowToValues(image.window, image.meta?.rescale ?? IDENTITY);
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
  if (asset.size > MAX_DISPLAY_BYTES) {
    throw new ChittiError('IMAGE_UNREADABLE', `This image file is ${(asset.size / 1024 ** 2).toFixed(0)} MB, over the ${MAX_DISPLAY_BYTES / 1024 ** 2} MB that can be shown; it is kept, but not displayed.`);
  }
}

/** Formats sharp does not read: decoded by our own readers, so even a thumbnail goes through a full decode. */
const decodedByUs = (mime: string) => mime === MIME_PGM || mime === MIME_DICOM;

/** A tile's window and inversion as the caller gives them (values); missing parts are the image's default. */
export interface TileView {
  low?: number;
  high?: number;
  invert?: boolean;
}

function viewOf(pyramid: Pyramid, view: TileView): View {
  const rescale = pyramid.image.meta?.rescale ?? IDENTITY;
  const window = view.low !== undefined && view.high !== undefined
    ? { low: toSample(view.low, rescale), high: toSample(view.high, rescale) }
    : pyramid.defaultView.window;
  return { window, invert: view.invert ?? pyramid.defaultView.invert };
}

async function thumbnailOf(pyramid: Pyramid, size: number): Promise<Thumbnail> {
  const { pixels, size: from } = await pyramid.levelCovering(size);
  const body = await rawInput(pixels, from, pyramid.image.channels)
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: THUMBNAIL_QUALITY })
    .toBuffer();
  return { mime: 'image/jpeg', body };
}
