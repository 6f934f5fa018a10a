import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/workspace.ts';

/**
 * `chitti demo` on a fresh machine: no workspace, no keyring, only the
 * bundled samples; it must run import → detect → review → report PDFs.
 */

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('chitti-demo-');
});
afterAll(async () => {
  await tmp?.cleanup();
});

describe('chitti demo', () => {
  it('runs the main job end to end on the bundled samples and writes both PDFs', async () => {
    const out = path.join(tmp.dir, 'demo');
    // No CHITTI_PASSPHRASE and no keyring session: the demo protects its own workspace.
    const r = await runCli(['--json', 'demo', '--out', out, '--no-embeddings'], { CHITTI_PASSPHRASE: undefined, DBUS_SESSION_BUS_ADDRESS: undefined });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { imported: number; analysed: number; proposals: number; accepted: number; report: string; checklistReview: string; review: { summary: Record<string, Record<string, number>> } };
    expect(summary).toMatchObject({ imported: 13, analysed: 12 });
    expect(summary.proposals).toBeGreaterThan(0);
    expect(summary.accepted).toBeGreaterThan(0);
    expect(summary.accepted).toBeLessThanOrEqual(summary.proposals);

    const report = execFileSync('pdftotext', ['-layout', summary.report, '-'], { encoding: 'utf8' });
    expect(report).toContain('Inspection report');
    expect(report).toContain('neu-det-fcos-mnv2');
    expect(report).toContain('chitti-demo');
    const review = execFileSync('pdftotext', ['-layout', summary.checklistReview, '-'], { encoding: 'utf8' });
    expect(review).toContain('sample-ut-thickness-report.pdf');
    // The sample report leaves out the instrument's calibration on purpose: the review must say so.
    expect(review).toMatch(/GEN-07[^\n]*Instruments and calibration[\s\S]{0,200}Not/);
    expect(existsSync(path.join(out, 'workspace-passphrase.txt'))).toBe(true);

    // A second run into the same folder refuses rather than mixing two demos.
    const again = await runCli(['demo', '--out', out, '--no-embeddings'], { CHITTI_PASSPHRASE: undefined });
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/ALREADY_INITIALIZED/);
  }, 180_000);
});
