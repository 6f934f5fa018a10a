import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelsDir } from '../helpers/models.ts';
import { runCli, SHARED_DATA, tempDir } from '../helpers/workspace.ts';

/** Every connect() the process tree made, from an strace log. */
function networkConnects(trace: string): string[] {
  return trace.split('\n').filter((l) => /connect\(/.test(l) && /AF_INET6?\b/.test(l));
}

describe('offline by default', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('chitti-offline-');
    execFileSync('strace', ['-V']); // strace must be installed: a missing tool fails this test, it does not skip it
  });
  afterAll(() => tmp.cleanup());

  it('init, job create, an import and detection open no network connection', async () => {
    const ws = path.join(tmp.dir, 'ws');
    const src = path.join(tmp.dir, 'in');
    await mkdir(src);
    await copyFile(path.join(SHARED_DATA, 'neu-det/images/rolled-in_scale_100.jpg'), path.join(src, 'a.jpg'));
    await copyFile(path.join(SHARED_DATA, 'reports/bridge-element-inspection-synthetic.pdf'), path.join(src, 'b.pdf'));
    const traced = (name: string, ...args: string[]) =>
      runCli(['--data-dir', ws, ...args], { CHITTI_MODELS_DIR: testModelsDir() }, { prefix: ['strace', '-f', '-qq', '-e', 'trace=connect', '-o', path.join(tmp.dir, `${name}.trace`)] });

    expect((await traced('init', 'init')).code).toBe(0);
    const created = await traced('job', 'job', 'create', '--name', 'Offline');
    expect(created.code).toBe(0);
    const imported = await traced('import', 'import', src, '--job', created.stdout.trim());
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/2 imported/);
    const detected = await traced('detect', 'detect', path.join(src, 'a.jpg'));
    expect(detected.code, detected.stderr).toBe(0);
    expect(JSON.parse(detected.stdout)).toMatchObject({ width: 200, detections: expect.any(Array) });

    for (const name of ['init', 'job', 'import', 'detect']) {
      const trace = await readFile(path.join(tmp.dir, `${name}.trace`), 'utf8');
      expect(networkConnects(trace), name).toEqual([]);
    }
  });

  it('the demo (import, detect, a checklist review with the embedding model, both PDFs) opens no network connection', async () => {
    const out = path.join(tmp.dir, 'demo');
    const trace = path.join(tmp.dir, 'demo.trace');
    const r = await runCli(['--json', 'demo', '--out', out], { CHITTI_PASSPHRASE: undefined }, { prefix: ['strace', '-f', '-qq', '-e', 'trace=connect', '-o', trace] });
    expect(r.code, r.stderr).toBe(0);
    // The review ran with the sentence-embedding layer, loaded from local files (no "embeddings are off" warning).
    const { review } = JSON.parse(r.stdout) as { review: { layers: string[]; warnings: string[] } };
    expect(review.layers).toContain('retrieval');
    expect(review.warnings.join(' ')).not.toMatch(/embedding/i);
    expect(networkConnects(await readFile(trace, 'utf8'))).toEqual([]);
  }, 300_000);

  it('the detector of connections works: it sees a real connect()', async () => {
    const out = path.join(tmp.dir, 'probe.trace');
    execFileSync('strace', ['-f', '-qq', '-e', 'trace=connect', '-o', out, process.execPath, '-e',
      "require('net').connect(9, '127.0.0.1').on('error', () => {})"]);
    expect(networkConnects(await readFile(out, 'utf8')).length).toBeGreaterThan(0);
  });
});
