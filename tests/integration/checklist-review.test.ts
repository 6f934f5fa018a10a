import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import type { Db } from '../../src/core/db/open.ts';
import type { ReviewItem } from '../../src/shared/contract/index.ts';
import { openWorkspaceDb } from '../helpers/db.ts';
import { REPO, SHARED_DATA, ok, openTestCore, taskFinished, tempDir } from '../helpers/workspace.ts';

/**
 * Documents reviewed against a checklist through the real core: real reports
 * imported into an encrypted workspace, parsed in the parse worker, evaluated
 * by rules and retrieval, then decided by people; the database, the audit
 * trail, the learning from rejections and the exported report are checked.
 */

const REPORTS = path.join(SHARED_DATA, 'reports');
const CORE_FRAMEWORK = path.resolve(REPO, '../shared/checklists/inspection-report-core.yaml');

let tmp: { dir: string; cleanup: () => Promise<void> };
let ws: string;
let core: Core;
let db: Db;
const events: Array<{ name: string; payload: unknown }> = [];
const actorBefore = process.env.CHITTI_ACTOR;
const as = (actor: string) => (process.env.CHITTI_ACTOR = actor);
let jobId: string;
let assets: Map<string, string>;
let frameworkId: string;

beforeAll(async () => {
  tmp = await tempDir('chitti-checklist-');
  ws = path.join(tmp.dir, 'ws');
  as('carol');
  core = await openTestCore(ws);
  core.subscribe((name, payload) => events.push({ name, payload }));
  db = await openWorkspaceDb(ws);
  const job = await ok(core, 'jobs.create', { name: 'Vessel V-101 documents', client: 'Acme Refining' });
  jobId = job.id;
  const files = ['api510-vessel-54-11-001-inservice.pdf', 'bridge-element-inspection-synthetic.pdf', 'broken/generated-report-truncated.pdf'];
  const task = await ok(core, 'assets.import', { jobId, paths: files.map((f) => path.join(REPORTS, f)) });
  expect((await taskFinished(core, task.id)).status).toBe('done');
  const listed = await ok(core, 'assets.list', { jobId });
  assets = new Map(listed.assets.map((a) => [a.originalName, a.id]));
  // The user's own framework (the shared example) goes into the workspace's checklists folder.
  const { mkdir, copyFile } = await import('node:fs/promises');
  await mkdir(path.join(ws, 'checklists'), { recursive: true });
  await copyFile(CORE_FRAMEWORK, path.join(ws, 'checklists', 'inspection-report-core.yaml'));
  frameworkId = 'inspection-report-core';
}, 120_000);

afterAll(async () => {
  db?.close();
  await core?.close();
  await tmp?.cleanup();
  if (actorBefore === undefined) delete process.env.CHITTI_ACTOR;
  else process.env.CHITTI_ACTOR = actorBefore;
});

async function reviewJob(embeddings = false) {
  const task = await ok(core, 'reviews.start', { jobId, checklistId: frameworkId, embeddings });
  expect(task.kind).toBe('checklist');
  return taskFinished(core, task.id);
}

const byItem = (items: ReviewItem[], id: string) => items.find((i) => i.itemId === id)!;

describe('checklist frameworks', () => {
  it('lists the built-in frameworks and the user folder, and refuses a broken user file with its reason', async () => {
    await writeFile(path.join(ws, 'checklists', 'broken.yaml'), 'id: Bad Id\nversion: 1\nitems: []\n');
    const { frameworks, problems } = await ok(core, 'checklists.list', {});
    expect(frameworks.some((f) => f.origin === 'builtin')).toBe(true);
    expect(frameworks.find((f) => f.id === 'inspection-report-core')).toMatchObject({ origin: 'user', itemCount: 18 });
    expect(problems).toEqual([expect.objectContaining({ file: 'broken.yaml', message: expect.stringMatching(/id/) })]);
    const { items } = await ok(core, 'checklists.get', { id: 'inspection-report-core' });
    expect(items[0]).toMatchObject({ id: 'IRC-01', severity: 'high' });
    const missing = await core.dispatch('checklists.get', { id: 'no-such-framework' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'CHECKLIST_NOT_FOUND' } });
  });
});

describe('a checklist review job', () => {
  it('reviews each document of the job; a broken one fails alone with its code', async () => {
    const task = await reviewJob();
    expect(task.status).toBe('done');
    expect(task.total).toBe(3);
    const { reviews } = await ok(core, 'reviews.list', { jobId });
    expect(reviews).toHaveLength(3);
    const broken = reviews.find((r) => r.documentName === 'generated-report-truncated.pdf')!;
    expect(broken).toMatchObject({ status: 'failed', errorCode: 'DOCUMENT_UNREADABLE' });
    const vessel = reviews.find((r) => r.documentName === 'api510-vessel-54-11-001-inservice.pdf')!;
    expect(vessel).toMatchObject({ status: 'done', total: 18, decided: 0, framework: { id: 'inspection-report-core', version: '1.0.0' } });
    expect(vessel.pageCount).toBeGreaterThan(10);
    expect(vessel.layers).toContain('rule');
    // The API 510 report has its report number and dates: IRC-01 is met with evidence quoted from a page.
    const { items } = await ok(core, 'reviews.get', { reviewId: vessel.id });
    const irc01 = byItem(items, 'IRC-01');
    expect(irc01.proposal!.status).toBe('met');
    expect(irc01.proposal!.evidence.length).toBeGreaterThan(0);
    expect(irc01.proposal!.evidence[0]!.page).toBeGreaterThanOrEqual(1);
    // Audited, with the framework version; the model of the document is kept for the viewer.
    const audit = await ok(core, 'audit.list', { entityId: vessel.id });
    expect(audit.entries.map((e) => e.action)).toContain('checklist.reviewed');
    const model = await ok(core, 'documents.model', { assetId: vessel.assetId });
    expect(model.pageCount).toBe(vessel.pageCount);
    expect(model.blocks.some((b) => /54-11-001/.test(b.text))).toBe(true);
  }, 300_000);

  it('stores decisions with reviewer, versions and audit; a stale version is a CONFLICT; undo restores', async () => {
    const { reviews } = await ok(core, 'reviews.list', { jobId });
    const vessel = reviews.find((r) => r.documentName.startsWith('api510'))!;
    let { items } = await ok(core, 'reviews.get', { reviewId: vessel.id });
    const first = byItem(items, 'IRC-01');
    const accepted = await ok(core, 'reviews.decide', { resultId: first.id, expectedVersion: first.version, action: 'accept' });
    expect(accepted).toMatchObject({ decision: 'accepted', decidedBy: 'carol', version: first.version + 1 });
    // Another window still holding version 1 cannot overwrite it.
    const stale = await core.dispatch('reviews.decide', { resultId: first.id, expectedVersion: first.version, action: 'reject', reason: 'no' });
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('carol') } });

    const second = byItem(items, 'IRC-02');
    const changed = await ok(core, 'reviews.decide', { resultId: second.id, expectedVersion: second.version, action: 'set-status', status: 'partial' });
    expect(changed).toMatchObject({ decision: 'edited', status: 'partial' });
    const undone = await ok(core, 'reviews.undo', { resultId: second.id, expectedVersion: changed.version });
    expect(undone).toMatchObject({ decision: 'proposed', status: second.status, version: changed.version + 1 });

    const bad = await core.dispatch('reviews.decide', { resultId: second.id, expectedVersion: undone.version, action: 'set-status' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    ({ items } = await ok(core, 'reviews.get', { reviewId: vessel.id }));
    const review = (await ok(core, 'reviews.get', { reviewId: vessel.id })).review;
    expect(review.decided).toBe(1);
    const actions = (await ok(core, 'audit.list', { entityId: second.id })).entries.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['checklist.status-set', 'checklist.undone']));
    expect(events.some((e) => e.name === 'review.changed')).toBe(true);
  });

  it('adds reviewer feedback anchored to a page, and refuses a page the document does not have', async () => {
    const { reviews } = await ok(core, 'reviews.list', { jobId });
    const bridge = reviews.find((r) => r.documentName.startsWith('bridge'))!;
    const added = await ok(core, 'reviews.addItem', {
      reviewId: bridge.id, title: 'Deck joint condition not rated', status: 'not_met', severity: 'high',
      feedback: 'Rate the deck joints per the element manual.', anchor: { page: 1, text: 'Deck', bbox: [50, 100, 120, 112] },
    });
    expect(added).toMatchObject({ itemId: null, proposal: null, decision: 'edited', anchor: { page: 1 } });
    const wrong = await core.dispatch('reviews.addItem', {
      reviewId: bridge.id, title: 'x', status: 'met', feedback: 'y', anchor: { page: bridge.pageCount + 1, text: 't' },
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('remembers a rejected proposal: the same feedback ranks lower in the next review, with the reason shown', async () => {
    const { reviews } = await ok(core, 'reviews.list', { jobId });
    const vessel = reviews.find((r) => r.documentName.startsWith('api510'))!;
    const { items } = await ok(core, 'reviews.get', { reviewId: vessel.id });
    const target = byItem(items, 'IRC-05');
    await ok(core, 'reviews.decide', { resultId: target.id, expectedVersion: target.version, action: 'reject', reason: 'the code cited is not the governing one' });

    await reviewJob();
    const again = (await ok(core, 'reviews.list', { jobId, assetId: vessel.assetId })).reviews[0]!;
    expect(again.id).not.toBe(vessel.id);
    const next = byItem((await ok(core, 'reviews.get', { reviewId: again.id })).items, 'IRC-05');
    expect(next.proposal!.feedback).toBe(target.proposal!.feedback);
    expect(next.proposal!.confidence).toBeLessThan(target.proposal!.confidence);
    expect(next.history).toMatchObject({ rejected: 1, lastReason: 'the code cited is not the governing one' });
  }, 300_000);

  it('exports the review as a PDF a person can read, and as JSON; both audited', async () => {
    const { reviews } = await ok(core, 'reviews.list', { jobId });
    const vessel = reviews.find((r) => r.documentName.startsWith('api510') && r.decided > 0)!;
    const pdf = await core.fetchResource('review.report', { reviewId: vessel.id, format: 'pdf' });
    if (!pdf.ok) throw new Error(pdf.error.message);
    expect(pdf.result.mime).toBe('application/pdf');
    const file = path.join(tmp.dir, 'review.pdf');
    await writeFile(file, pdf.result.body);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Checklist review');
    expect(text).toContain('api510-vessel-54-11-001-inservice.pdf');
    expect(text).toMatch(/IRC-01[\s\S]*Accepted/);
    expect(text).toContain('Compliance by severity');
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThanOrEqual(1);

    const json = await core.fetchResource('review.report', { reviewId: vessel.id, format: 'json' });
    if (!json.ok) throw new Error(json.error.message);
    const data = JSON.parse(new TextDecoder().decode(json.result.body)) as { review: { id: string }; items: ReviewItem[] };
    expect(data.review.id).toBe(vessel.id);
    expect(data.items).toHaveLength(18);
    const actions = (await ok(core, 'audit.list', { entityId: vessel.id })).entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'review.exported')).toHaveLength(2);
  });

  it('renders document pages for the viewer and refuses images', async () => {
    const assetId = assets.get('bridge-element-inspection-synthetic.pdf')!;
    const page = await core.fetchResource('document.page', { assetId, page: 1, dpi: 72 });
    if (!page.ok) throw new Error(page.error.message);
    expect(page.result.mime).toBe('image/png');
    expect(Buffer.from(page.result.body.subarray(1, 4)).toString('latin1')).toBe('PNG');
    const beyond = await core.fetchResource('document.page', { assetId, page: 999, dpi: 72 });
    expect(beyond).toMatchObject({ ok: false });
  });
});

describe('a checklist review stopped midway', () => {
  it('is resumed on the next start and reviews each document exactly once', async () => {
    const t = await tempDir('chitti-checklist-resume-');
    try {
      const dir = path.join(t.dir, 'ws');
      let first = await openTestCore(dir);
      const job = await ok(first, 'jobs.create', { name: 'Resume' });
      const files = ['bridge-element-inspection-synthetic.pdf', 'ut-thickness-readings-2025.pdf', 'asme-ix-wps-sa304l.pdf'];
      const imported = await ok(first, 'assets.import', { jobId: job.id, paths: files.map((f) => path.join(REPORTS, f)) });
      await taskFinished(first, imported.id);
      // Stop the process as soon as the first document's review is committed.
      const firstReview = new Promise<void>((resolve) => first.subscribe((name) => name === 'review.added' && resolve()));
      const task = await ok(first, 'reviews.start', { jobId: job.id, checklistId: 'inspection-report-general', embeddings: false });
      await firstReview;
      await first.close();

      const stopped = await openWorkspaceDb(dir);
      const between = stopped.prepare('SELECT count(*) AS n FROM checklist_reviews').get() as { n: number };
      stopped.close();
      expect(between.n).toBeGreaterThanOrEqual(1);
      expect(between.n).toBeLessThan(3);

      first = await openTestCore(dir, { create: false, autoResume: true });
      const done = await new Promise<string>((resolve) => {
        first.subscribe((name, payload) => {
          if (name === 'task.finished' && (payload as { task: { id: string; status: string } }).task.id === task.id) resolve((payload as { task: { status: string } }).task.status);
        });
        // It may have ended before the subscription.
        void ok(first, 'tasks.get', { taskId: task.id }).then((t) => (t.status === 'done' ? resolve(t.status) : undefined));
      });
      expect(done).toBe('done');
      const { reviews } = await ok(first, 'reviews.list', { jobId: job.id });
      expect(reviews.map((r) => r.documentName).sort()).toEqual([...files].sort());
      await first.close();
    } finally {
      await t.cleanup();
    }
  }, 300_000);
});

describe('what a rejection teaches', () => {
  it('counts a reject once, keeps it when the right status is then set, and takes it back only when the reject is undone or overturned', async () => {
    const { reviews } = await ok(core, 'reviews.list', { jobId });
    const bridge = reviews.find((r) => r.documentName.startsWith('bridge') && r.status === 'done')!;
    const { items } = await ok(core, 'reviews.get', { reviewId: bridge.id });
    const target = items.find((i) => i.itemId === 'IRC-04')!;
    const memory = () => (db.prepare(`SELECT coalesce(sum(rejected), 0) AS n FROM feedback_memory WHERE framework_id = 'inspection-report-core' AND item_id = 'IRC-04'`).get() as { n: number }).n;
    const start = memory();
    const rejected = await ok(core, 'reviews.decide', { resultId: target.id, expectedVersion: target.version, action: 'reject', reason: '  ' });
    expect(rejected.rejectReason).toBeNull(); // a blank reason is no reason
    expect(memory()).toBe(start + 1);
    // Rewording the feedback of a rejected proposal keeps it rejected (out of the summary).
    const reworded = await ok(core, 'reviews.decide', { resultId: target.id, expectedVersion: rejected.version, action: 'edit-feedback', feedback: 'The inspection type is stated in the title.' });
    expect(reworded.decision).toBe('rejected');
    // Setting the right status is how the AI is corrected: the rejection still counts.
    const corrected = await ok(core, 'reviews.decide', { resultId: target.id, expectedVersion: reworded.version, action: 'set-status', status: 'met' });
    expect(corrected).toMatchObject({ decision: 'edited', status: 'met' });
    expect(memory()).toBe(start + 1);
    const back = await ok(core, 'reviews.undo', { resultId: target.id, expectedVersion: corrected.version });
    expect(back.decision).toBe('rejected');
    expect(memory()).toBe(start + 1);
    // Undo the rewording, then the reject itself: the rejection is taken back.
    const unreworded = await ok(core, 'reviews.undo', { resultId: target.id, expectedVersion: back.version });
    const unrejected = await ok(core, 'reviews.undo', { resultId: target.id, expectedVersion: unreworded.version });
    expect(unrejected.decision).toBe('proposed');
    expect(memory()).toBe(start);
    const audit = (await ok(core, 'audit.list', { entityId: target.id })).entries;
    expect(audit.find((e) => e.action === 'checklist.undone')!.data).toMatchObject({ undidAction: expect.any(String) });
  });
});
