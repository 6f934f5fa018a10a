import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ChittiError } from '../app/errors.ts';
import type { KeyMethod, KeyStorePort } from '../ports.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';

export const KEY_FILE_NAME = 'chitti.key.json';

const KeyFileSchema = z.object({
  format: z.literal('chitti-key'),
  version: z.literal(1),
  createdAt: z.string(),
  protected: z.looseObject({ method: z.enum(['passphrase', 'keyring', 'safe-storage']) }),
});

export interface MasterKey {
  key: Buffer;
  method: KeyMethod;
}

/** Makes a fresh random 256-bit master key and writes it, wrapped, beside the database. */
export async function createMasterKey(keyFilePath: string, keyStore: KeyStorePort, now: Date): Promise<MasterKey> {
  const protector = await keyStore.forNewKey();
  const key = randomBytes(32);
  const body: z.infer<typeof KeyFileSchema> = {
    format: 'chitti-key',
    version: 1,
    createdAt: now.toISOString(),
    protected: await protector.protect(key),
  };
  await writeFileAtomic(keyFilePath, JSON.stringify(body, null, 2) + '\n', { exclusive: true, mode: 0o600 });
  return { key, method: protector.method };
}

export async function loadMasterKey(keyFilePath: string, keyStore: KeyStorePort): Promise<MasterKey> {
  let text: string;
  try {
    text = await readFile(keyFilePath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ChittiError('KEY_MISSING', `The key file ${keyFilePath} is missing: without it the database cannot be opened. Restore it from a backup.`);
    }
    throw new ChittiError('KEY_MISSING', `The key file ${keyFilePath} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  let parsed: z.infer<typeof KeyFileSchema>;
  try {
    parsed = KeyFileSchema.parse(JSON.parse(text));
  } catch {
    throw new ChittiError('KEY_MISSING', `The key file ${keyFilePath} is damaged and cannot be used.`);
  }
  const protector = await keyStore.forMethod(parsed.protected.method);
  const key = await protector.unprotect({ ...parsed.protected, method: parsed.protected.method });
  if (key.length !== 32) throw new ChittiError('KEY_REJECTED', 'The unlocked key has the wrong length.');
  return { key, method: parsed.protected.method };
}
