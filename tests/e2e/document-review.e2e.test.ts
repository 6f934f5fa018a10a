import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, ChecklistSummary, DocumentReview, ReviewItem } from '../../src/shared/contract/index.ts';
import { shot } from '../helpers/browser.ts';
import { callRpc, closeE2e, openBrowserPage } from '../helpers/e2e.ts';
import { startServe, type RunningServer } from '../helpers/serve.ts';
import { REPO, runCli, tempDir } from '../helpers/workspace.ts';

/**
 * A reviewer checks two real inspection reports against a checklist
 * framework, in Chromium against `chitti serve` on a fresh encrypted
 * workspace: import them, run the review, open one, decide items with the
 * keyboard, follow an evidence entry into the pages, add feedback on a text
 * selection, export the PDF; then the database and the audit trail (read
 * through the API) hold exactly those decisions. Screenshots: test-results/e2e/.
 */
const REPORTS = path.resolve(REPO, '../shared/data/reports');
const DOCUMENTS = ['api510-vessel-54-11-001-inservice.pdf', 'bridge-element-inspection-synthetic.pdf'];
const USER_FRAMEWORK = path.resolve(REPO, '../shared/checklists/inspection-report-core.yaml');

describe('document review against a checklist in Chromium', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let jobId: string;
  let framework: ChecklistSummary;
  let review: DocumentReview;
  /** What the reviewer did, to find again in the database. */
  const done: { accepted?: string; rejected?: string; statusSet?: string; added?: { title: string; text: string } } = {};

  const rpc = <T>(name: string, input: unknown) => callRpc<T>(server, name, input);

  /** The checklist item selected now: its result id and name. */
  async function selectedItem() {
    const li = page.getByRole('region', { name: 'Checklist' }).locator('li.chitti-review-item[aria-current="true"]');
    await li.waitFor();
    return { id: (await li.getAttribute('data-item-id'))!, name: (await li.getAttribute('aria-label'))! };
  }

  beforeAll(async () => {
    tmp = await tempDir('chitti-e2e-docs-');
    const ws = path.join(tmp.dir, 'ws');
    expect((await runCli(['--data-dir', ws, 'init'])).code).toBe(0);
    // A framework of the user's own, next to the built-in ones.
    await mkdir(path.join(ws, 'checklists'), { recursive: true });
    await copyFile(USER_FRAMEWORK, path.join(ws, 'checklists', path.basename(USER_FRAMEWORK)));
    server = await startServe(ws);
    ({ browser, page, pageErrors } = await openBrowserPage({ width: 1440, height: 900 }, { acceptDownloads: true }));
    const job = await rpc<{ id: string }>('jobs.create', { name: 'Vessel 54-11-001 and bridge reports', client: 'Refinery Ltd', inspector: 'Priya N.' });
    jobId = job.id;
  }, 120_000);

  afterAll(() => closeE2e({ browser, server, tmp }));

  it('imports the two reports and lists the frameworks', async () => {
    await page.goto(`${server.url}/#token=${server.token}`);
    await page.getByText('Vessel 54-11-001 and bridge reports').click();
    await page.getByRole('heading', { name: 'Vessel 54-11-001 and bridge reports' }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/jobs/${jobId}`);
    await page.getByTestId('import-files-input').setInputFiles(DOCUMENTS.map((d) => path.join(REPORTS, d)));
    await page.getByText('Finished · 2 of 2 files').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'Files (2)' }).waitFor();

    const { frameworks } = await rpc<{ frameworks: ChecklistSummary[] }>('checklists.list', {});
    // The shared framework, loaded from the workspace's checklists folder; else the first built-in one.
    framework = frameworks.find((f) => f.id === 'inspection-report-core') ?? frameworks.find((f) => f.origin === 'builtin')!;
    expect(framework).toBeDefined();
    const panel = page.getByRole('region', { name: 'Document review' });
    const picker = panel.getByRole('combobox', { name: 'Checklist framework' });
    await expect.poll(() => picker.locator('option').count()).toBe(frameworks.length);
    for (const d of DOCUMENTS) expect(await panel.getByRole('checkbox', { name: d }).isChecked()).toBe(true);
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'docs-01-job-documents');
  });

  it('reviews both documents against the framework, with live progress, and lists the reviews', async () => {
    const panel = page.getByRole('region', { name: 'Document review' });
    await panel.getByRole('combobox', { name: 'Checklist framework' }).selectOption(framework.id);
    // Rules and keyword search only: no embedding model needed on the test machine.
    await panel.getByRole('checkbox', { name: 'Semantic search (embedding model)' }).uncheck();
    await panel.getByRole('button', { name: 'Review against a checklist' }).click();
    const run = panel.getByRole('region', { name: 'Checklist review of 2 documents' });
    const bar = run.getByRole('progressbar', { name: 'Checklist review progress' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 240_000 }).toBe('100');
    await run.getByText('Finished · 2 of 2 documents').waitFor();
    await run.getByText('2 reviewed').waitFor();
    const table = panel.getByRole('table', { name: 'Document reviews' });
    await expect.poll(() => table.getByRole('link').count(), { timeout: 15_000 }).toBe(2);
    const { reviews } = await rpc<{ reviews: DocumentReview[] }>('reviews.list', { jobId });
    expect(reviews.map((r) => r.status)).toEqual(['done', 'done']);
    review = reviews.find((r) => r.documentName === DOCUMENTS[0])!;
    expect(review.framework.id).toBe(framework.id);
    expect(review.decided).toBe(0);
    const row = table.locator(`tr[data-review-id="${review.id}"]`);
    await row.getByText(`0 / ${review.total}`).waitFor();
    await row.getByRole('img', { name: /^Compliance: \d+ met, \d+ partial, \d+ not met, \d+ n\.a\.$/ }).waitFor();
    await table.scrollIntoViewIfNeeded();
    await shot(page, 'docs-02-reviews-listed');
    await row.getByRole('link').click();
    expect(new URL(page.url()).hash).toBe(`#/jobs/${jobId}/reviews/${review.id}`);
  }, 300_000);

  it('opens the review: pages with a text layer beside the checklist and its compliance summary', async () => {
    const checklist = page.getByRole('region', { name: 'Checklist' });
    await checklist.waitFor();
    await expect.poll(() => checklist.locator('li.chitti-review-item').count()).toBe(review.total);
    await checklist.getByRole('table', { name: 'Compliance by severity' }).waitFor();
    await checklist.getByText(`0 of ${review.total} decided`).waitFor();
    const page1 = page.getByRole('region', { name: 'Page 1', exact: true });
    await page1.locator('img').waitFor({ timeout: 30_000 });
    expect(await page1.locator('[data-bbox]').count()).toBeGreaterThan(0);
    // The page image is as wide as the page box.
    const box = (await page1.boundingBox())!;
    const img = (await page1.locator('img').boundingBox())!;
    expect(Math.abs(img.width - box.width)).toBeLessThan(2);
    await shot(page, 'docs-03-review-open');
  });

  it('decides with the keyboard: accept, reject with a reason, set a status', async () => {
    await page.keyboard.press('j');
    const first = await selectedItem();
    await page.keyboard.press('a');
    await expect.poll(async () => (await selectedItem()).id).not.toBe(first.id);
    done.accepted = first.id;
    await page.getByRole('listitem', { name: first.name }).getByText('accepted', { exact: true }).waitFor();
    await shot(page, 'docs-04-accepted');

    const second = await selectedItem();
    await page.keyboard.press('r');
    const dialog = page.getByRole('dialog', { name: "Reject the AI's feedback" });
    await dialog.waitFor();
    await shot(page, 'docs-05-reject-reason');
    await page.keyboard.press('2');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await selectedItem()).id).not.toBe(second.id);
    done.rejected = second.id;
    await page.getByRole('listitem', { name: second.name }).getByText('Rejected: Wrong status').waitFor();

    const third = await selectedItem();
    await page.keyboard.press('3');
    const card = page.getByRole('listitem', { name: third.name });
    await card.getByLabel('Status: not met').waitFor();
    await card.getByText('edited', { exact: true }).waitFor();
    done.statusSet = third.id;
    await page.getByText(`3 of ${review.total} decided`).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await shot(page, 'docs-06-status-set');
  });

  it('follows an evidence entry into the document: its page scrolled into view, the passage highlighted', async () => {
    const evidence = page.getByRole('region', { name: 'Checklist' }).getByRole('button', { name: /^Show evidence p\. \d+:/ });
    // The last entry listed: most likely on a page below the first.
    const entry = evidence.last();
    const label = (await entry.getAttribute('aria-label'))!;
    const pageNo = Number(label.match(/p\. (\d+)/)![1]);
    await entry.click();
    const target = page.locator(`section[data-page="${pageNo}"] [role="mark"], section[data-page="${pageNo}"][data-highlighted="true"]`);
    await target.first().waitFor();
    const scroller = (await page.getByTestId('document-pages').boundingBox())!;
    await expect.poll(async () => {
      const b = (await target.first().boundingBox())!;
      return b.y + Math.min(b.height, 20) > scroller.y && b.y < scroller.y + scroller.height;
    }, { timeout: 10_000 }).toBe(true);
    await page.getByText(`Page ${pageNo} of ${review.pageCount}`).waitFor();
    await page.waitForTimeout(400);
    await shot(page, 'docs-07-evidence');
  });

  it('adds feedback on a text selection in the document', async () => {
    // Back to the first page, and select the first line of text on it with the mouse.
    await page.getByRole('region', { name: 'Page 1', exact: true }).scrollIntoViewIfNeeded();
    const span = page.getByRole('region', { name: 'Page 1', exact: true }).locator('[data-bbox]').first();
    await span.scrollIntoViewIfNeeded();
    const b = (await span.boundingBox())!;
    await page.mouse.move(b.x + 1, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width - 1, b.y + b.height / 2, { steps: 8 });
    await page.mouse.up();
    // Runs in the page; the Node-side types know no DOM.
    const selected = (await page.evaluate(() => (globalThis as unknown as { getSelection(): { toString(): string } | null }).getSelection()?.toString() ?? ''))
      .replace(/\s+/g, ' ').trim();
    expect(selected.length).toBeGreaterThan(0);
    const bar = page.getByRole('group', { name: 'Selection in the document' });
    await bar.getByText(/^Selected p\. 1: “/).waitFor();
    await shot(page, 'docs-08-selection');

    await page.keyboard.press('f');
    const dialog = page.getByRole('dialog', { name: 'Add feedback on the selection' });
    await dialog.waitFor();
    const title = 'Report header lacks the inspection date';
    await dialog.getByRole('textbox', { name: 'Title' }).fill(title);
    await dialog.getByRole('combobox', { name: 'Status' }).selectOption('partial');
    await dialog.getByRole('textbox', { name: 'Feedback' }).fill('The header gives the report number but not the date of the inspection.');
    await shot(page, 'docs-09-add-feedback');
    await dialog.getByRole('button', { name: 'Add feedback' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await selectedItem()).name).toBe(title);
    done.added = { title, text: selected.slice(0, 2000) };
    await page.getByText(`4 of ${review.total + 1} decided`).waitFor();
    await page.waitForTimeout(300);
    await shot(page, 'docs-10-feedback-added');
  });

  it('exports the review as PDF', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export review (PDF)' }).click()]);
    expect(download.suggestedFilename()).toBe(`chitti-review-${review.id}.pdf`);
    const pdf = await readFile(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(2000);
  });

  it('the database and the audit trail hold exactly those decisions', async () => {
    const { review: now, items } = await rpc<{ review: DocumentReview; items: ReviewItem[] }>('reviews.get', { reviewId: review.id });
    expect(now.decided).toBe(4);
    expect(now.total).toBe(review.total + 1);
    const byId = new Map(items.map((i) => [i.id, i]));
    expect(byId.get(done.accepted!)).toMatchObject({ decision: 'accepted', rejectReason: null, decidedBy: expect.any(String) });
    expect(byId.get(done.rejected!)).toMatchObject({ decision: 'rejected', rejectReason: 'Wrong status', decidedBy: expect.any(String) });
    expect(byId.get(done.statusSet!)).toMatchObject({ decision: 'edited', status: 'not_met', decidedBy: expect.any(String) });
    const added = items.filter((i) => i.itemId === null);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      title: done.added!.title, section: 'Reviewer', status: 'partial', severity: 'medium', decision: 'edited', proposal: null,
      anchor: { page: 1, text: done.added!.text, bbox: expect.any(Array) },
    });
    // Everything else is still the AI's proposal.
    const decided = new Set([done.accepted, done.rejected, done.statusSet, added[0]!.id]);
    expect(items.filter((i) => !decided.has(i.id)).every((i) => i.decision === 'proposed' && i.decidedBy === null)).toBe(true);

    const { entries } = await rpc<{ entries: AuditEntry[] }>('audit.list', { limit: 1000 });
    const ofReview = entries
      .filter((e) => e.action.startsWith('checklist.') && (e.data as { reviewId?: string }).reviewId === review.id)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => [e.action, e.entityId]);
    expect(ofReview).toEqual([
      ['checklist.accepted', done.accepted], ['checklist.rejected', done.rejected], ['checklist.status-set', done.statusSet], ['checklist.item-added', added[0]!.id],
    ]);
    expect(entries.filter((e) => e.action === 'review.exported' && e.entityId === review.id).map((e) => (e.data as { format: string }).format)).toEqual(['pdf']);
    expect((await rpc<{ ok: boolean }>('audit.verify', {})).ok).toBe(true);
  });

  it('back on the job, the list shows the decisions', async () => {
    await page.keyboard.press('Escape');
    const row = page.getByRole('table', { name: 'Document reviews' }).locator(`tr[data-review-id="${review.id}"]`);
    await row.getByText(`4 / ${review.total + 1}`).waitFor();
    await row.scrollIntoViewIfNeeded();
    await shot(page, 'docs-11-job-after');
  });

  it('had no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
