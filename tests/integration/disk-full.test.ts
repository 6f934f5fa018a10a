import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSPHRASE, REPO, tempDir } from '../helpers/workspace.ts';

/**
 * A real full disk: the workspace lives on a 4 MiB tmpfs mounted in a private
 * mount namespace (`unshare`, works unprivileged through a user namespace).
 * The whole scenario runs inside that namespace, so it is one shell script.
 */
describe('a full disk', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let out: string;

  beforeAll(async () => {
    tmp = await tempDir('chitti-full-');
    await writeFile(path.join(tmp.dir, 'before.txt'), 'Reading 1: 12.4 mm\n');
    await writeFile(path.join(tmp.dir, 'huge-log.txt'), 'UT reading 12.4 mm at CML 7\n'.repeat(300_000)); // ~8 MiB
    await writeFile(path.join(tmp.dir, 'after.txt'), 'Reading 2: 12.1 mm\n');
    const chitti = `${process.execPath} ${path.join(REPO, 'bin/chitti.mjs')} --data-dir "$M/ws"`;
    const script = [
      'set -u',
      `M="${tmp.dir}/mnt"; mkdir -p "$M"`,
      'mount -t tmpfs -o size=4m tmpfs "$M"',
      `${chitti} init >/dev/null`,
      `J=$(${chitti} job create --name Full)`,
      `${chitti} import "${tmp.dir}/before.txt" --job "$J" --no-progress >/dev/null; echo "BEFORE_EXIT=$?"`,
      `${chitti} --json import "${tmp.dir}/huge-log.txt" --job "$J" --no-progress > "${tmp.dir}/huge.json"; echo "HUGE_EXIT=$?"`,
      `${chitti} import "${tmp.dir}/after.txt" --job "$J" --no-progress >/dev/null; echo "AFTER_EXIT=$?"`,
      `${chitti} --json job show "$J" > "${tmp.dir}/job.json"`,
      `${chitti} audit verify >/dev/null; echo "AUDIT_EXIT=$?"`,
      'ls "$M/ws/originals/tmp" | wc -l | sed "s/^/TEMP_LEFT=/"',
    ].join('\n');
    out = execFileSync('unshare', ['--mount', '--map-root-user', 'sh', '-c', script], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHITTI_PASSPHRASE: PASSPHRASE },
      encoding: 'utf8',
    });
  }, 120_000);
  afterAll(() => tmp.cleanup());

  const value = (key: string) => out.match(new RegExp(`${key}=(\\d+)`))?.[1];

  it('fails only the file that did not fit, with DISK_FULL', async () => {
    expect(value('BEFORE_EXIT')).toBe('0');
    expect(value('HUGE_EXIT')).toBe('6');
    const huge = JSON.parse(await readFile(path.join(tmp.dir, 'huge.json'), 'utf8')) as { failed: Array<{ errorCode: string; message: string }> };
    expect(huge.failed).toEqual([expect.objectContaining({ errorCode: 'DISK_FULL', message: expect.stringMatching(/disk is full/) })]);
  });

  it('loses nothing: the workspace keeps working and the partial write is gone', async () => {
    expect(value('AFTER_EXIT')).toBe('0');
    expect(value('AUDIT_EXIT')).toBe('0');
    expect(value('TEMP_LEFT')).toBe('0');
    const job = JSON.parse(await readFile(path.join(tmp.dir, 'job.json'), 'utf8')) as { assets: Array<{ originalName: string }> };
    expect(job.assets.map((a) => a.originalName).sort()).toEqual(['after.txt', 'before.txt']);
  });
});
