import { randomBytes } from 'node:crypto';
import { Entry } from '@napi-rs/keyring';
import { z } from 'zod';
import { ChittiError } from '../core/app/errors.ts';
import { open, seal } from '../core/crypto/aead.ts';
import type { KeyProtector } from '../core/ports.ts';

const SERVICE = 'chitti';

const Stored = z.object({
  method: z.literal('keyring'),
  service: z.string(),
  account: z.string(),
  wrapped: z.object({ iv: z.string(), ct: z.string(), tag: z.string() }),
});

/** True when the OS keyring (Secret Service, Keychain, Credential Manager) accepts and returns a secret. */
export function keyringAvailable(): boolean {
  const probe = new Entry(SERVICE, `probe-${randomBytes(6).toString('hex')}`);
  try {
    probe.setPassword('probe');
    const ok = probe.getPassword() === 'probe';
    probe.deletePassword();
    return ok;
  } catch {
    return false;
  }
}

/**
 * Keeps a random wrapping key in the OS keyring and the master key, wrapped
 * with it, in the key file: the keyring holds no database key directly, and
 * copying the key file alone to another machine unlocks nothing.
 */
export function keyringProtector(): KeyProtector {
  return {
    method: 'keyring',
    async protect(masterKey) {
      const account = `workspace-${randomBytes(8).toString('hex')}`;
      const kek = randomBytes(32);
      try {
        new Entry(SERVICE, account).setPassword(kek.toString('base64'));
      } catch (e) {
        throw new ChittiError('KEY_UNAVAILABLE', `The OS keyring refused to store the key: ${(e as Error).message}`);
      }
      return { method: 'keyring', service: SERVICE, account, wrapped: seal(kek, masterKey, 'chitti-master-key') } satisfies z.infer<typeof Stored>;
    },
    async unprotect(protectedKey) {
      const parsed = Stored.safeParse(protectedKey);
      if (!parsed.success) throw new ChittiError('KEY_MISSING', 'The key file is damaged: its keyring section is invalid.');
      const { service, account, wrapped } = parsed.data;
      let secret: string | null;
      try {
        secret = new Entry(service, account).getPassword();
      } catch (e) {
        throw new ChittiError('KEY_UNAVAILABLE', `The OS keyring cannot be reached: ${(e as Error).message}`);
      }
      if (secret === null) {
        throw new ChittiError('KEY_MISSING', `The OS keyring has no entry ${service}/${account} for this database (another user or machine, or it was deleted).`);
      }
      const key = open(Buffer.from(secret, 'base64'), wrapped, 'chitti-master-key');
      if (!key) throw new ChittiError('KEY_REJECTED', `The keyring entry ${service}/${account} does not unlock this key file.`);
      return key;
    },
  };
}
