import path from 'node:path';
import { Entry } from '@napi-rs/keyring';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyringAvailable, keyringProtector } from '../../src/headless/keyring-protector.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';

/**
 * Runs against the real Secret Service (gnome-keyring on a private D-Bus
 * session, started by scripts/with-keyring.sh for `npm test`). Without one,
 * these tests fail: they are never skipped.
 */
describe('OS keyring key protection', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('has a keyring to test against', () => {
    expect(keyringAvailable(), 'no Secret Service: run the tests through `npm test` (scripts/with-keyring.sh)').toBe(true);
  });

  it('wraps and unwraps the master key; a deleted entry is KEY_MISSING', async () => {
    const p = keyringProtector();
    const key = Buffer.alloc(32, 7);
    const stored = await p.protect(key);
    expect(JSON.stringify(stored)).not.toContain(key.toString('base64'));
    expect((await p.unprotect(stored)).equals(key)).toBe(true);
    new Entry(stored.service as string, stored.account as string).deletePassword();
    await expect(p.unprotect(stored)).rejects.toMatchObject({ code: 'KEY_MISSING' });
  });

  it('`chitti init` uses the keyring when there is one, and the workspace opens without a passphrase', async () => {
    const ws = path.join(dir, 'ws');
    const env = { CHITTI_PASSPHRASE: '', DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
    const init = await runCli(['--data-dir', ws, '--json', 'init'], env);
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.parse(init.stdout)).toMatchObject({ keyMethod: 'keyring' });
    const info = await runCli(['--data-dir', ws, 'info'], env);
    expect(info.code, info.stderr).toBe(0);
  });

  it('without keyring or passphrase, init fails with exit 4 and says what to do', async () => {
    const r = await runCli(['--data-dir', path.join(dir, 'ws'), 'init'], { CHITTI_PASSPHRASE: '', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/KEY_UNAVAILABLE: .*CHITTI_PASSPHRASE/);
  });
});
