import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { shot } from '../helpers/browser.ts';
import { openWorkspaceDb } from '../helpers/db.ts';
import { callRpc, closeE2e, openBrowserPage } from '../helpers/e2e.ts';
import { DETECTOR_ID, neuImage } from '../helpers/models.ts';
import { startServe, type RunningServer } from '../helpers/serve.ts';
import { runCli, tempDir } from '../helpers/workspace.ts';

/**
 * The job's findings list in a real browser against `chitti serve`: three
 * real images whose analyses hold 300 findings between them (inserted
 * directly: running the model would give a handful), listed, scrolled to the
 * end, decided with a key, and opened in the viewer on the finding.
 * Screenshots: test-results/e2e/.
 */
const MODELS_DIR = process.env.CHITTI_MODELS_DIR ?? path.resolve('models');
const IMAGES = [['crazing_100', 120], ['patches_100', 100], ['scratches_100', 80]] as const;
const TOTAL = 300;
const CLASSES = ['crazing', 'inclusion', 'patches', 'pitted_surface', 'rolled-in_scale', 'scratches'];

type F = { id: string; assetId: string; class: string; score: number; status: string; decidedBy: string | null };

describe('findings list in Chromium', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let jobId: string;

  const rpc = <T>(name: string, input: unknown) => callRpc<T>(server, name, input);

  beforeAll(async () => {
    tmp = await tempDir('chitti-e2e-list-');
    const ws = path.join(tmp.dir, 'ws');
    const photos = path.join(tmp.dir, 'photos');
    await mkdir(photos);
    for (const [name] of IMAGES) await copyFile(neuImage(name), path.join(photos, `${name}.jpg`));
    expect((await runCli(['--data-dir', ws, 'init', '--passphrase'])).code).toBe(0);
    const created = await runCli(['--data-dir', ws, '--json', 'job', 'create', '--name', 'Plates, bay 3']);
    jobId = (JSON.parse(created.stdout) as { id: string }).id;
    expect((await runCli(['--data-dir', ws, 'import', photos, '--job', jobId, '--no-progress'])).code).toBe(0);

    // Each image's latest analysis, with its findings: boxes inside the 200×200 image, distinct scores.
    const db = await openWorkspaceDb(ws);
    const assets = db.prepare(`SELECT id, original_name AS name FROM assets WHERE job_id = ?`).all(jobId) as Array<{ id: string; name: string }>;
    db.transaction(() => {
      const at = new Date().toISOString();
      const taskId = newId('tsk');
      db.prepare(`INSERT INTO tasks (id, kind, job_id, status, params, created_at) VALUES (?, 'detect', ?, 'done', '{}', ?)`).run(taskId, jobId, at);
      let n = 0;
      for (const [name, count] of IMAGES) {
        const assetId = assets.find((a) => a.name === `${name}.jpg`)!.id;
        const analysisId = newId('ana');
        db.prepare(
          `INSERT INTO analyses (id, job_id, asset_id, task_id, model_id, model_version, model_sha256, settings, status, width, height, created_at)
           VALUES (?, ?, ?, ?, ?, '1', ?, '{"threshold":null,"scoreThreshold":0.3,"classThresholds":{}}', 'done', 200, 200, ?)`,
        ).run(analysisId, jobId, assetId, taskId, DETECTOR_ID, 'f'.repeat(64), at);
        const insert = db.prepare(
          `INSERT INTO findings (id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, status, created_at, source, version, model_class, model_box)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, 'model', 1, ?, ?)`,
        );
        for (let k = 0; k < count; k++, n++) {
          const cls = CLASSES[n % CLASSES.length]!;
          const [x, y, w, h] = [(n * 37) % 160, (n * 53) % 160, 12 + (n % 28), 10 + (n % 25)];
          insert.run(newId('fnd'), analysisId, jobId, assetId, cls, 0.3 + (((n * 7919) % TOTAL) / TOTAL) * 0.7, x, y, x + w, y + h, at, cls, JSON.stringify([x, y, x + w, y + h]));
        }
      }
    })();
    db.close();

    server = await startServe(ws, { CHITTI_MODELS_DIR: MODELS_DIR });
    ({ browser, page, pageErrors } = await openBrowserPage({ width: 1280, height: 800 }));
  }, 120_000);

  afterAll(() => closeE2e({ browser, server, tmp }));

  const grid = () => page.getByRole('grid', { name: 'Findings of the job' });
  const row = (rowIndex: number) => grid().locator(`[role="row"][aria-rowindex="${rowIndex}"]`);
  const activeRowIndex = () => grid().evaluate((g) => {
    const id = g.getAttribute('aria-activedescendant');
    return id ? g.ownerDocument.getElementById(id)?.getAttribute('aria-rowindex') ?? null : null;
  });

  it('lists every finding of the job from its review overview, with only the rows on screen in the page', async () => {
    await page.goto(`${server.url}/#token=${server.token}`);
    await page.getByText('Plates, bay 3').click();
    const overview = page.getByRole('region', { name: 'Review' });
    await overview.getByRole('link', { name: `List all ${TOTAL} findings` }).click();
    expect(new URL(page.url()).hash).toBe(`#/jobs/${jobId}/findings`);
    await row(2).locator('[role="gridcell"]').first().waitFor();
    expect(await grid().getAttribute('aria-rowcount')).toBe(String(TOTAL + 1));
    expect(await page.getByTestId('finding-total').textContent()).toBe(`${TOTAL} findings`);
    const inPage = await grid().getByRole('row').count();
    expect(inPage).toBeGreaterThan(5);
    expect(inPage).toBeLessThan(60);
    // Highest score first: its image's name, class, score, status, size and reviewer.
    const top = (await rpc<{ findings: F[] }>('findings.query', { jobId, limit: 1 })).findings[0]!;
    expect(await row(2).getAttribute('data-finding-id')).toBe(top.id);
    expect(await row(2).getByRole('gridcell').allTextContents()).toEqual([
      '', expect.stringMatching(/^(crazing|patches|scratches)_100\.jpg$/), top.class.replace(/_/g, ' '), top.score.toFixed(2), 'proposed', expect.stringMatching(/^\d+×\d+$/), '—',
    ]);
    await shot(page, 'list-01-findings');
  });

  it('scrolls to the end, reading the pages on the way, and decides the last finding with a key', async () => {
    await page.getByRole('button', { name: 'Lowest confidence first' }).click();
    const { findings: lowest } = await rpc<{ findings: F[] }>('findings.query', { jobId, sort: 'score-asc', limit: 1 });
    await expect.poll(() => row(2).getAttribute('data-finding-id')).toBe(lowest[0]!.id);

    // The wheel, over the list, all the way down.
    await grid().hover();
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 2000);
    await expect.poll(() => row(TOTAL + 1).getAttribute('data-finding-id'), { timeout: 10_000 }).not.toBeNull();
    expect(await grid().getByRole('row').count()).toBeLessThan(60);
    await shot(page, 'list-02-scrolled-to-end');

    // End makes the last row the active one; a accepts it.
    await grid().focus();
    await page.keyboard.press('End');
    await expect.poll(activeRowIndex).toBe(String(TOTAL + 1));
    const { findings: highest } = await rpc<{ findings: F[] }>('findings.query', { jobId, sort: 'score-desc', limit: 1 });
    expect(await row(TOTAL + 1).getAttribute('data-finding-id')).toBe(highest[0]!.id);
    await page.keyboard.press('a');
    await expect.poll(() => row(TOTAL + 1).getAttribute('data-status')).toBe('accepted');
    const now = (await rpc<{ findings: F[] }>('findings.query', { jobId, status: 'accepted', limit: 10 })).findings;
    expect(now.map((f) => f.id)).toEqual([highest[0]!.id]);
    expect(now[0]!.decidedBy).toEqual(expect.any(String));
    await shot(page, 'list-03-accepted-by-key');
  });

  it('opens a finding in the viewer, selected and zoomed to; back, the list is where it was', async () => {
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(activeRowIndex).toBe('4');
    const chosen = (await rpc<{ findings: F[] }>('findings.query', { jobId, sort: 'score-asc', limit: 1, offset: 2 })).findings[0]!;
    expect(await row(4).getAttribute('data-finding-id')).toBe(chosen.id);
    await page.keyboard.press('Enter');

    await expect.poll(() => new URL(page.url()).hash).toBe(`#/jobs/${jobId}/assets/${chosen.assetId}?finding=${chosen.id}`);
    const list = page.getByRole('list', { name: 'Findings' });
    const selected = list.locator('[data-finding-button][aria-current="true"]');
    await expect.poll(() => selected.getAttribute('aria-label'), { timeout: 15_000 })
      .toBe(`${chosen.class.replace(/_/g, ' ')}, score ${chosen.score.toFixed(2)}, proposed`);
    // Zoomed to it: well past the 200×200 image fitted to the window.
    const zoom = page.getByTestId('zoom-level');
    await expect.poll(async () => Number((await zoom.textContent())?.match(/\d+/)?.[0] ?? 0), { timeout: 15_000 }).toBeGreaterThan(400);
    // The image's own list is virtual too (over 60 findings): not all of its rows are in the page.
    const count = (await rpc<{ total: number }>('findings.query', { jobId, assetId: chosen.assetId, limit: 1 })).total;
    expect(count).toBeGreaterThan(60);
    expect(await list.getByRole('listitem').count()).toBeLessThan(count);
    await page.waitForTimeout(600);
    await shot(page, 'list-04-viewer-on-finding');

    await page.goBack();
    await grid().waitFor();
    await expect.poll(activeRowIndex).toBe('4');
    expect(await page.getByRole('button', { name: 'Lowest confidence first' }).getAttribute('aria-pressed')).toBe('true');

    // A click opens a row too.
    const clicked = await row(6).getAttribute('data-finding-id');
    await row(6).getByRole('gridcell').nth(2).click();
    await expect.poll(() => new URL(page.url()).hash).toMatch(new RegExp(`\\?finding=${clicked}$`));
  });

  it('had no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
