import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shot } from '../helpers/browser.ts';
import { callRpc, closeE2e, openBrowserPage } from '../helpers/e2e.ts';
import { INDICATIONS, INDICATION_VALUE, radiographTiff } from '../helpers/radiograph.ts';
import { startServe, type RunningServer } from '../helpers/serve.ts';
import { runCli, SHARED_DATA, tempDir } from '../helpers/workspace.ts';

/**
 * The imaging tools in a real browser against `chitti serve`: open the
 * 8000×2000 16-bit radiograph, change the window (preset and right-drag),
 * invert, draw a line profile through an indication and read its values,
 * measure a length, calibrate it to millimetres; then a DICOM image with its
 * own pixel spacing. Screenshots: test-results/e2e/imaging-*.png.
 */
describe('imaging tools in Chromium', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let jobId: string;
  const ids = new Map<string, string>();
  /** Every tile URL the page asked for, in order. */
  const tileUrls: string[] = [];

  const rpc = <T>(name: string, input: unknown) => callRpc<T>(server, name, input);

  /** Mean grey level of the viewer area as it is on screen now (0 black … 255 white). */
  async function viewerMean(): Promise<number> {
    const box = (await page.getByTestId('tile-viewer').boundingBox())!;
    // The middle of the image, away from the panels over its corners.
    const clip = { x: box.x + box.width * 0.3, y: box.y + box.height * 0.45, width: box.width * 0.3, height: box.height * 0.1 };
    const png = await page.screenshot({ clip });
    const { data } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    return data.reduce((s, v) => s + v, 0) / data.length;
  }

  /** Waits until the tiles on screen stop changing (OpenSeadragon swaps a new window in once all have arrived). */
  async function settled(): Promise<number> {
    let last = -1;
    for (let i = 0; i < 40; i++) {
      await page.waitForTimeout(250);
      const now = await viewerMean();
      if (Math.abs(now - last) < 0.5) return now;
      last = now;
    }
    return last;
  }

  /** Where an image pixel is on screen while the whole 8000×2000 image is fitted to the viewer (OpenSeadragon's home view). */
  async function screenOf(x: number, y: number): Promise<{ x: number; y: number }> {
    const box = (await page.getByTestId('tile-viewer').boundingBox())!;
    const scale = Math.min(box.width / 8000, box.height / 2000);
    return { x: box.x + (box.width - 8000 * scale) / 2 + x * scale, y: box.y + (box.height - 2000 * scale) / 2 + y * scale };
  }

  async function dragBetween(a: { x: number; y: number }, b: { x: number; y: number }, button: 'left' | 'right' = 'left') {
    await page.mouse.move(a.x, a.y);
    await page.mouse.down({ button });
    for (let i = 1; i <= 10; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / 10, a.y + ((b.y - a.y) * i) / 10);
    await page.mouse.up({ button });
  }

  beforeAll(async () => {
    tmp = await tempDir('chitti-e2e-imaging-');
    const ws = path.join(tmp.dir, 'ws');
    const folder = path.join(tmp.dir, 'RT');
    await mkdir(folder);
    await writeFile(path.join(folder, 'RT-weld-9.tif'), await radiographTiff());
    await copyFile(path.join(SHARED_DATA, 'hostile/dicom/CT_small.dcm'), path.join(folder, 'CT_small.dcm'));
    expect((await runCli(['--data-dir', ws, 'init'])).code).toBe(0);
    server = await startServe(ws);
    jobId = (await rpc<{ id: string }>('jobs.create', { name: 'Weld RT, line 9' })).id;
    const task = await rpc<{ id: string }>('assets.import', { jobId, paths: [folder] });
    for (let status = ''; status !== 'done';) {
      status = (await rpc<{ status: string }>('tasks.get', { taskId: task.id })).status;
      if (status === 'failed' || status === 'cancelled') throw new Error(`the import ${status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const a of (await rpc<{ assets: Array<{ id: string; originalName: string }> }>('assets.list', { jobId })).assets) ids.set(a.originalName, a.id);
    ({ browser, page, pageErrors } = await openBrowserPage({ width: 1400, height: 820 }));
    page.on('request', (r) => {
      if (r.url().includes('/res/asset.tile')) tileUrls.push(r.url());
    });
  }, 120_000);

  afterAll(() => closeE2e({ browser, server, tmp }));

  it('opens the radiograph through its automatic window, with its histogram', async () => {
    await page.goto(`${server.url}/#token=${server.token}`);
    // The token is in the tab's session storage now: the viewer's address alone opens it.
    await page.goto(`${server.url}/#/jobs/${jobId}/assets/${ids.get('RT-weld-9.tif')}`);
    await page.getByTestId('tile-viewer').waitFor();
    await page.getByTestId('histogram').waitFor();
    const readout = page.getByTestId('window-readout');
    const info = await rpc<{ displayWindow: { low: number; high: number } }>('assets.imageInfo', { assetId: ids.get('RT-weld-9.tif') });
    await expect.poll(() => readout.textContent()).toBe(`${info.displayWindow.low} – ${info.displayWindow.high}`);
    await expect.poll(() => tileUrls.length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(tileUrls.every((u) => !u.includes('low='))).toBe(true); // the default window needs no parameters
    const mean = await settled();
    // The background (10000–14600) spread over the window: mid-grey, not a black or white field.
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(215);
    await shot(page, 'imaging-01-auto-window');
  });

  it('changes the window: a preset, then a right-drag; the tiles are asked for through it', async () => {
    const auto = await viewerMean();
    const panel = page.getByRole('region', { name: 'Imaging' });
    const presets = panel.getByRole('combobox', { name: 'Preset' });
    const full = await presets.locator('option', { hasText: 'Full range' }).getAttribute('value');
    await presets.selectOption(full ?? '');
    const readout = page.getByTestId('window-readout');
    // Full range runs up to the indications' 42000: the background falls in its bottom sixth, dark.
    await expect.poll(() => readout.textContent()).toMatch(new RegExp(`– ${INDICATION_VALUE}$`));
    await expect.poll(() => tileUrls.some((u) => u.includes(`high=${INDICATION_VALUE}`)), { timeout: 15_000 }).toBe(true);
    const dark = await settled();
    expect(dark).toBeLessThan(auto - 30);
    await shot(page, 'imaging-02-full-range');

    // A right-drag to the left narrows the window (more contrast), whatever the tool.
    const before = await readout.textContent();
    const centre = await screenOf(4000, 1000);
    await dragBetween(centre, { x: centre.x - 200, y: centre.y }, 'right');
    await expect.poll(() => readout.textContent()).not.toBe(before);
    const [low, high] = (await readout.textContent())!.split(' – ').map(Number);
    expect(high! - low!).toBeLessThan(INDICATION_VALUE - 10_000);
    await settled();
    await shot(page, 'imaging-03-right-drag');

    // Back to the automatic window.
    await panel.getByRole('button', { name: 'Auto' }).click();
    await expect.poll(async () => Math.abs((await settled()) - auto)).toBeLessThan(3);
  });

  it('inverts from the keyboard, and back', async () => {
    const plain = await viewerMean();
    await page.keyboard.press('i');
    await expect.poll(() => page.getByRole('switch', { name: 'Invert' }).isChecked()).toBe(true);
    await expect.poll(() => tileUrls.some((u) => u.includes('invert=true')), { timeout: 15_000 }).toBe(true);
    const inverted = await settled();
    expect(Math.abs(inverted - (255 - plain))).toBeLessThan(12);
    await shot(page, 'imaging-04-inverted');
    await page.keyboard.press('i');
    await expect.poll(() => page.getByRole('switch', { name: 'Invert' }).isChecked()).toBe(false);
    await settled();
  });

  it('draws a line profile through an indication and reads its original values', async () => {
    await page.getByRole('button', { name: /^Line profile/ }).click();
    const spot = INDICATIONS[0]!; // (768, 768), radius 80
    // From 200 px left of it to 200 px right (further left is under the toolbar at this zoom).
    const from = await screenOf(spot.x - 200, spot.y);
    const to = await screenOf(spot.x + 200, spot.y);
    const answer = page.waitForResponse((r) => r.url().includes('/rpc/assets.profile'));
    await dragBetween(from, to);
    const profile = (await (await answer).json()) as { ok: boolean; result: { values: number[][]; distances: number[]; length: number } };
    expect(profile.ok).toBe(true);
    const values = profile.result.values[0]!;
    // 16-bit values, not display levels: the indication's 42000 in the middle, the background around 10000–15000 at the ends.
    expect(Math.max(...values)).toBe(INDICATION_VALUE);
    expect(values[0]).toBeLessThan(15_000);
    expect(values.at(-1)).toBeLessThan(15_000);
    expect(Math.abs(profile.result.length - 400)).toBeLessThan(30);
    const chart = page.getByTestId('profile-chart');
    await chart.waitFor();
    await page.getByTestId('profile-line').waitFor();
    // The cursor over the middle of the chart reads the indication's value.
    const svg = (await chart.locator('svg[role="slider"]').boundingBox())!;
    await page.mouse.move(svg.x + svg.width * (56 + (560 - 66) / 2) / 560, svg.y + svg.height / 2);
    await expect.poll(() => page.getByTestId('profile-readout').textContent()).toMatch(/px: 42000$/);
    await page.getByTestId('profile-mark').waitFor();
    await shot(page, 'imaging-05-profile');
  });

  it('measures a length in pixels, then in mm after calibrating it', async () => {
    await page.keyboard.press('m');
    await expect.poll(() => page.getByRole('button', { name: 'Measure a length' }).getAttribute('aria-pressed')).toBe('true');
    // Across the indication, its diameter: 160 px.
    const spot = INDICATIONS[0]!;
    await dragBetween(await screenOf(spot.x - 80, spot.y + 200), await screenOf(spot.x + 80, spot.y + 200));
    const readout = page.getByTestId('measure-readout');
    await readout.waitFor();
    const px = Number((await readout.textContent())!.match(/Length ([\d.]+) px/)![1]);
    // At this zoom one screen pixel is about 6 image pixels.
    expect(Math.abs(px - 160)).toBeLessThan(15);
    expect(await readout.textContent()).not.toMatch(/mm/);
    await expect.poll(() => page.getByTestId('pixel-spacing').textContent()).toMatch(/none set/);
    await shot(page, 'imaging-06-measure-px');

    // Esc closes the dialog, and only the dialog (in the viewer it also means "back to the job").
    await page.getByRole('button', { name: 'Set scale…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Scale for measurements' });
    await dialog.getByRole('button', { name: 'Cancel' }).focus();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(new URL(page.url()).hash).toMatch(/\/assets\//);

    // It is 40 mm in reality: calibrate this image from the line.
    await page.getByRole('button', { name: 'Set scale…' }).click();
    await dialog.getByRole('textbox', { name: /its real length \(mm\)/ }).fill('40');
    await expect.poll(() => dialog.getByTestId('spacing-chosen').textContent()).toMatch(/mm per pixel/);
    await shot(page, 'imaging-07-calibrate');
    await dialog.getByRole('button', { name: 'Set scale' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => readout.textContent()).toMatch(/= 40 mm$/);
    await expect.poll(() => page.getByTestId('pixel-spacing').textContent()).toMatch(/calibrated on this image/);
    await page.getByTestId('measure-line-label').waitFor();
    await shot(page, 'imaging-08-measure-mm');

    const assetId = ids.get('RT-weld-9.tif')!;
    const info = await rpc<{ pixelSpacing: { x: number; source: string } }>('assets.imageInfo', { assetId });
    expect(info.pixelSpacing.source).toBe('image-calibration');
    expect(info.pixelSpacing.x).toBeCloseTo(40 / px, 6);
    const { entries } = await rpc<{ entries: Array<{ action: string; data: { before: number | null; after: number; reference: { mm: number } } }> }>('audit.list', { entityId: assetId });
    expect(entries[0]).toMatchObject({ action: 'pixel-spacing.set', data: { before: null, reference: { mm: 40 } } });
  });

  it('shows a DICOM image with the spacing its file declares', async () => {
    await page.keyboard.press('Escape'); // back to pan
    await page.goto(`${server.url}/#/jobs/${jobId}/assets/${ids.get('CT_small.dcm')}`);
    await page.getByTestId('histogram').waitFor();
    await expect.poll(() => page.getByTestId('pixel-spacing').textContent()).toBe('Scale: 0.6615 mm/px, DICOM Pixel Spacing');
    // CT values in HU: the window readout is negative at its low end (air is −1000 and below).
    await expect.poll(async () => Number((await page.getByTestId('window-readout').textContent())!.split(' – ')[0])).toBeLessThan(0);
    await settled();
    await shot(page, 'imaging-09-dicom');
    expect(pageErrors).toEqual([]);
  });
});
