import { ChittiError } from '../core/app/errors.ts';
import { passphraseProtector } from '../core/crypto/passphrase-protector.ts';
import type { KeyProtector, KeyStorePort } from '../core/ports.ts';
import { keyringAvailable, keyringProtector } from './keyring-protector.ts';
import { promptHidden } from './prompt.ts';

export interface HeadlessKeyOptions {
  /** Protect a new key with a passphrase even where a keyring exists. */
  preferPassphrase?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Whether a person can be asked at a terminal. */
  interactive?: boolean;
}

/**
 * Key protection outside Electron: the OS keyring where there is one, else a
 * passphrase from CHITTI_PASSPHRASE or the terminal.
 */
export function headlessKeyStore(options: HeadlessKeyOptions = {}): KeyStorePort {
  const env = options.env ?? process.env;
  const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stderr.isTTY === true);

  const passphrase = (confirm: boolean): KeyProtector =>
    passphraseProtector(async () => {
      const fromEnv = env.CHITTI_PASSPHRASE;
      if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
      if (!interactive) {
        throw new ChittiError('KEY_UNAVAILABLE', 'This database is protected by a passphrase: set CHITTI_PASSPHRASE or run the command in a terminal.');
      }
      const first = await promptHidden('Chitti passphrase: ');
      if (confirm && (await promptHidden('Repeat passphrase: ')) !== first) {
        throw new ChittiError('KEY_UNAVAILABLE', 'The two passphrases differ; nothing was created.');
      }
      return first;
    });

  return {
    async forNewKey() {
      const wantsPassphrase = options.preferPassphrase || Boolean(env.CHITTI_PASSPHRASE);
      if (!wantsPassphrase && keyringAvailable()) return keyringProtector();
      if (wantsPassphrase || interactive) return passphrase(true);
      throw new ChittiError('KEY_UNAVAILABLE', 'No OS keyring is available to protect the database key: set CHITTI_PASSPHRASE (or run `chitti init --passphrase` in a terminal).');
    },
    async forMethod(method) {
      if (method === 'passphrase') return passphrase(false);
      if (method === 'keyring') return keyringProtector();
      throw new ChittiError('KEY_UNAVAILABLE', 'This database is protected by the desktop app’s keychain (Electron safeStorage): open it in the Chitti app.');
    },
  };
}
