import { ChittiError } from '../app/errors.ts';
import { sniffContent } from '../ingest/sniff.ts';
import type { ParseLimits } from './limits.ts';
import type { DocumentFormat } from './types.ts';
import { looksLikeZip, openGuardedZip, type GuardedZip } from './zip-guard.ts';

/**
 * The format of a document, by its content (the import sniffer, src/core/ingest/sniff.ts),
 * never by its name. A ZIP is checked against the archive limits before
 * anything in it is looked at, so a bomb is refused as one whatever it claims
 * to be. Two things the sniffer refuses are read here all the same: text in
 * a legacy 8-bit encoding (read as Windows-1252), and an encrypted Office
 * file, which is refused as encrypted rather than as "an OLE2 file".
 */
export type Detected =
  | { format: 'docx'; zip: GuardedZip }
  | { format: Exclude<DocumentFormat, 'docx'> };

const notADocument = (why: string) => new ChittiError('DOCUMENT_UNREADABLE', `This file is not a document Chitti can read: ${why}.`);

/** An OLE2 compound file holding Office's 'EncryptedPackage' stream (a password-protected DOCX/XLSX). */
function isEncryptedOffice(bytes: Uint8Array): boolean {
  const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  if (!CFB.every((b, i) => bytes[i] === b)) return false;
  const name = Buffer.from('EncryptedPackage', 'utf16le');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(name);
}

/** Text with 8-bit bytes that are not UTF-8 (at most 30% of them, as in any Latin-script language) and no binary control bytes. */
function looksLikeLegacyText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 65536);
  let high = 0;
  for (const c of head) {
    if (c === 0 || (c < 0x20 && !(c >= 0x09 && c <= 0x0d) && c !== 0x1a)) return false;
    if (c >= 0x80) high++;
  }
  return head.length > 0 && high * 10 <= head.length * 3;
}

export async function detectFormat(bytes: Uint8Array, limits: ParseLimits): Promise<Detected> {
  if (bytes.length === 0) throw new ChittiError('DOCUMENT_UNREADABLE', 'This file is empty.');
  if (isEncryptedOffice(bytes)) {
    throw new ChittiError('DOCUMENT_ENCRYPTED', 'This Office document is password-protected; Chitti does not open protected documents. Save a copy without the password and import that.');
  }
  const zip = looksLikeZip(bytes) ? await openGuardedZip(bytes, limits) : null;
  const sniff = await sniffContent(bytes);
  if (zip && !(sniff.ok && sniff.mime.endsWith('wordprocessingml.document'))) {
    zip.close();
    throw notADocument(sniff.ok ? `it is ${sniff.label}` : sniff.message);
  }
  if (zip) return { format: 'docx', zip };
  if (!sniff.ok) {
    if (sniff.code === 'FILE_UNKNOWN_TYPE' && looksLikeLegacyText(bytes)) return { format: 'txt' };
    throw notADocument(sniff.message);
  }
  switch (sniff.mime) {
    case 'application/pdf': return { format: 'pdf' };
    case 'application/rtf': return { format: 'rtf' };
    case 'text/plain': return { format: 'txt' };
    case 'image/png': case 'image/jpeg': case 'image/tiff': return { format: 'image' };
    default: throw notADocument(`it is ${sniff.label === 'DICOM image' ? 'a DICOM image' : `a ${sniff.label}`}, not a page: import it as an image`);
  }
}
