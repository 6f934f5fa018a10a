import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

/** A new random id: prefix + 20 base32 characters (100 bits), safe to merge across devices. */
export function newId<P extends 'job' | 'ast' | 'tsk' | 'ana' | 'fnd' | 'dec' | 'rv' | 'cr' | 'crd'>(prefix: P): `${P}_${string}` {
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}
