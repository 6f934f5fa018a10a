import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentModel } from '../../src/core/structure/index.ts';
import { SHARED_DATA, runCli, tempDir } from '../helpers/workspace.ts';

const report = (name: string) => path.join(SHARED_DATA, 'reports', name);

describe('chitti parse', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    // No workspace and no key: parse reads a file and prints.
    env = { CHITTI_HOME: path.join(dir, 'no-workspace') };
  });
  afterAll(() => cleanup());

  it('prints the document model as JSON', async () => {
    const r = await runCli(['parse', report('bridge-element-inspection-synthetic.pdf'), '--format', 'json'], env);
    expect(r.code, r.stderr).toBe(0);
    const model = JSON.parse(r.stdout) as DocumentModel;
    expect(model).toMatchObject({ format: 'pdf', pageCount: 4 });
    expect(model.sections[0]!.title).toBe('BRIDGE INSPECTION REPORT');
    const deck = model.blocks.find((b) => b.kind === 'table')!;
    expect(deck.table!.rows[0]!.map((c) => c.text)).toEqual(['Location', 'CS1', 'CS2', 'CS3', 'CS4', 'Notes']);
    expect(deck.bbox).toHaveLength(4);
  });

  it('prints Markdown, and writes it to --out with a summary on stderr', async () => {
    const r = await runCli(['parse', report('ut-thickness-readings-2025.pdf'), '--format', 'md', '--no-ocr'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('| Noz. | Desc. | Size (in) | tmin* | 0° | 90° | 180° | 270° |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n| 1 | Manway | 24 | 0.375 | 0.379 | 0.38 | 0.381 | 0.381 |');
    expect(r.stdout).toContain('**Company Name:** SAChem');

    const out = path.join(dir, 'readings.md');
    const w = await runCli(['parse', report('ut-thickness-readings-2025.pdf'), '--out', out, '--no-ocr'], env);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toBe('');
    expect(w.stderr).toMatch(/^Wrote .*readings\.md \(Markdown\): 2 pages, \d+ headings?, \d+ fields, 2 tables\.$/m);
    expect(await readFile(out, 'utf8')).toBe(r.stdout);
  });

  it('takes JSON from the --out extension or the global --json', async () => {
    const out = path.join(dir, 'bridge.json');
    const w = await runCli(['parse', report('bridge-element-inspection-synthetic.pdf'), '--out', out], env);
    expect(w.code, w.stderr).toBe(0);
    expect((JSON.parse(await readFile(out, 'utf8')) as DocumentModel).pageCount).toBe(4);
    const j = await runCli(['--json', 'parse', report('bridge-element-inspection-synthetic.pdf')], env);
    expect((JSON.parse(j.stdout) as DocumentModel).format).toBe('pdf');
  });

  it('exits 12 with the reason for a broken document', async () => {
    const broken = await runCli(['parse', report('broken/generated-report-truncated.pdf')], env);
    expect(broken.code).toBe(12);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/^chitti: DOCUMENT_UNREADABLE: .*the download did not finish/m);
  });

  it('exits 12 for a damaged or encrypted PDF, and 5 for a missing file', async () => {
    const garbage = path.join(dir, 'garbage.pdf');
    await writeFile(garbage, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x9c)]));
    const bad = await runCli(['parse', garbage], env);
    expect(bad.code).toBe(12);
    expect(bad.stderr).toMatch(/^chitti: DOCUMENT_UNREADABLE: /m);

    const encrypted = await runCli(['parse', path.join(SHARED_DATA, 'hostile/pdf/password-protected.pdf')], env);
    expect(encrypted.code).toBe(12);
    expect(encrypted.stderr).toMatch(/DOCUMENT_ENCRYPTED: This PDF is password-protected/);

    const missing = await runCli(['parse', path.join(dir, 'nope.pdf')], env);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/NOT_FOUND: .*nope\.pdf does not exist\./);
  });

  it('refuses an unknown --format', async () => {
    const r = await runCli(['parse', report('bridge-element-inspection-synthetic.pdf'), '--format', 'html'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are json, md/);
  });
});
