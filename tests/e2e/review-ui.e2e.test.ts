import { execFile } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shot } from '../helpers/browser.ts';
import { openWorkspaceDb } from '../helpers/db.ts';
import { callRpc, closeE2e, openBrowserPage } from '../helpers/e2e.ts';
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
const execFileAsync = promisify(execFile);

describe('review UI in Chromium', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let ws: string;
  let folder: string;
  let jobId: string;

  const rpc = <T>(name: string, input: unknown) => callRpc<T>(server, name, input);
  type F = {
    id: string; assetId: string; score: number; status: string; rejectReason: string | null; decidedBy: string | null;
    box: [number, number, number, number]; class: string; source: string; modelBox: [number, number, number, number] | null;
    polygon: Array<[number, number]> | null;
  };
  /** The image reviewed by keyboard, then edited and drawn on; its findings before any decision. */
  let reviewed: { assetId: string; name: string; before: F[] };
  /** How many the bulk decision accepted. */
  let bulkAccepted: number;

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
    ({ browser, page, pageErrors } = await openBrowserPage({ width: 1280, height: 800 }));
  }, 120_000);

  afterAll(() => closeE2e({ browser, server, tmp }));

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
    const overview = page.getByRole('region', { name: 'Review', exact: true });
    await overview.getByRole('progressbar', { name: 'Review progress' }).waitFor({ state: 'attached' });
    await overview.getByText(/^0 of \d+ findings decided · 0 of 4 images reviewed$/).waitFor();
    await overview.scrollIntoViewIfNeeded();
    await shot(page, '09-job-review-overview');

    const review = await rpc<{ assets: Array<{ assetId: string; name: string; counts: { proposed: number } }> }>('jobs.review', { jobId });
    // The photo with the most findings to review (the radiograph's are many and faint; its list is walked elsewhere).
    const image = [...review.assets].filter((a) => a.name.endsWith('.jpg')).sort((a, b) => b.counts.proposed - a.counts.proposed)[0]!;
    expect(image.counts.proposed).toBeGreaterThanOrEqual(2);
    const { findings: before } = await rpc<{ findings: F[] }>('findings.query', { jobId, assetId: image.assetId, sort: 'score-desc', limit: 100 });
    reviewed = { assetId: image.assetId, name: image.name, before };
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
    bulkAccepted = expected;
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
    const overview = page.getByRole('region', { name: 'Review', exact: true });
    await overview.getByText(`${2 + expected} of ${all.length} findings decided`, { exact: false }).waitFor();
    await overview.scrollIntoViewIfNeeded();
    await shot(page, '15-job-review-progress');
    const [download] = await Promise.all([page.waitForEvent('download'), overview.getByRole('button', { name: 'Download report (JSON)' }).click()]);
    expect(download.suggestedFilename()).toBe(`chitti-report-${jobId}.json`);
    const report = await readFile(await download.path(), 'utf8');
    expect(report).toContain(jobId);
  });

  /** Where an element is once the view stops moving (OpenSeadragon animates every zoom and pan): the same place twice running. */
  async function settled(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
    let last = '';
    await expect.poll(async () => {
      const now = JSON.stringify(await locator.boundingBox());
      const same = now === last;
      last = now;
      return same;
    }, { interval: 150, timeout: 10_000 }).toBe(true);
    return (await locator.boundingBox())!;
  }
  const centre = (b: { x: number; y: number; width: number; height: number }) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
  async function findingNow(id: string): Promise<F> {
    const { findings } = await rpc<{ findings: F[] }>('findings.query', { jobId, assetId: reviewed.assetId, limit: 1000 });
    return findings.find((f) => f.id === id)!;
  }
  let addedId: string;
  let outlinedId: string;

  it('edits a finding by dragging a handle of its box: saved when the pointer lets go', async () => {
    const overview = page.getByRole('region', { name: 'Review', exact: true });
    await overview.getByRole('table', { name: 'Images in review' }).getByRole('link', { name: reviewed.name }).click();
    const list = page.getByRole('list', { name: 'Findings' });
    await list.waitFor();
    const first = reviewed.before[0]!; // accepted by key above; j selects it again (highest score) and zooms to it
    await page.keyboard.press('j');
    await expect.poll(() => list.locator('[aria-current="true"]').getAttribute('aria-label')).toMatch(/, accepted$/);
    await page.keyboard.press('e');
    const tools = page.getByRole('toolbar', { name: 'Tools' });
    expect(await tools.getByRole('button', { name: 'Edit the selected finding' }).getAttribute('aria-pressed')).toBe('true');
    const se = page.locator('[data-testid="edit-handles"] [data-grip="se"]');
    const nw = page.locator('[data-testid="edit-handles"] [data-grip="nw"]');
    const seAt = centre(await settled(se));
    const nwAt = centre(await settled(nw));
    // Screen pixels per image pixel, from where the handles sit on the box the database holds.
    const scale = (seAt.x - nwAt.x) / (first.box[2] - first.box[0]);
    expect(scale).toBeGreaterThan(1);
    await shot(page, '16a-edit-handles');

    // Drag the bottom-right handle a quarter of the box up and left.
    const dx = -Math.round((seAt.x - nwAt.x) / 4);
    const dy = -Math.round((seAt.y - nwAt.y) / 4);
    await page.mouse.move(seAt.x, seAt.y);
    await page.mouse.down();
    await page.mouse.move(seAt.x + dx / 2, seAt.y + dy / 2, { steps: 4 });
    await page.mouse.move(seAt.x + dx, seAt.y + dy, { steps: 4 });
    await shot(page, '16b-edit-dragging');
    await page.mouse.up();
    await expect.poll(async () => (await findingNow(first.id)).status).toBe('edited');
    const edited = await findingNow(first.id);
    // The top-left corner stays; the bottom-right one moved by the drag in image pixels (to the pixel).
    expect(edited.box.slice(0, 2)).toEqual(first.box.slice(0, 2));
    expect(Math.abs(edited.box[2] - (first.box[2] + dx / scale))).toBeLessThanOrEqual(1);
    expect(Math.abs(edited.box[3] - (first.box[3] + dy / scale))).toBeLessThanOrEqual(1);
    expect(edited.modelBox).toEqual(first.box);
    await expect.poll(() => list.locator('[aria-current="true"]').getAttribute('aria-label')).toMatch(/, edited$/);
    await page.getByRole('status', { name: 'Tool' }).getByText(/Box .* px\)\.$/).waitFor();
    await shot(page, '16c-edit-saved');
  });

  it('adds a finding the model missed by drawing a box; its class picked with a number key', async () => {
    await page.keyboard.press('Escape'); // leaves the edit tool, staying on the image
    const tools = page.getByRole('toolbar', { name: 'Tools' });
    await expect.poll(() => tools.getByRole('button', { name: 'Pan and zoom' }).getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('0');
    const edited = page.locator(`[data-testid="finding-overlay"][data-finding-id="${reviewed.before[0]!.id}"]`);
    await settled(edited);
    // Fitted, the 200×200 photo is a square as high (or wide) as the viewer, in its middle.
    const v = (await page.getByTestId('tile-viewer').boundingBox())!;
    const side = Math.min(v.width, v.height);
    const s = side / 200;
    const screen = (x: number, y: number) => ({ x: v.x + (v.width - side) / 2 + x * s, y: v.y + (v.height - side) / 2 + y * s });
    await page.keyboard.press('b');
    expect(await tools.getByRole('button', { name: 'Draw a missing finding: box' }).getAttribute('aria-pressed')).toBe('true');
    const from = screen(12, 150);
    const to = screen(52, 185);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();
    const picker = page.getByRole('dialog', { name: 'Class of the new finding' });
    await picker.waitFor();
    await shot(page, '16d-draw-class');

    const { classes } = await rpc<{ classes: string[] }>('models.get', { id: DETECTOR_ID });
    await page.keyboard.press('2');
    await picker.waitFor({ state: 'hidden' });
    const reviewer = async () => (await rpc<{ findings: F[] }>('findings.query', { jobId, assetId: reviewed.assetId, limit: 1000 })).findings.filter((f) => f.source === 'reviewer');
    await expect.poll(async () => (await reviewer()).length).toBe(1);
    const [added] = await reviewer();
    addedId = added!.id;
    expect(added).toMatchObject({ class: classes[1], status: 'accepted', score: 1, decidedBy: expect.any(String) });
    added!.box.forEach((v, i) => expect(Math.abs(v - [12, 150, 52, 185][i]!)).toBeLessThanOrEqual(2));
    // Selected, drawn and listed; the tool is back to pan.
    const overlay = page.locator(`[data-testid="finding-overlay"][data-finding-id="${addedId}"]`);
    await expect.poll(() => overlay.getAttribute('data-selected')).toBe('');
    expect(await overlay.getAttribute('data-status')).toBe('accepted');
    await expect.poll(() => page.getByRole('list', { name: 'Findings' }).locator('[aria-current="true"]').getAttribute('aria-label')).toMatch(/, score 1\.00, accepted$/);
    expect(await tools.getByRole('button', { name: 'Pan and zoom' }).getAttribute('aria-pressed')).toBe('true');
    await page.waitForTimeout(300);
    await shot(page, '16e-draw-added');

    // G: an outline, corner by corner; the double-click on the last corner closes it; 1 picks the first class.
    await page.keyboard.press('g');
    expect(await tools.getByRole('button', { name: 'Draw a missing finding: outline' }).getAttribute('aria-pressed')).toBe('true');
    // In the lower middle of the photo: clear of the imaging panel over its top right.
    const corners: Array<[number, number]> = [[80, 110], [130, 115], [125, 160], [85, 150]];
    for (const [x, y] of corners.slice(0, -1)) {
      const p = screen(x, y);
      await page.mouse.click(p.x, p.y);
    }
    const last = screen(...corners.at(-1)!);
    await page.mouse.move(last.x, last.y);
    await shot(page, '16e2-draw-outline');
    await page.mouse.dblclick(last.x, last.y);
    await picker.waitFor();
    await page.keyboard.press('1');
    await picker.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await reviewer()).length).toBe(2);
    const outlined = (await reviewer()).find((f) => f.id !== addedId)!;
    outlinedId = outlined.id;
    expect(outlined).toMatchObject({ class: classes[0], status: 'accepted' });
    expect(outlined.polygon).toHaveLength(4);
    outlined.polygon!.forEach(([x, y], i) => {
      expect(Math.abs(x - corners[i]![0])).toBeLessThanOrEqual(2);
      expect(Math.abs(y - corners[i]![1])).toBeLessThanOrEqual(2);
    });
    // Its box is the outline's bounds.
    const xs = outlined.polygon!.map((p) => p[0]);
    const ys = outlined.polygon!.map((p) => p[1]);
    expect(outlined.box).toEqual([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    await expect.poll(() => page.locator(`[data-testid="finding-overlay"][data-finding-id="${outlinedId}"]`).getAttribute('data-selected')).toBe('');
    await page.waitForTimeout(300);
    await shot(page, '16e3-draw-outline-added');
  });

  it('undoes the added findings, the edit and the bulk decision, one step each, then redoes them', async () => {
    const first = reviewed.before[0]!;
    const overlay = (id: string) => page.locator(`[data-testid="finding-overlay"][data-finding-id="${id}"]`);
    const proposedAbove = async () => (await rpc<{ total: number }>('findings.query', { jobId, status: 'proposed', minScore: 0.5, limit: 1 })).total;

    // Ctrl+Z: the added findings are rejected (the record keeps them), newest first; then the model's box is back; then the bulk decision, as one step.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await findingNow(outlinedId)).status).toBe('rejected');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await findingNow(addedId)).status).toBe('rejected');
    await expect.poll(() => overlay(addedId).getAttribute('data-status')).toBe('rejected');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await findingNow(first.id)).box).toEqual(first.box);
    expect((await findingNow(first.id)).status).toBe('accepted');
    await page.keyboard.press('Control+z');
    await expect.poll(proposedAbove).toBe(bulkAccepted);
    await expect.poll(() => page.locator('[data-testid="finding-overlay"][data-status="proposed"]').count()).toBeGreaterThan(0);
    await page.waitForTimeout(300);
    await shot(page, '16f-undone');

    // Ctrl+Shift+Z and Ctrl+Y apply them again, oldest undone last.
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(proposedAbove).toBe(0);
    await page.keyboard.press('Control+y');
    await expect.poll(async () => (await findingNow(first.id)).status).toBe('edited');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await findingNow(addedId)).status).toBe('accepted');
    await expect.poll(() => overlay(addedId).getAttribute('data-status')).toBe('accepted');
    await page.keyboard.press('Control+y');
    await expect.poll(async () => (await findingNow(outlinedId)).status).toBe('accepted');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.waitForTimeout(300);
    await shot(page, '16g-redone');
  });

  it('exports the report PDF from the app: it lists the accepted and edited findings; the database and audit log hold exactly these decisions', async () => {
    await page.keyboard.press('Escape');
    const overview = page.getByRole('region', { name: 'Review', exact: true });
    await overview.scrollIntoViewIfNeeded();
    const [download] = await Promise.all([page.waitForEvent('download'), overview.getByRole('button', { name: 'Download report (PDF)' }).click()]);
    expect(download.suggestedFilename()).toBe(`chitti-report-${jobId}.pdf`);
    const file = await download.path();
    expect((await readFile(file)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = (await execFileAsync('pdftotext', ['-layout', file, '-'], { maxBuffer: 32 << 20 })).stdout;
    await shot(page, '16h-report-exported');

    const all = (await rpc<{ findings: F[] }>('findings.query', { jobId, limit: 1000 })).findings;
    const kept = all.filter((f) => f.status === 'accepted' || f.status === 'edited');
    const e = bulkAccepted;
    // One edited (dragged), the bulk's and the two drawn accepted, one rejected by key, none proposed at 0.5 or more.
    expect(all.filter((f) => f.status === 'edited').map((f) => f.id)).toEqual([reviewed.before[0]!.id]);
    expect(all.filter((f) => f.status === 'accepted')).toHaveLength(e + 2);
    expect(all.filter((f) => f.status === 'rejected').map((f) => f.id)).toEqual([reviewed.before[1]!.id]);
    expect(all.filter((f) => f.status === 'proposed' && f.score >= 0.5)).toHaveLength(0);
    for (const f of kept) expect(text, f.id).toContain(f.id);
    expect(text).toContain('Added by the reviewer.');
    expect(text).toMatch(/\bedited\b/);

    // Decisions: accept by key, the bulk twice (done, redone); rejects by key and by undoing the two adds; the edit twice; the adds; undos of the edit, the bulk and (redo) the adds' rejections.
    const db = await openWorkspaceDb(ws);
    try {
      const rows = db.prepare('SELECT action, count(*) AS n FROM decisions WHERE job_id = ? GROUP BY action ORDER BY action').all(jobId) as Array<{ action: string; n: number }>;
      expect(Object.fromEntries(rows.map((r) => [r.action, r.n]))).toEqual({ accept: 1 + 2 * e, reject: 3, edit: 2, add: 2, undo: e + 3 });
      const trail = (db.prepare('SELECT action FROM decisions WHERE finding_id = ? ORDER BY rowid').all(reviewed.before[0]!.id) as Array<{ action: string }>).map((r) => r.action);
      expect(trail).toEqual(['accept', 'edit', 'undo', 'edit']);
    } finally {
      db.close();
    }
    const { entries } = await rpc<{ entries: Array<{ action: string; entityType: string; entityId: string }> }>('audit.list', { limit: 1000 });
    const counts: Record<string, number> = {};
    for (const a of entries.filter((x) => x.entityType === 'finding')) counts[a.action] = (counts[a.action] ?? 0) + 1;
    expect(counts).toEqual({ 'finding.accepted': 1 + 2 * e, 'finding.rejected': 3, 'finding.edited': 2, 'finding.added': 2, 'finding.undone': e + 3 });
    expect(entries.filter((x) => x.entityId === addedId).map((x) => x.action).reverse()).toEqual(['finding.added', 'finding.rejected', 'finding.undone']);
    expect(await rpc('audit.verify', {})).toMatchObject({ ok: true, problems: [] });
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
