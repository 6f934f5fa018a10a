import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, shot, watchPageErrors } from '../helpers/browser.ts';
import { DETECTOR_ID } from '../helpers/models.ts';
import { radiographTiff } from '../helpers/radiograph.ts';
import { startServe, type RunningServer } from '../helpers/serve.ts';
import { runCli, SHARED_DATA, tempDir } from '../helpers/workspace.ts';

/**
 * The inspector's first minutes, in a real browser against `chitti serve` on a
 * fresh encrypted workspace: create a job, import a folder (one bad file in
 * it), watch the progress reach 100 %, read the bad file's reason, open the
 * 8000×2000 16-bit radiograph and zoom; run defect detection on the job and
 * see a photo's findings drawn over it; read the models' manifests.
 * Screenshots: test-results/e2e/.
 *
 * Models: the shipped ones (models/), or CHITTI_MODELS_DIR while a new export is tried.
 */
const MODELS_DIR = process.env.CHITTI_MODELS_DIR ?? path.resolve('models');

describe('review UI in Chromium', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let ws: string;
  let folder: string;
  let jobId: string;

  /** A call on the server's API, as the page makes it: to check what the database holds. */
  async function rpc<T>(name: string, input: unknown): Promise<T> {
    const res = await fetch(`${server.url}/rpc/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { ok: boolean; result?: T; error?: { message: string } };
    if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
    return body.result!;
  }
  type F = { id: string; assetId: string; score: number; status: string; rejectReason: string | null; decidedBy: string | null };

  beforeAll(async () => {
    tmp = await tempDir('chitti-e2e-');
    ws = path.join(tmp.dir, 'ws');
    folder = path.join(tmp.dir, 'LR0328');
    await mkdir(path.join(folder, 'photos'), { recursive: true });
    for (const name of ['crazing_100.jpg', 'patches_100.jpg', 'scratches_100.jpg']) {
      await copyFile(path.join(SHARED_DATA, 'neu-det/images', name), path.join(folder, 'photos', name));
    }
    await writeFile(path.join(folder, 'RT-weld-7.tif'), await radiographTiff());
    await writeFile(path.join(folder, 'index.png'), '<!doctype html><html><body>not a picture</body></html>');
    // Camera and OS housekeeping, skipped by the folder import (not counted, not listed).
    await writeFile(path.join(folder, '.DS_Store'), 'Bud1 finder metadata');
    await writeFile(path.join(folder, 'photos', '._crazing_100.jpg'), 'AppleDouble');
    await mkdir(path.join(folder, '.thumbnails'));
    await copyFile(path.join(SHARED_DATA, 'neu-det/images', 'crazing_100.jpg'), path.join(folder, '.thumbnails', 'crazing_100.jpg'));
    expect((await runCli(['--data-dir', ws, 'init'])).code).toBe(0);
    server = await startServe(ws, { CHITTI_MODELS_DIR: MODELS_DIR });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    pageErrors = watchPageErrors(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await tmp.cleanup();
  });

  it('opens on the job list', async () => {
    await page.goto(`${server.url}/#token=${server.token}`);
    await page.getByText('No jobs yet').waitFor();
    expect(new URL(page.url()).hash).toBe('#/'); // the token left the address bar
    await shot(page, '01-jobs-empty');
  });

  it('creates a job with the keyboard', async () => {
    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog', { name: 'New inspection job' });
    await dialog.getByRole('textbox', { name: /Job name/ }).fill('Tank 6 external, LR0328');
    await dialog.getByRole('textbox', { name: 'Client' }).fill('Refinery Ltd');
    await dialog.getByRole('textbox', { name: 'Inspector' }).fill('Priya N.');
    await shot(page, '02-job-create');
    await dialog.getByRole('textbox', { name: 'Inspector' }).press('Enter');
    await page.getByRole('heading', { name: 'Tank 6 external, LR0328' }).waitFor();
    expect(page.url()).toMatch(/#\/jobs\/job_[0-9a-z]{20}$/);
    jobId = page.url().match(/job_[0-9a-z]{20}$/)![0];
    await shot(page, '03-job-empty');
  });

  it('imports a folder: progress reaches 100 % and the bad file says why; housekeeping is skipped', async () => {
    await page.getByTestId('import-folder-input').setInputFiles(folder);
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 60_000 }).toBe('100');
    const failed = page.getByRole('list', { name: 'Files not imported' });
    await expect.poll(() => failed.textContent(), { timeout: 15_000 }).toMatch(/index\.png — FILE_TYPE_NOT_ALLOWED: .*HTML/);
    expect(await failed.getByRole('listitem').count()).toBe(1);
    await page.getByText('Finished · 5 of 5 files').waitFor();
    await page.getByText('4 imported').waitFor();
    await page.getByRole('heading', { name: 'Files (4)' }).waitFor();
    await page.locator('[data-asset-card] img').first().waitFor();
    await expect.poll(() => page.locator('[data-asset-card] img').count(), { timeout: 30_000 }).toBe(4);
    await shot(page, '04-job-imported');

    const listed = await runCli(['--data-dir', ws, '--json', 'job', 'list']);
    expect(JSON.parse(listed.stdout)).toMatchObject({ jobs: [{ name: 'Tank 6 external, LR0328', assetCount: 4 }] });
  });

  it('imports files dropped on the import area: a copy is a duplicate, a new file is imported', async () => {
    const crazing = (await readFile(path.join(folder, 'photos', 'crazing_100.jpg'))).toString('base64');
    const dropped = await page.evaluateHandle((jpegBase64) => {
      // Runs in the page; the Node-side types know no DOM DataTransfer.
      const dt = new (globalThis as unknown as { DataTransfer: new () => { items: { add(f: File): void } } }).DataTransfer();
      const bytes = Uint8Array.from(atob(jpegBase64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], 'copy-of-crazing.jpg', { type: 'image/jpeg' }));
      dt.items.add(new File(['CML 7: 12.4 mm, 12.3 mm, 12.5 mm\n'], 'readings.txt', { type: 'text/plain' }));
      return dt;
    }, crazing);
    const zone = page.getByRole('group', { name: 'Import files' });
    await zone.dispatchEvent('dragover', { dataTransfer: dropped });
    await zone.dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByText('Finished · 2 of 2 files').waitFor({ timeout: 30_000 });
    const latest = page.getByRole('region', { name: 'Import of 2 files' });
    await latest.getByText('1 imported').waitFor();
    await latest.getByText('1 duplicate').waitFor();
    await page.getByRole('heading', { name: 'Files (5)' }).waitFor();
    await shot(page, '05-job-dropped');
  });

  it('runs defect detection on the job: live progress to 100 %, then a findings badge on each image', async () => {
    const panel = page.getByRole('group', { name: 'Defect detection' });
    const picker = panel.getByRole('combobox', { name: 'Model' });
    await expect.poll(() => picker.inputValue()).toBe(DETECTOR_ID);
    await panel.getByRole('textbox', { name: /Score threshold/ }).fill('0.3');
    await panel.getByRole('button', { name: 'Detect defects' }).click();
    const region = page.getByRole('region', { name: 'Detection on 4 images' });
    const bar = region.getByRole('progressbar', { name: 'Detection progress' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 180_000 }).toBe('100');
    await region.getByText('Finished · 4 of 4 images').waitFor();
    await region.getByText('4 analysed').waitFor();
    // Every image has its badge, from the analyses the core announced.
    await expect.poll(() => page.getByTestId('findings-badge').count(), { timeout: 15_000 }).toBe(4);
    await page.getByRole('listitem', { name: /^scratches_100\.jpg, image, .*, \d+ findings?$/ }).waitFor();
    await page.getByRole('list', { name: 'Files in this job' }).scrollIntoViewIfNeeded();
    await shot(page, '05b-job-detected');
  }, 240_000);

  it('draws the findings of a photo over it, lists them, and brings one into view when picked', async () => {
    await page.getByRole('listitem', { name: /^scratches_100\.jpg/ }).click();
    await page.getByText('200×200').waitFor();
    const list = page.getByRole('list', { name: 'Findings' });
    await list.waitFor();
    const items = list.getByRole('button');
    const count = await items.count();
    expect(count).toBeGreaterThan(0);
    expect(await items.first().getAttribute('aria-label')).toMatch(/^[a-z_ -]+, score \d\.\d\d, proposed$/);

    // Drawn: one box per finding, inside the image on screen, labelled with its class and score.
    const overlays = page.getByTestId('finding-overlay');
    await expect.poll(() => overlays.count()).toBe(count);
    const viewerBox = (await page.getByTestId('tile-viewer').boundingBox())!;
    const first = (await overlays.first().boundingBox())!;
    expect(first.width).toBeGreaterThan(2);
    expect(first.x).toBeGreaterThanOrEqual(viewerBox.x - 1);
    expect(first.x + first.width).toBeLessThanOrEqual(viewerBox.x + viewerBox.width + 1);
    expect(await overlays.first().textContent()).toMatch(/^[a-z_ -]+ \d\.\d\d$/);
    await page.waitForTimeout(500);
    await shot(page, '05c-viewer-findings');

    const zoomLabel = page.getByTestId('zoom-level');
    await expect.poll(() => zoomLabel.textContent()).toMatch(/Zoom \d+%/);
    const before = await zoomLabel.textContent();
    await items.last().click();
    await expect.poll(() => items.last().getAttribute('aria-current')).toBe('true');
    await expect.poll(() => zoomLabel.textContent()).not.toBe(before);
    await page.waitForTimeout(600);
    await shot(page, '05d-viewer-finding-zoomed');

    // F hides the drawings and shows them again; 0 fits the image again.
    await page.keyboard.press('0');
    await page.keyboard.press('f');
    await expect.poll(() => overlays.count()).toBe(0);
    await page.keyboard.press('f');
    await expect.poll(() => overlays.count()).toBe(count);

    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: /Files \(5\)/ }).waitFor();
  });

  it('reviews a photo with the keyboard only: accept one, reject one with a reason', async () => {
    // The job's review overview: every image analysed, nothing decided yet.
    const overview = page.getByRole('region', { name: 'Review' });
    await overview.getByRole('progressbar', { name: 'Review progress' }).waitFor({ state: 'attached' });
    await overview.getByText(/^0 of \d+ findings decided · 0 of 4 images reviewed$/).waitFor();
    await overview.scrollIntoViewIfNeeded();
    await shot(page, '09-job-review-overview');

    // The image with the most findings to review.
    const review = await rpc<{ assets: Array<{ assetId: string; name: string; counts: { proposed: number } }> }>('jobs.review', { jobId });
    const image = [...review.assets].sort((a, b) => b.counts.proposed - a.counts.proposed)[0]!;
    expect(image.counts.proposed).toBeGreaterThanOrEqual(2);
    const { findings: before } = await rpc<{ findings: F[] }>('findings.query', { jobId, assetId: image.assetId, sort: 'score-desc', limit: 100 });
    await overview.getByRole('table', { name: 'Images in review' }).getByRole('link', { name: image.name }).click();
    const list = page.getByRole('list', { name: 'Findings' });
    await list.waitFor();
    const rows = list.getByRole('button');
    await expect.poll(() => rows.count()).toBe(before.length);

    // j selects the first (highest score) and zooms to it; a accepts it and moves on to the next.
    await page.keyboard.press('j');
    await expect.poll(() => rows.nth(0).getAttribute('aria-current')).toBe('true');
    await page.keyboard.press('a');
    await expect.poll(() => rows.nth(0).getAttribute('aria-label')).toMatch(/, accepted$/);
    await expect.poll(() => rows.nth(1).getAttribute('aria-current')).toBe('true');
    await page.waitForTimeout(500);
    await shot(page, '10-review-accepted');

    // r asks why; 2 is "Surface artefact".
    await page.keyboard.press('r');
    const dialog = page.getByRole('dialog', { name: 'Reject finding' });
    await dialog.waitFor();
    await shot(page, '11-review-reject-reason');
    await page.keyboard.press('2');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => rows.nth(1).getAttribute('aria-label')).toMatch(/, rejected$/);
    await page.keyboard.press('k');
    await page.getByRole('region', { name: 'Selected finding' }).getByText('Reason: Surface artefact').waitFor();
    // Nothing else happened: the key that picked the reason is not also "change class to the 2nd".
    expect(await page.getByRole('alert').count()).toBe(0);
    await expect.poll(() => page.locator(`[data-testid="finding-overlay"][data-status="rejected"]`).count()).toBe(1);
    await page.waitForTimeout(500);
    await shot(page, '12-review-rejected');

    const { findings: after } = await rpc<{ findings: F[] }>('findings.query', { jobId, assetId: image.assetId, sort: 'score-desc', limit: 100 });
    const byId = new Map(after.map((f) => [f.id, f]));
    expect(byId.get(before[0]!.id)).toMatchObject({ status: 'accepted', rejectReason: null, decidedBy: expect.any(String) });
    expect(byId.get(before[1]!.id)).toMatchObject({ status: 'rejected', rejectReason: 'Surface artefact', decidedBy: expect.any(String) });
    expect(after.filter((f) => f.status !== 'proposed')).toHaveLength(2);
  });

  it('bulk-accepts every proposed finding of the job above a threshold, after saying how many', async () => {
    const expected = (await rpc<{ total: number }>('findings.query', { jobId, status: 'proposed', minScore: 0.5, limit: 1 })).total;
    expect(expected).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'By threshold…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Decide by score threshold' });
    await dialog.getByRole('textbox', { name: 'Threshold' }).fill('0.5');
    const noun = `${expected} finding${expected === 1 ? '' : 's'}`;
    await expect.poll(() => dialog.getByRole('status').textContent()).toMatch(new RegExp(`^Accept ${noun}: .* scoring ≥ 0[.]50 in the whole job`));
    await shot(page, '13-bulk-confirm');
    await dialog.getByRole('button', { name: `Accept ${noun}` }).click();
    await page.getByText(`Accepted ${noun}.`).waitFor();
    await page.waitForTimeout(500);
    await shot(page, '14-bulk-done');

    // The database holds exactly these decisions: one accepted by key, one rejected, the rest above 0.5 accepted in bulk.
    const all = (await rpc<{ findings: F[]; total: number }>('findings.query', { jobId, limit: 1000 })).findings;
    expect(all.filter((f) => f.status === 'accepted')).toHaveLength(1 + expected);
    expect(all.filter((f) => f.status === 'rejected')).toHaveLength(1);
    expect(all.filter((f) => f.status === 'proposed' && f.score >= 0.5)).toHaveLength(0);
    expect(all.filter((f) => f.status === 'edited')).toHaveLength(0);

    // Back on the job: the progress follows, and the report can be downloaded.
    await page.keyboard.press('Escape');
    const overview = page.getByRole('region', { name: 'Review' });
    await overview.getByText(`${2 + expected} of ${all.length} findings decided`, { exact: false }).waitFor();
    await overview.scrollIntoViewIfNeeded();
    await shot(page, '15-job-review-progress');
    const [download] = await Promise.all([page.waitForEvent('download'), overview.getByRole('button', { name: 'Download report (JSON)' }).click()]);
    expect(download.suggestedFilename()).toBe(`chitti-report-${jobId}.json`);
    const report = await readFile(await download.path(), 'utf8');
    expect(report).toContain(jobId);
  });

  it('opens the 16-bit radiograph and zooms and pans from the keyboard', async () => {
    await page.getByRole('listitem', { name: /RT-weld-7\.tif/ }).click();
    await page.getByText('8000×2000').waitFor();
    await page.getByText('16-bit grey').waitFor();
    const zoomLabel = page.getByTestId('zoom-level');
    await expect.poll(() => zoomLabel.textContent()).toMatch(/Zoom \d+%/);
    const fitted = Number((await zoomLabel.textContent())!.match(/\d+/)![0]);
    await page.waitForTimeout(500);
    await shot(page, '06-viewer-fit');

    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect.poll(async () => Number((await zoomLabel.textContent())!.match(/\d+/)![0])).toBeGreaterThan(fitted * 2);
    await page.keyboard.press('1');
    await expect.poll(() => zoomLabel.textContent()).toBe('Zoom 100%');
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(800);
    await shot(page, '07-viewer-1to1');

    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: /Files \(5\)/ }).waitFor();
  });

  it('lists the installed models with their manifest: metrics, thresholds, training data, licence, sha256', async () => {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Models' }).click();
    const table = page.getByRole('table', { name: 'Installed models' });
    await table.waitFor();
    const row = table.getByRole('row').filter({ hasText: DETECTOR_ID });
    await row.getByText('Detection').waitFor();
    await row.getByRole('link').click();
    expect(new URL(page.url()).hash).toBe(`#/models/${DETECTOR_ID}`);
    const detail = page.getByRole('region', { name: /^Model / }).filter({ hasText: DETECTOR_ID });
    await detail.getByRole('table', { name: 'Score threshold per class' }).waitFor();
    expect(await detail.getByRole('table', { name: 'Input and tiling' }).textContent()).toMatch(/Input size\d+×\d+ px/);
    expect(await detail.getByRole('region', { name: 'Licence' }).textContent()).toMatch(/Licence.{10,}/);
    expect(await detail.getByLabel('SHA-256').textContent()).toMatch(/^[0-9a-f]{64}$/);
    // The shipped detector is measured (tools/eval/shipped.ts writes its metrics into the manifest).
    expect(await detail.getByRole('table', { name: 'Overall metrics' }).textContent()).toMatch(/mAP@0\.50\.\d{3}mAP@0\.5:0\.950\.\d{3}/);
    expect(await detail.getByRole('table', { name: 'Metrics per class' }).getByRole('row').count()).toBeGreaterThan(1);
    await shot(page, '07b-models');
    // Calibration from the decisions just made.
    const calibration = detail.getByRole('table', { name: 'Calibration per class' });
    await calibration.waitFor();
    expect(await calibration.getByRole('row').count()).toBeGreaterThan(1);
    await calibration.scrollIntoViewIfNeeded();
    await shot(page, '07d-models-calibration');
    await detail.getByLabel('SHA-256').scrollIntoViewIfNeeded();
    await shot(page, '07c-models-training-licence');
    // Back, twice: from the model to all models, then to the job.
    await page.goBack();
    await table.getByRole('link', { name: /./ }).first().waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: /Files \(5\)/ }).waitFor();
  });

  it('switches to the dark theme', async () => {
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await page.getByRole('button', { name: 'Switch to light theme' }).waitFor();
    expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await shot(page, '08-job-dark');
  });

  it('had no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
