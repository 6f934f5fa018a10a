import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';

/**
 * Encrypted blob layout (version 1), built for large originals (radiographs of
 * hundreds of MB) that must be written and read as streams:
 *
 *   header  = "CHTB" | 0x01 | salt(32) | chunkSize(uint32 BE)          (41 bytes)
 *   chunk i = AES-256-GCM(fileKey, nonce_i, plaintext_i, aad=header) | tag(16)
 *
 * fileKey = HKDF-SHA256(blobKey, salt, "chitti/blob-file/v1"): a fresh random
 * salt per file gives every file its own key, so chunk counters as nonces never
 * repeat under one key. nonce_i = uint64 BE(i) | 0x000000 | final flag, so a
 * chunk cannot be moved, and a file cut after a whole chunk is detected (its
 * last chunk lacks the final flag) instead of silently reading short.
 */
export const MAGIC = Buffer.from('CHTB');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 41;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

export function encodeHeader(salt: Buffer, chunkSize: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt8(FORMAT_VERSION, 4);
  salt.copy(header, 5);
  header.writeUInt32BE(chunkSize, 37);
  return header;
}

export function decodeHeader(header: Buffer): { salt: Buffer; chunkSize: number } | null {
  if (header.length < HEADER_BYTES || !header.subarray(0, 4).equals(MAGIC) || header.readUInt8(4) !== FORMAT_VERSION) return null;
  const chunkSize = header.readUInt32BE(37);
  if (chunkSize < 1024 || chunkSize > 64 * 1024 * 1024) return null;
  return { salt: Buffer.from(header.subarray(5, 37)), chunkSize };
}

export function fileKey(blobKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', blobKey, salt, 'chitti/blob-file/v1', 32));
}

function nonce(index: number, final: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeBigUInt64BE(BigInt(index), 0);
  n.writeUInt8(final ? 1 : 0, 11);
  return n;
}

export function sealChunk(key: Buffer, header: Buffer, index: number, final: boolean, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(index, final));
  cipher.setAAD(header);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** Returns null if the chunk was altered, moved, or its final flag is not the one claimed. */
export function openChunk(key: Buffer, header: Buffer, index: number, final: boolean, sealed: Buffer): Buffer | null {
  if (sealed.length < TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(index, final));
    decipher.setAAD(header);
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}
