import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SHARED_DATA, tempDir } from '../helpers/workspace.ts';

describe('chitti CLI', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let ws: string;
  let jobId: string;
  const cli = (...args: string[]) => runCli(['--data-dir', ws, ...args]);

  beforeAll(async () => {
    tmp = await tempDir('chitti-cli-');
    ws = path.join(tmp.dir, 'ws');
  });
  afterAll(() => tmp.cleanup());

  it('says NOT_INITIALIZED (exit 3) before init', async () => {
    const r = await cli('job', 'list');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/NOT_INITIALIZED.*chitti init/);
  });

  it('init creates a workspace protected by the passphrase, once', async () => {
    const r = await cli('init');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Created a Chitti workspace in .* \(key protected by passphrase\)/);
    const again = await cli('init');
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/ALREADY_INITIALIZED/);
  });

  it('a wrong passphrase is exit 4 with KEY_REJECTED', async () => {
    const r = await runCli(['--data-dir', ws, 'job', 'list'], { CHITTI_PASSPHRASE: 'wrong wrong wrong' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/KEY_REJECTED: Wrong passphrase/);
  });

  it('job create prints the id; list and show find it', async () => {
    const r = await cli('job', 'create', '--name', 'Tank 6 external, LR0328', '--client', 'Refinery Ltd', '--site', 'Unit 4', '--inspector', 'Priya N.', '--start', '2026-11-23');
    expect(r.code, r.stderr).toBe(0);
    jobId = r.stdout.trim();
    expect(jobId).toMatch(/^job_[0-9a-z]{20}$/);
    const list = await cli('job', 'list');
    expect(list.stdout).toMatch(new RegExp(`${jobId}\\s+Tank 6 external, LR0328\\s+Refinery Ltd\\s+Unit 4\\s+0`));
    const show = await cli('--json', 'job', 'show', jobId);
    expect(JSON.parse(show.stdout)).toMatchObject({ job: { id: jobId, inspector: 'Priya N.', startDate: '2026-11-23' }, assets: [] });
  });

  it('usage errors are exit 2; unknown jobs exit 5; bad input exit 2', async () => {
    expect((await cli('job', 'create')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    const missing = await cli('job', 'show', 'job_00000000000000000000');
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/NOT_FOUND/);
    const bad = await cli('job', 'create', '--name', 'x', '--start', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/INVALID_INPUT.*startDate/);
  });

  it('import reports each file, lists failures with reasons, and exits 6 when some failed', async () => {
    const src = path.join(tmp.dir, 'photos');
    await mkdir(src);
    await copyFile(path.join(SHARED_DATA, 'neu-det/images/scratches_100.jpg'), path.join(src, 'scratch.jpg'));
    await copyFile(path.join(SHARED_DATA, 'reports/bridge-element-inspection-synthetic.pdf'), path.join(src, 'photo2.jpg'));
    await writeFile(path.join(src, 'empty.jpg'), '');
    const r = await cli('import', src, '--job', jobId);
    expect(r.code, r.stderr).toBe(6);
    expect(r.stdout).toMatch(/2 imported, 0 duplicates, 1 failed, of 3 files/);
    expect(r.stdout).toMatch(/Not imported:\n\s+empty\.jpg\s+FILE_EMPTY: the file is empty/);
    expect(r.stdout).toMatch(/photo2\.jpg: named \.jpg but the content is a PDF/i);
    expect(r.stderr).toMatch(/\[3\/3\]/);
    const json = await cli('--json', 'import', src, '--job', jobId);
    expect(json.code).toBe(6);
    expect(JSON.parse(json.stdout)).toMatchObject({ task: { status: 'done', duplicates: 2, failed: 1 } });
  });

  it('import of only good files exits 0', async () => {
    const src = path.join(tmp.dir, 'good');
    await mkdir(src);
    await copyFile(path.join(SHARED_DATA, 'neu-det/images/pitted_surface_100.jpg'), path.join(src, 'p.jpg'));
    const r = await cli('import', src, '--job', jobId, '--no-progress');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('audit verify exits 0 on an intact trail and lists entries', async () => {
    const r = await cli('audit', 'verify');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Audit trail intact: \d+ entries, head [0-9a-f]{64}/);
    const log = await cli('audit', 'log', '--entity', jobId);
    expect(log.stdout).toMatch(/job\.created/);
  });

  it('tasks list shows the finished imports', async () => {
    const r = await cli('tasks', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout.match(/tsk_\w+\s+import\s+done/g)).toHaveLength(3);
  });
});
