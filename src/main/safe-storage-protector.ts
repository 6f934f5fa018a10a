import { safeStorage } from 'electron';
import { ChittiError } from '../core/app/errors.ts';
import type { KeyProtector, ProtectedKey } from '../core/ports.ts';

type SafeStorageLike = Pick<
  typeof safeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

const MASTER_KEY_BYTES = 32;

/**
 * Protects the master key with Electron's safeStorage (Keychain on macOS,
 * DPAPI on Windows, libsecret/kwallet on Linux). The key file then holds
 * `{ method: 'safe-storage', blob }`, where `blob` is the OS-encrypted
 * base64 of the key.
 *
 * On Linux without a secret service, safeStorage falls back to a hard-coded
 * password ('basic_text'); that would protect nothing, so no new key is made
 * under it.
 */
export function safeStorageProtector(
  storage: SafeStorageLike = safeStorage,
  platform: NodeJS.Platform = process.platform,
): KeyProtector {
  const requireAvailable = () => {
    if (!storage.isEncryptionAvailable()) {
      throw new ChittiError('KEY_UNAVAILABLE', 'The operating system’s keychain is not available, so the database key cannot be unlocked. Log in to your desktop session (or unlock the keychain) and try again.');
    }
  };

  return {
    method: 'safe-storage',

    async protect(masterKey) {
      requireAvailable();
      if (platform === 'linux' && storage.getSelectedStorageBackend() === 'basic_text') {
        throw new ChittiError('KEY_UNAVAILABLE', 'No secret service (GNOME Keyring, KWallet) is running, so the database key cannot be stored safely. Start one, or create the database with `chitti init --passphrase`.');
      }
      const encrypted = storage.encryptString(masterKey.toString('base64'));
      return { method: 'safe-storage', blob: encrypted.toString('base64') };
    },

    async unprotect(protectedKey: ProtectedKey) {
      const blob = protectedKey.blob;
      if (protectedKey.method !== 'safe-storage' || typeof blob !== 'string' || blob === '') {
        throw new ChittiError('KEY_MISSING', 'The key file is damaged: its safe-storage section is invalid.');
      }
      requireAvailable();
      let plain: string;
      try {
        plain = storage.decryptString(Buffer.from(blob, 'base64'));
      } catch (e) {
        throw new ChittiError('KEY_REJECTED', 'The operating system’s keychain could not decrypt the database key (was it made by another user or on another machine?).', { cause: e });
      }
      const key = Buffer.from(plain, 'base64');
      if (key.length !== MASTER_KEY_BYTES) {
        key.fill(0);
        throw new ChittiError('KEY_REJECTED', 'The keychain returned something that is not a Chitti database key.');
      }
      return key;
    },
  };
}
