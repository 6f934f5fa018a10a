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
