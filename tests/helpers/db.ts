import path from 'node:path';
import { KEY_FILE_NAME, loadMasterKey } from '../../src/core/crypto/key-file.ts';
import { deriveKey } from '../../src/core/crypto/derive.ts';
import { openDatabase, type Db } from '../../src/core/db/open.ts';
import { DB_FILE_NAME } from '../../src/core/index.ts';
import { headlessKeyStore } from '../../src/headless/key-store.ts';
import { PASSPHRASE } from './workspace.ts';

/**
 * A second connection to a test workspace's encrypted database (opened by
 * openTestCore with the test passphrase), to check or seed rows directly.
 */
export async function openWorkspaceDb(dataDir: string, passphrase = PASSPHRASE): Promise<Db> {
  const master = await loadMasterKey(path.join(dataDir, KEY_FILE_NAME), headlessKeyStore({ env: { CHITTI_PASSPHRASE: passphrase }, interactive: false }));
  try {
    return openDatabase(path.join(dataDir, DB_FILE_NAME), deriveKey(master.key, 'db'), { create: false });
  } finally {
    master.key.fill(0);
  }
}
