import { randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ChittiError } from '../app/errors.ts';
import type { KeyProtector, ProtectedKey } from '../ports.ts';
import { open, seal } from './aead.ts';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** scrypt cost: N=2^17, r=8 (OWASP's recommendation); about 128 MiB and ~0.3 s per unlock. */
const DEFAULT_PARAMS = { N: 2 ** 17, r: 8, p: 1 };
const MIN_PASSPHRASE = 8;

const Stored = z.object({
  method: z.literal('passphrase'),
  // Bounds: a tampered key file must not make an unlock take hours or all memory.
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z.number().int().min(2 ** 14).max(2 ** 20).refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
    r: z.number().int().min(1).max(32),
    p: z.number().int().min(1).max(4),
    salt: z.string(),
  }),
  wrapped: z.object({ iv: z.string(), ct: z.string(), tag: z.string() }),
});

async function stretch(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }) {
  return scryptAsync(passphrase, salt, 32, { ...params, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 });
}

/**
 * Wraps the master key with a key stretched from a passphrase, for hosts with
 * no OS keychain (servers, CI, minimal Linux desktops).
 */
export function passphraseProtector(getPassphrase: () => Promise<string>, params = DEFAULT_PARAMS): KeyProtector {
  return {
    method: 'passphrase',
    async protect(masterKey) {
      const passphrase = await getPassphrase();
      if (passphrase.length < MIN_PASSPHRASE) {
        throw new ChittiError('KEY_UNAVAILABLE', `The passphrase must be at least ${MIN_PASSPHRASE} characters long.`);
      }
      const salt = randomBytes(16);
      const kek = await stretch(passphrase, salt, params);
      return {
        method: 'passphrase',
        kdf: { name: 'scrypt', ...params, salt: salt.toString('base64') },
        wrapped: seal(kek, masterKey, 'chitti-master-key'),
      } satisfies z.infer<typeof Stored>;
    },
    async unprotect(protectedKey: ProtectedKey) {
      const parsed = Stored.safeParse(protectedKey);
      if (!parsed.success) throw new ChittiError('KEY_MISSING', 'The key file is damaged: its passphrase section is invalid.');
      const { kdf, wrapped } = parsed.data;
      const passphrase = await getPassphrase();
      const kek = await stretch(passphrase, Buffer.from(kdf.salt, 'base64'), kdf);
      const key = open(kek, wrapped, 'chitti-master-key');
      if (!key) throw new ChittiError('KEY_REJECTED', 'Wrong passphrase: the database key could not be unlocked.');
      return key;
    },
  };
}
