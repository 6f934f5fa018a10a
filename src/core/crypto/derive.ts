import { hkdfSync } from 'node:crypto';

/**
 * Purpose-bound subkeys of the master key. Each use gets its own key so that a
 * leak or misuse of one (say the blob key) reveals nothing about another.
 */
export type KeyPurpose = 'db' | 'blob' | 'blob-name' | 'audit-anchor';

export function deriveKey(masterKey: Buffer, purpose: KeyPurpose, salt: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, salt, `chitti/${purpose}/v1`, 32));
}
