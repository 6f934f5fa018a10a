import { ChittiError } from '../app/errors.ts';

/**
 * Binary PGM (P5), read here because sharp 0.35's libvips build has no
 * PPM/PGM loader. The format is a short text header and raw samples:
 *
 *   "P5" <ws> width <ws> height <ws> maxval <one ws> samples
 *
 * with `#` comments allowed in the header. Samples are one byte when maxval
 * < 256, otherwise two bytes, most significant first (Netpbm's rule). Only
 * the first image of a multi-image file is read.
 */
export interface PgmImage {
  width: number;
  height: number;
  maxval: number;
  bitsPerSample: 8 | 16;
  /** Row-major grey samples; 16-bit ones converted to the platform's (little-endian) order. */
  data: Buffer;
}

const unreadable = (why: string) => new ChittiError('IMAGE_UNREADABLE', `This PGM image cannot be read: ${why}.`);

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;

/** Reads width, height and maxval; returns them with the offset of the first sample. */
export function parsePgmHeader(bytes: Buffer): { width: number; height: number; maxval: number; dataOffset: number } {
  if (bytes.length < 2 || bytes[0] !== 0x50 /* P */ || bytes[1] !== 0x35 /* 5 */) throw unreadable('it is not a binary (P5) PGM');
  let pos = 2;
  const numbers: number[] = [];
  // The header is tiny; a cap keeps a file of endless comments or digits from being scanned to its end.
  const headerLimit = Math.min(bytes.length, 4096);
  while (numbers.length < 3) {
    while (pos < headerLimit) {
      const b = bytes[pos]!;
      if (isSpace(b)) pos++;
      else if (b === 0x23 /* # */) {
        while (pos < headerLimit && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
      } else break;
    }
    const start = pos;
    while (pos < headerLimit && bytes[pos]! >= 0x30 && bytes[pos]! <= 0x39) pos++;
    if (pos === start || pos - start > 9) throw unreadable('its header is malformed');
    numbers.push(Number(bytes.toString('latin1', start, pos)));
  }
  // Exactly one whitespace byte separates maxval from the samples.
  if (pos >= bytes.length || !isSpace(bytes[pos]!)) throw unreadable('its header is malformed');
  const [width, height, maxval] = numbers as [number, number, number];
  if (width < 1 || height < 1) throw unreadable('it declares no pixels');
  if (maxval < 1 || maxval > 65535) throw unreadable(`its maximum value ${maxval} is outside 1-65535`);
  return { width, height, maxval, dataOffset: pos + 1 };
}

/** Decodes a P5 PGM after the caller has checked the pixel count against its limit (see `parsePgmHeader`). */
export function decodePgm(bytes: Buffer): PgmImage {
  const { width, height, maxval, dataOffset } = parsePgmHeader(bytes);
  const bytesPerSample = maxval < 256 ? 1 : 2;
  const needed = width * height * bytesPerSample;
  if (bytes.length - dataOffset < needed) {
    throw unreadable(`the image data is truncated (${bytes.length - dataOffset} of ${needed} bytes)`);
  }
  // A copy, so the decoded image does not pin the whole original file in memory.
  const data = Buffer.from(bytes.subarray(dataOffset, dataOffset + needed));
  // Netpbm stores 16-bit samples big-endian; every platform Node runs on here is little-endian.
  if (bytesPerSample === 2) data.swap16();
  return { width, height, maxval, bitsPerSample: bytesPerSample === 2 ? 16 : 8, data };
}
