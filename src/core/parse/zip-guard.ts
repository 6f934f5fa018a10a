import type { Readable } from 'node:stream';
import { fromBufferPromise, type Entry, type ZipFile } from 'yauzl';
import { ChittiError } from '../app/errors.ts';
import { reasonOf } from './context.ts';
import { mib, type ParseLimits } from './limits.ts';

/**
 * A ZIP package (DOCX) opened for reading with its size checked first and
 * enforced while inflating.
 *
 * Before anything is inflated, the central directory is read (it is small and
 * needs no inflation) and refused with DOCUMENT_TOO_LARGE when it has too many
 * entries, when one entry declares more than a part may have, when the declared
 * total is absurd, or when an entry's declared inflated/compressed ratio is that
 * of a bomb. Declared sizes can lie, so every inflation then counts real bytes:
 * yauzl stops a stream that yields more than its entry declared, and the counts
 * here stop one part or all parts together at the limits whatever was declared.
 * Nothing is ever inflated to find out how big it is.
 */
export interface GuardedZip {
  readonly names: readonly string[];
  has(name: string): boolean;
  /** Inflates one part, within the limits; DOCUMENT_TOO_LARGE past them. */
  read(name: string): Promise<Uint8Array>;
  close(): void;
}

const tooLarge = (why: string) => new ChittiError('DOCUMENT_TOO_LARGE', `This archive is too large to read safely: ${why}. It may be a decompression bomb.`);
const unreadable = (why: string) => new ChittiError('DOCUMENT_UNREADABLE', `This archive cannot be read: ${why}.`);

/** ZIP local file header or end-of-central-directory signature (an empty archive) at offset 0. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06));
}

function checkDeclared(entry: Entry, limits: ParseLimits): void {
  const { fileName: name, uncompressedSize: size, compressedSize: packed } = entry;
  if (size > limits.zipMaxEntryBytes) {
    throw tooLarge(`its part ${name} declares ${mib(size)} once inflated, more than the ${mib(limits.zipMaxEntryBytes)} a part may have`);
  }
  if (size >= limits.zipRatioMinBytes && size > packed * limits.zipMaxRatio) {
    const ratio = packed > 0 ? Math.round(size / packed) : Infinity;
    throw tooLarge(`its part ${name} declares ${mib(size)} from ${packed} compressed bytes (${ratio}:1; real documents stay under ${limits.zipMaxRatio}:1)`);
  }
}

async function readDirectory(zip: ZipFile, limits: ParseLimits): Promise<Map<string, Entry>> {
  if (zip.entryCount > limits.zipMaxEntries) {
    throw tooLarge(`it has ${zip.entryCount} entries, more than the ${limits.zipMaxEntries} a document may have`);
  }
  const entries = new Map<string, Entry>();
  let declaredTotal = 0;
  for await (const entry of zip.eachEntry()) {
    if (entries.size >= limits.zipMaxEntries) throw tooLarge(`it has more than ${limits.zipMaxEntries} entries`);
    if (entries.has(entry.fileName)) throw unreadable(`it holds two parts named ${entry.fileName}`);
    checkDeclared(entry, limits);
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.zipMaxTotalBytes) {
      throw tooLarge(`its parts declare more than ${mib(limits.zipMaxTotalBytes)} in all once inflated`);
    }
    entries.set(entry.fileName, entry);
  }
  return entries;
}

/** Collects a stream, failing as soon as it passes `max` bytes (the stream is destroyed, so inflation stops there). */
async function collect(stream: Readable, max: number, onOver: () => Error): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      stream.destroy();
      throw onOver();
    }
    chunks.push(chunk);
  }
  const out = Buffer.concat(chunks, total);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export async function openGuardedZip(bytes: Uint8Array, limits: ParseLimits): Promise<GuardedZip> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip: ZipFile;
  try {
    zip = await fromBufferPromise(buffer, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (e) {
    throw unreadable(`its directory is damaged (${reasonOf(e)})`);
  }
  let entries: Map<string, Entry>;
  try {
    entries = await readDirectory(zip, limits);
  } catch (e) {
    zip.close();
    if (e instanceof ChittiError) throw e;
    throw unreadable(`its directory is damaged (${reasonOf(e)})`);
  }

  let inflated = 0;
  const names = [...entries.keys()];
  return {
    names,
    has: (name) => entries.has(name),
    async read(name) {
      const entry = entries.get(name);
      if (!entry) throw unreadable(`it has no part ${name}`);
      if (entry.isEncrypted()) throw new ChittiError('DOCUMENT_ENCRYPTED', 'This document is password-protected; Chitti does not open protected documents. Save a copy without the password and import that.');
      const partMax = Math.min(limits.zipMaxEntryBytes, limits.zipMaxInflatedBytes - inflated);
      let data: Uint8Array;
      try {
        const stream = await zip.openReadStreamPromise(entry);
        data = await collect(stream, partMax, () =>
          partMax < limits.zipMaxEntryBytes
            ? tooLarge(`its parts inflate to more than ${mib(limits.zipMaxInflatedBytes)} in all`)
            : tooLarge(`its part ${name} inflates to more than ${mib(limits.zipMaxEntryBytes)}`));
      } catch (e) {
        if (e instanceof ChittiError) throw e;
        const why = reasonOf(e);
        // yauzl's size validation: the part inflates to more than its header declared.
        if (/too many bytes/i.test(why)) throw tooLarge(`its part ${name} inflates to more than the ${entry.uncompressedSize} bytes it declares`);
        throw unreadable(`its part ${name} is damaged (${why})`);
      }
      inflated += data.length;
      return data;
    },
    close: () => zip.close(),
  };
}
