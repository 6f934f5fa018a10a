import sharp, { type Metadata, type OutputInfo, type SharpOptions } from 'sharp';
import { ChittiError } from '../app/errors.ts';
import { decodeDicom, type ImageMeta } from './dicom.ts';
import { decodePgm, parsePgmHeader } from './pgm.ts';
import { inSlices } from './slices.ts';

/**
 * From the bytes of an original to raw pixels, keeping what the file holds:
 * a 16-bit radiograph stays 16-bit here (mapping to 8 bits for the screen is
 * a separate, declared step: display.ts). Everything a decoder can say about
 * a bad file becomes IMAGE_UNREADABLE with a message a person can act on.
 */
export interface DecodedImage {
  width: number;
  height: number;
  /** 1 = grey, 3 = RGB. Alpha is dropped (inspection images do not use it), RGB whose channels are all equal is stored as grey. */
  channels: 1 | 3;
  bitsPerSample: 8 | 16;
  /** Interleaved, row-major samples; 16-bit ones little-endian, the buffer 2-byte aligned. */
  data: Buffer;
  /** What the file says about its samples (DICOM: rescale, MONOCHROME1, window, pixel spacing); absent: plain samples. */
  meta?: ImageMeta;
}

/**
 * 300 megapixels: above any radiograph or photo we expect (a 16-bit
 * 30000x10000 scan fits), below what turns one file into gigabytes of memory.
 */
export const DEFAULT_MAX_PIXELS = 300_000_000;

export const MIME_DICOM = 'application/dicom';
export const MIME_PGM = 'image/x-portable-graymap';
/** Formats sharp decodes for us; anything else found inside an "image" is refused. */
const SHARP_FORMATS = new Set(['jpeg', 'png', 'tiff']);

const unreadable = (message: string) => new ChittiError('IMAGE_UNREADABLE', message);

function tooManyPixels(width: number, height: number, maxPixels: number): ChittiError {
  const mp = (n: number) => `${(n / 1e6).toFixed(1).replace(/\.0$/, '')} megapixels`;
  return new ChittiError('IMAGE_TOO_LARGE', `The image is ${width}×${height} pixels (${mp(width * height)}), over the ${mp(maxPixels)} Chitti decodes.`);
}

/** Checks the declared size before any pixel is decoded, so a decompression bomb costs nothing. */
export function checkPixelCount(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);
}

/**
 * Turns a libvips failure into a specific, safe message. libvips messages can
 * run to hundreds of lines (one per bad TIFF tag); the first line is enough,
 * and since we decode from memory they hold no paths.
 *
 * `stage` says what already succeeded: once the header has been read and its
 * size accepted ('pixels'), a failure can only be in the pixel data. That
 * matters because libvips keeps one error buffer per process: when two
 * decodes fail at the same moment, one of them may be told "Unknown error".
 */
export function unreadableFrom(e: unknown, stage: 'header' | 'pixels' = 'header'): ChittiError {
  if (e instanceof ChittiError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  const first = (raw.split('\n').find((l) => l.trim() !== '') ?? '').replace(/[^\x20-\x7e]/g, '').trim().slice(0, 160);
  const detail = first && !/^unknown error$/i.test(first) ? ` (decoder: ${first})` : '';
  const text = raw.toLowerCase();
  if (text.includes('exceeds pixel limit')) return new ChittiError('IMAGE_TOO_LARGE', `The image has more pixels than Chitti decodes${detail}.`);
  if (text.includes('unsupported image format')) return unreadable('The file is not in an image format Chitti can display.');
  if (text.includes('corrupt header')) return unreadable(`The image is corrupt: its header cannot be read${detail}.`);
  if (stage === 'pixels' || /premature end|truncat|unexpected end|not enough|short read|bad seek|out of data|read error|eof/.test(text)) {
    return unreadable(`The image data is truncated or corrupt${detail}.`);
  }
  return unreadable(`The image could not be decoded${detail}.`);
}

/** A 2-byte aligned Buffer (sharp's and most Node buffers are; small pooled ones may not be). */
function aligned(data: Buffer): Buffer {
  return data.byteOffset % 2 === 0 ? data : Buffer.from(data);
}

export function samples16(data: Buffer): Uint16Array {
  return new Uint16Array(data.buffer, data.byteOffset, data.length >> 1);
}

/**
 * An RGB image whose three channels are equal everywhere (a grey JPEG saved
 * as colour, as NEU-DET's are) is stored as one channel: a third of the
 * memory, and its tiles can be lossless PNG like any other grey image.
 * Colour photographs differ within the first few pixels, so this costs little.
 */
async function collapseGrey(img: DecodedImage): Promise<DecodedImage> {
  if (img.channels !== 3) return img;
  const s = img.bitsPerSample === 16 ? samples16(img.data) : img.data;
  const pixels = img.width * img.height;
  const grey = await inSlices(pixels, (start, end) => {
    for (let p = start * 3, stop = end * 3; p < stop; p += 3) if (s[p] !== s[p + 1] || s[p] !== s[p + 2]) return false;
    return true;
  });
  if (!grey) return img;
  const bytesPerSample = img.bitsPerSample / 8;
  const out = Buffer.allocUnsafeSlow(pixels * bytesPerSample);
  const o = img.bitsPerSample === 16 ? samples16(out) : out;
  await inSlices(pixels, (start, end) => {
    for (let i = start; i < end; i++) o[i] = s[i * 3]!;
  });
  return { ...img, channels: 1, data: out };
}

export interface DecodeOptions {
  maxPixels?: number;
}

/**
 * Decodes an image asset's original. `mime` is the sniffed type recorded at import.
 * Formats sharp does not read (PGM, DICOM) are decoded by our own readers.
 */
export async function decodeImage(bytes: Buffer, mime: string, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (mime === MIME_DICOM) return decodeDicom(bytes, (width, height) => checkPixelCount(width, height, maxPixels));
  if (mime === MIME_PGM) {
    const header = parsePgmHeader(bytes);
    checkPixelCount(header.width, header.height, maxPixels);
    const pgm = decodePgm(bytes);
    return { width: pgm.width, height: pgm.height, channels: 1, bitsPerSample: pgm.bitsPerSample, data: aligned(pgm.data) };
  }
  return collapseGrey(await decodeWithSharp(bytes, maxPixels));
}

/** What sharp will make of a file, read from its header only (no pixels decoded). */
export async function probe(bytes: Buffer, maxPixels: number): Promise<{ grey: boolean; bitsPerSample: 8 | 16; width: number; height: number }> {
  let meta: Metadata;
  try {
    // No pixel limit here: we check the declared size ourselves, to say how large it is.
    meta = await sharp(bytes, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (e) {
    throw unreadableFrom(e);
  }
  if (!SHARP_FORMATS.has(meta.format)) throw unreadable(`The file is ${meta.format ? `a ${meta.format.toUpperCase()} image, which Chitti does not display` : 'not in an image format Chitti can display'}.`);
  const { width, height } = meta;
  if (!width || !height) throw unreadable('The image declares no pixels.');
  checkPixelCount(width, height, maxPixels);
  let bitsPerSample: 8 | 16;
  if (meta.depth === 'uchar') bitsPerSample = 8;
  else if (meta.depth === 'ushort') bitsPerSample = 16;
  else throw unreadable(`The image stores its samples as "${meta.depth}", which Chitti cannot display yet (8- and 16-bit integers only).`);
  return { grey: meta.space === 'b-w' || meta.space === 'grey16', bitsPerSample, width, height };
}

/**
 * Options every sharp call on an original uses. `failOn: 'error'` refuses
 * truncated or corrupt pixel data instead of showing a half-decoded image
 * that could hide (or fake) an indication, while tolerating warnings such as
 * a broken EXIF density; `autoOrient` shows photos the way the camera held
 * them, so coordinates on screen are in the oriented frame.
 */
export const originalInput = (maxPixels: number): SharpOptions => ({
  limitInputPixels: maxPixels,
  failOn: 'error',
  autoOrient: true,
});

/**
 * The samples as a person sees them by default, for analysis (models): a
 * MONOCHROME1 image (low values white) inverted, so that models meet every
 * image the same way round; anything else as it is.
 */
export function asDisplayed(img: DecodedImage): DecodedImage {
  if (!img.meta?.defaultInvert) return img;
  const data = Buffer.allocUnsafeSlow(img.data.length);
  if (img.bitsPerSample === 16) {
    const from = samples16(img.data);
    const to = samples16(data);
    for (let i = 0; i < from.length; i++) to[i] = 65535 - from[i]!;
  } else {
    for (let i = 0; i < img.data.length; i++) data[i] = 255 - img.data[i]!;
  }
  return { ...img, data, meta: { ...img.meta, defaultInvert: false } };
}

async function decodeWithSharp(bytes: Buffer, maxPixels: number): Promise<DecodedImage> {
  const { grey, bitsPerSample } = await probe(bytes, maxPixels);
  const sixteen = bitsPerSample === 16;
  const space = grey ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb';
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharp(bytes, originalInput(maxPixels))
      .removeAlpha()
      .toColourspace(space)
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw unreadableFrom(e, 'pixels');
  }
  const { info } = out;
  if (info.channels !== (grey ? 1 : 3)) throw unreadable(`The image decoded to ${info.channels} channels, which Chitti cannot display.`);
  return { width: info.width, height: info.height, channels: info.channels, bitsPerSample, data: aligned(out.data) };
}
