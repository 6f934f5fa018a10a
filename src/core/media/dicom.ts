import { inflateRawSync } from 'node:zlib';
import dicomParser, { type DataSet } from 'dicom-parser';
import { ChittiError } from '../app/errors.ts';
import { windowFromCentreWidth, type DisplayWindow, type Rescale } from './window.ts';
import { inSlices } from './slices.ts';

/**
 * DICOM (and DICONDE, its NDT profile: same encoding) to the samples the
 * rest of the media pipeline uses. dicom-parser reads the data set; we read
 * the pixel data ourselves, for uncompressed transfer syntaxes only (native
 * little- or big-endian, and deflated, which is the same once inflated).
 * Compressed pixel data (JPEG, JPEG-LS, JPEG 2000, RLE…) is refused with the
 * transfer syntax named, so a person knows what to export instead.
 *
 * What is kept from the file:
 *  - samples at their allocated depth (8 or 16 bits), masked to BitsStored;
 *    signed ones are offset to unsigned (so one histogram of 65536 bins and
 *    one lookup table per window serve every image) and the offset goes into
 *    the rescale, so values reported stay the file's own;
 *  - RescaleSlope/Intercept: value = slope × sample + intercept (e.g. HU);
 *  - MONOCHROME1 (low values white) as "inverted by default": the samples
 *    are not changed, so profiles read what the file holds;
 *  - WindowCenter/Width (first pair) as a preset, in values;
 *  - PixelSpacing (0028,0030), else ImagerPixelSpacing (0018,1164), for mm.
 * Only the first frame of a multi-frame file is shown.
 */

export interface ImageMeta {
  rescale: Rescale;
  defaultInvert: boolean;
  /** The file's own window, in values. */
  fileWindow: (DisplayWindow & { label: string }) | null;
  pixelSpacing: { x: number; y: number; source: 'dicom-pixel-spacing' | 'dicom-imager-pixel-spacing' } | null;
}

export interface DicomImage {
  width: number;
  height: number;
  channels: 1 | 3;
  bitsPerSample: 8 | 16;
  data: Buffer;
  meta: ImageMeta;
}

const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const NATIVE = new Set([IMPLICIT_LE, EXPLICIT_LE, DEFLATED_LE, EXPLICIT_BE]);

/** Compressed transfer syntaxes, by name, for the refusal message. */
const COMPRESSED: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless (first-order prediction)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 (lossless only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.92': 'JPEG 2000 Part 2 (lossless only)',
  '1.2.840.10008.1.2.4.93': 'JPEG 2000 Part 2',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 (lossless only)',
  '1.2.840.10008.1.2.4.202': 'High-Throughput JPEG 2000 (RPCL, lossless only)',
  '1.2.840.10008.1.2.4.203': 'High-Throughput JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

/** Inflated deflate data sets are capped: a small file must not become gigabytes in memory. */
export const MAX_INFLATED_BYTES = 1024 ** 3;

const unreadable = (message: string) => new ChittiError('IMAGE_UNREADABLE', message);

/** dicom-parser throws strings, Errors, or `{ exception, dataSet }`: one printable line of whichever. */
function parserMessage(e: unknown): string {
  const raw = typeof e === 'string' ? e
    : e instanceof Error ? e.message
    : typeof e === 'object' && e !== null && 'exception' in e ? String((e).exception)
    : String(e);
  return raw.replace(/^dicomParser[.:]\w*:\s*/i, '').replace(/[^\x20-\x7e]/g, '').trim().slice(0, 160);
}

const hasPreamble = (b: Uint8Array) => b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d; // 'DICM'

/**
 * A file without the 128-byte preamble and 'DICM' (accepted at import, see
 * sniff.ts) has no meta header to name its transfer syntax: explicit VR if
 * the first element carries two capital letters where a VR goes.
 */
function guessTransferSyntax(b: Uint8Array): string {
  const upper = (c: number | undefined) => c !== undefined && c >= 0x41 && c <= 0x5a;
  return upper(b[4]) && upper(b[5]) ? EXPLICIT_LE : IMPLICIT_LE;
}

export function parseDicomBytes(bytes: Uint8Array): DataSet {
  try {
    return dicomParser.parseDicom(bytes, {
      ...(hasPreamble(bytes) ? {} : { TransferSyntaxUID: guessTransferSyntax(bytes) }),
      // Deflated data sets: inflated here, with a cap, instead of dicom-parser's unbounded inflate.
      inflater: (array: Uint8Array, position: number) => {
        const inflated = inflateRawSync(array.subarray(position), { maxOutputLength: MAX_INFLATED_BYTES });
        const whole = new Uint8Array(position + inflated.length);
        whole.set(array.subarray(0, position));
        whole.set(inflated, position);
        return whole;
      },
    });
  } catch (e) {
    const why = parserMessage(e);
    if (/overrun|beyond|end of|truncat|out of range|outside/i.test(why)) return fail(`The DICOM file is truncated or corrupt (parser: ${why}).`);
    return fail(`The DICOM file cannot be read (parser: ${why}).`);
  }
}

function fail(message: string): never {
  throw unreadable(message);
}

/** An integer tag (US), checked: present when required, within [min, max]. */
function uint(ds: DataSet, tag: string, name: string, fallback: number | null, min: number, max: number): number {
  const v = ds.elements[tag] ? ds.uint16(tag) : undefined;
  if (v === undefined) {
    if (fallback === null) fail(`The DICOM file has no ${name} (${tagLabel(tag)}), so its pixels cannot be laid out.`);
    return fallback;
  }
  if (v < min || v > max) fail(`The DICOM file's ${name} (${tagLabel(tag)}) is ${v}, outside ${min}–${max}.`);
  return v;
}

const tagLabel = (tag: string) => `${tag.slice(1, 5).toUpperCase()},${tag.slice(5).toUpperCase()}`;

/** A decimal string (DS) value, or null when absent; refused when present but not a finite number. */
function decimal(ds: DataSet, tag: string, index: number, name: string): number | null {
  const text = ds.string(tag, index);
  if (text === undefined || text.trim() === '') return null;
  const v = Number(text.trim());
  if (!Number.isFinite(v)) fail(`The DICOM file's ${name} (${tagLabel(tag)}) is “${text.slice(0, 40)}”, not a number.`);
  return v;
}

/** A spacing pair "row\column" in mm, or null when absent or not two positive numbers (a missing spacing only loses mm). */
function spacing(ds: DataSet, tag: string): { x: number; y: number } | null {
  const row = Number(ds.string(tag, 0));
  const column = Number(ds.string(tag, 1));
  return Number.isFinite(row) && Number.isFinite(column) && row > 0 && column > 0 ? { x: column, y: row } : null;
}

/** The pixel layout the file declares, checked; everything but the samples. */
export interface DicomFormat {
  transferSyntax: string;
  width: number;
  height: number;
  channels: 1 | 3;
  bitsAllocated: 8 | 16;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  planar: boolean;
  photometric: string;
  frames: number;
}

export function dicomFormat(ds: DataSet): DicomFormat {
  const transferSyntax = (ds.string('x00020010') ?? IMPLICIT_LE).replace(/\0/g, '').trim();
  if (!NATIVE.has(transferSyntax)) {
    const name = COMPRESSED[transferSyntax];
    fail(name
      ? `This DICOM image is compressed with ${name} (transfer syntax ${transferSyntax}), which Chitti cannot decode yet; the file is kept as imported. Export it uncompressed (Explicit VR Little Endian) to view it.`
      : `This DICOM image uses transfer syntax ${transferSyntax.slice(0, 64)}, which Chitti does not know; the file is kept as imported. Export it uncompressed (Explicit VR Little Endian) to view it.`);
  }
  const pixelData = ds.elements.x7fe00010;
  if (!pixelData) fail('The DICOM file has no pixel data (7FE0,0010): it holds no image.');
  if (pixelData.encapsulatedPixelData) fail(`The DICOM file's pixel data is encapsulated (compressed) although its transfer syntax ${transferSyntax} says it is not.`);

  const height = uint(ds, 'x00280010', 'Rows', null, 1, 65535);
  const width = uint(ds, 'x00280011', 'Columns', null, 1, 65535);
  const spp = uint(ds, 'x00280002', 'SamplesPerPixel', 1, 1, 4);
  const bitsAllocated = uint(ds, 'x00280100', 'BitsAllocated', null, 1, 64);
  if (bitsAllocated !== 8 && bitsAllocated !== 16) fail(`The DICOM image has ${bitsAllocated}-bit samples (BitsAllocated); Chitti displays 8- and 16-bit ones.`);
  const bitsStored = uint(ds, 'x00280101', 'BitsStored', bitsAllocated, 1, bitsAllocated);
  const highBit = uint(ds, 'x00280102', 'HighBit', bitsStored - 1, bitsStored - 1, bitsAllocated - 1);
  const signed = uint(ds, 'x00280103', 'PixelRepresentation', 0, 0, 1) === 1;
  const photometric = (ds.string('x00280004') ?? (spp === 1 ? 'MONOCHROME2' : 'RGB')).trim().toUpperCase();
  const framesText = ds.string('x00280008');
  const frames = framesText === undefined || framesText.trim() === '' ? 1 : Number(framesText.trim());
  if (!Number.isInteger(frames) || frames < 1) fail(`The DICOM file's NumberOfFrames (0028,0008) is “${(framesText ?? '').slice(0, 20)}”, not a whole number.`);

  let channels: 1 | 3;
  if ((photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') && spp === 1) channels = 1;
  else if (photometric === 'RGB' && spp === 3) channels = 3;
  else fail(`The DICOM image's photometric interpretation is ${photometric.slice(0, 20)} with ${spp} sample(s) per pixel; Chitti displays MONOCHROME1, MONOCHROME2 and RGB.`);
  const planar = channels === 3 && uint(ds, 'x00280006', 'PlanarConfiguration', 0, 0, 1) === 1;
  return { transferSyntax, width, height, channels, bitsAllocated, bitsStored, highBit, signed, planar, photometric, frames };
}

/** Rescale, default inversion, window and spacing. `offset` is what was added to signed samples to make them unsigned. */
function dicomMeta(ds: DataSet, f: DicomFormat, offset: number): ImageMeta {
  let rescale: Rescale = { slope: 1, intercept: 0 };
  if (f.channels === 1) {
    const slope = decimal(ds, 'x00281053', 0, 'RescaleSlope') ?? 1;
    const intercept = decimal(ds, 'x00281052', 0, 'RescaleIntercept') ?? 0;
    if (slope <= 0) fail(`The DICOM file's RescaleSlope (0028,1053) is ${slope}; Chitti displays images whose slope is positive.`);
    rescale = { slope, intercept: intercept - slope * offset };
  }
  let fileWindow: ImageMeta['fileWindow'] = null;
  const centre = decimal(ds, 'x00281050', 0, 'WindowCenter');
  const width = decimal(ds, 'x00281051', 0, 'WindowWidth');
  if (f.channels === 1 && centre !== null && width !== null && width >= 1) {
    const explanation = (ds.string('x00281055', 0) ?? '').replace(/[^\x20-\x7e]/g, '').trim().slice(0, 40);
    fileWindow = { ...windowFromCentreWidth(centre, width), label: explanation ? `File: ${explanation}` : 'File (DICOM window)' };
  }
  const pixel = spacing(ds, 'x00280030');
  const imager = pixel ? null : spacing(ds, 'x00181164');
  return {
    rescale,
    defaultInvert: f.photometric === 'MONOCHROME1',
    fileWindow,
    pixelSpacing: pixel ? { ...pixel, source: 'dicom-pixel-spacing' } : imager ? { ...imager, source: 'dicom-imager-pixel-spacing' } : null,
  };
}

/** Size and depth from the data set only (for reports); the same checks as a decode, without reading pixels. */
export function dicomHeader(bytes: Uint8Array): { width: number; height: number; bitsPerSample: 8 | 16 } {
  const f = dicomFormat(parseDicomBytes(bytes));
  return { width: f.width, height: f.height, bitsPerSample: f.bitsAllocated };
}

/** Decodes the first frame. `checkSize` refuses an image over the pixel limit before its samples are touched. */
export async function decodeDicom(bytes: Uint8Array, checkSize: (width: number, height: number) => void): Promise<DicomImage> {
  const ds = parseDicomBytes(bytes);
  const f = dicomFormat(ds);
  checkSize(f.width, f.height);
  const element = ds.elements.x7fe00010!;
  const bytesPerSample = f.bitsAllocated / 8;
  const count = f.width * f.height * f.channels;
  const frameBytes = count * bytesPerSample;
  // dicom-parser may report the declared length of an element cut short by the end of the file.
  const available = Math.max(0, Math.min(element.length, ds.byteArray.length - element.dataOffset));
  if (available < frameBytes) fail(`The DICOM image data is truncated: its pixel data holds ${available} of the ${frameBytes} bytes a ${f.width}×${f.height} image needs.`);

  // A copy into our own (2-byte aligned) buffer, so the decoded image does not pin the original file.
  const data = Buffer.allocUnsafeSlow(frameBytes);
  data.set(ds.byteArray.subarray(element.dataOffset, element.dataOffset + frameBytes));
  if (f.bitsAllocated === 16 && f.transferSyntax === EXPLICIT_BE) data.swap16();
  const samples = f.bitsAllocated === 16 ? new Uint16Array(data.buffer, data.byteOffset, count) : data;

  // Keep BitsStored bits from HighBit down; signed ones sign-extended, then offset to unsigned.
  const shift = f.highBit + 1 - f.bitsStored;
  const mask = f.bitsStored >= 32 ? 0xffffffff : 2 ** f.bitsStored - 1;
  const signBit = 2 ** (f.bitsStored - 1);
  const signed = f.signed && f.channels === 1;
  const offset = signed ? signBit : 0;
  if (shift !== 0 || f.bitsStored < f.bitsAllocated || signed) {
    await inSlices(count, (start, end) => {
      for (let i = start; i < end; i++) {
        let v = (samples[i]! >>> shift) & mask;
        if (signed) v = (v & signBit ? v - 2 * signBit : v) + offset;
        samples[i] = v;
      }
    });
  }
  const out = f.planar ? interleave(data, f.width * f.height, bytesPerSample) : data;
  return { width: f.width, height: f.height, channels: f.channels, bitsPerSample: f.bitsAllocated, data: out, meta: dicomMeta(ds, f, offset) };
}

/** Planar RGB (RRR…GGG…BBB…) to interleaved (RGBRGB…). */
function interleave(planes: Buffer, pixels: number, bytesPerSample: number): Buffer {
  const out = Buffer.allocUnsafeSlow(planes.length);
  const plane = pixels * bytesPerSample;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) planes.copy(out, (p * 3 + c) * bytesPerSample, c * plane + p * bytesPerSample, c * plane + (p + 1) * bytesPerSample);
  }
  return out;
}
