/**
 * Writes small, valid DICOM Part 10 files (explicit VR, little or big
 * endian) for the cases the shared samples do not cover: MONOCHROME1,
 * 12-bit signed samples, big-endian words, planar RGB, imager spacing. The
 * meta header is always explicit little endian, as the standard requires.
 */
export interface DicomSpec {
  rows: number;
  columns: number;
  /** Stored samples, row-major (interleaved or planar as `planar` says); written as BitsAllocated-bit words. */
  samples: ArrayLike<number>;
  bitsAllocated?: 8 | 16;
  bitsStored?: number;
  highBit?: number;
  signed?: boolean;
  photometric?: 'MONOCHROME1' | 'MONOCHROME2' | 'RGB';
  planar?: boolean;
  bigEndian?: boolean;
  transferSyntax?: string;
  pixelSpacing?: [number, number];
  imagerPixelSpacing?: [number, number];
  window?: { centre: number; width: number };
  rescale?: { slope: number; intercept: number };
  /** Cut the file this many bytes short (a truncated transfer). */
  truncateBy?: number;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

function element(group: number, elem: number, vr: string, value: Buffer, bigEndian: boolean): Buffer {
  const padded = value.length % 2 === 0 ? value : Buffer.concat([value, Buffer.from([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]);
  const long = LONG_VRS.has(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  const u16 = (v: number, at: number) => (bigEndian ? head.writeUInt16BE(v, at) : head.writeUInt16LE(v, at));
  u16(group, 0);
  u16(elem, 2);
  head.write(vr, 4, 'latin1');
  if (long) {
    if (bigEndian) head.writeUInt32BE(padded.length, 8);
    else head.writeUInt32LE(padded.length, 8);
  } else u16(padded.length, 6);
  return Buffer.concat([head, padded]);
}

const text = (s: string) => Buffer.from(s, 'latin1');
const us = (v: number, bigEndian: boolean) => {
  const b = Buffer.alloc(2);
  if (bigEndian) b.writeUInt16BE(v);
  else b.writeUInt16LE(v);
  return b;
};

export function dicomFile(spec: DicomSpec): Buffer {
  const be = spec.bigEndian ?? false;
  const ts = spec.transferSyntax ?? (be ? EXPLICIT_BE : EXPLICIT_LE);
  const ba = spec.bitsAllocated ?? 16;
  const bs = spec.bitsStored ?? ba;
  const photometric = spec.photometric ?? 'MONOCHROME2';
  const spp = photometric === 'RGB' ? 3 : 1;

  const metaBody = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1]), false),
    element(0x0002, 0x0010, 'UI', text(ts), false),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaBody.length);
  const meta = Buffer.concat([element(0x0002, 0x0000, 'UL', groupLength, false), metaBody]);

  const pixels = Buffer.alloc(spec.samples.length * (ba / 8));
  for (let i = 0; i < spec.samples.length; i++) {
    const v = spec.samples[i]!;
    if (ba === 8) pixels[i] = v & 0xff;
    else if (be) pixels.writeUInt16BE(v & 0xffff, i * 2);
    else pixels.writeUInt16LE(v & 0xffff, i * 2);
  }
  const ds = (vr: string, g: number, e: number, value: Buffer) => element(g, e, vr, value, be);
  const parts: Buffer[] = [];
  if (spec.imagerPixelSpacing) parts.push(ds('DS', 0x0018, 0x1164, text(spec.imagerPixelSpacing.join('\\'))));
  parts.push(ds('US', 0x0028, 0x0002, us(spp, be)), ds('CS', 0x0028, 0x0004, text(photometric)));
  if (spp === 3) parts.push(ds('US', 0x0028, 0x0006, us(spec.planar ? 1 : 0, be)));
  parts.push(ds('US', 0x0028, 0x0010, us(spec.rows, be)), ds('US', 0x0028, 0x0011, us(spec.columns, be)));
  if (spec.pixelSpacing) parts.push(ds('DS', 0x0028, 0x0030, text(spec.pixelSpacing.join('\\'))));
  parts.push(
    ds('US', 0x0028, 0x0100, us(ba, be)),
    ds('US', 0x0028, 0x0101, us(bs, be)),
    ds('US', 0x0028, 0x0102, us(spec.highBit ?? bs - 1, be)),
    ds('US', 0x0028, 0x0103, us(spec.signed ? 1 : 0, be)),
  );
  if (spec.window) parts.push(ds('DS', 0x0028, 0x1050, text(String(spec.window.centre))), ds('DS', 0x0028, 0x1051, text(String(spec.window.width))));
  if (spec.rescale) parts.push(ds('DS', 0x0028, 0x1052, text(String(spec.rescale.intercept))), ds('DS', 0x0028, 0x1053, text(String(spec.rescale.slope))));
  parts.push(ds(ba === 8 ? 'OB' : 'OW', 0x7fe0, 0x0010, pixels));
  const file = Buffer.concat([Buffer.alloc(128), text('DICM'), meta, ...parts]);
  return spec.truncateBy ? file.subarray(0, file.length - spec.truncateBy) : file;
}
