import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src/core/app/core-api.ts';
import type { Db } from '../../src/core/db/open.ts';
import { newId } from '../../src/core/ids.ts';
import type { Finding, FindingSnapshot, Task } from '../../src/shared/contract/index.ts';
import { openWorkspaceDb } from '../helpers/db.ts';
import { DETECTOR_ID, HOSTILE_IMAGES, SEGMENTER_ID, neuImage, testModelsDir } from '../helpers/models.ts';
import { SHARED_DATA, ok, openTestCore, taskFinished, tempDir } from '../helpers/workspace.ts';

/**
 * Review of findings through the real core: an encrypted workspace, the
 * shipped NEU-DET detector on real steel images, decisions checked in the
 * database, the audit trail and the events.
 */

const IMAGES = ['scratches_100', 'patches_105', 'inclusion_111'];

let tmp: { dir: string; cleanup: () => Promise<void> };
let ws: string;
let core: Core;
let db: Db;
const events: Array<{ name: string; payload: unknown }> = [];
const actorBefore = process.env.CHITTI_ACTOR;
const as = (actor: string) => (process.env.CHITTI_ACTOR = actor);

beforeAll(async () => {
  tmp = await tempDir('chitti-review-');
  ws = path.join(tmp.dir, 'ws');
  as('alice');
  core = await openTestCore(ws, { modelDirs: [{ dir: testModelsDir(), origin: 'built-in' }], inference: { poolSize: 2 } });
  core.subscribe((name, payload) => events.push({ name, payload }));
  db = await openWorkspaceDb(ws);
});
afterAll(async () => {
  db?.close();
  await core?.close();
  await tmp?.cleanup();
  if (actorBefore === undefined) delete process.env.CHITTI_ACTOR;
  else process.env.CHITTI_ACTOR = actorBefore;
});

/** A job with `paths` imported; returns its id and asset ids by file name. */
async function jobWith(name: string, paths: string[]): Promise<{ jobId: string; assets: Map<string, string> }> {
  const job = await ok(core, 'jobs.create', { name });
  const task = await ok(core, 'assets.import', { jobId: job.id, paths });
  expect((await taskFinished(core, task.id)).status).toBe('done');
  const { assets } = await ok(core, 'assets.list', { jobId: job.id });
  return { jobId: job.id, assets: new Map(assets.map((a) => [a.originalName, a.id])) };
}

async function detect(input: Record<string, unknown>): Promise<Task> {
  const task = await ok(core, 'detect.start', input);
  return taskFinished(core, task.id);
}

/** Every current finding of the job, from findings.list per image (the reference findings.query is checked against). */
async function currentFindings(jobId: string): Promise<Finding[]> {
  const { assets } = await ok(core, 'assets.list', { jobId });
  const out: Finding[] = [];
  for (const a of assets.filter((x) => x.kind === 'image')) out.push(...(await ok(core, 'findings.list', { assetId: a.id })).findings);
  return out;
}

const decisionRows = (findingId: string) =>
  db.prepare('SELECT action, before, after, reviewer, job_id, asset_id FROM decisions WHERE finding_id = ? ORDER BY rowid').all(findingId) as
    Array<{ action: string; before: string | null; after: string; reviewer: string; job_id: string; asset_id: string }>;
const findingRow = (id: string) => db.prepare('SELECT * FROM findings WHERE id = ?').get(id) as Record<string, unknown>;
const auditOf = async (id: string) => (await ok(core, 'audit.list', { entityId: id, limit: 1000 })).entries.reverse();
const snap = (f: Finding): FindingSnapshot => ({ status: f.status, class: f.class, box: f.box, polygon: f.polygon, note: f.note, rejectReason: f.rejectReason });

describe('deciding findings', () => {
  let jobId: string;
  let assets: Map<string, string>;
  let proposed: Finding[];

  beforeAll(async () => {
    as('alice');
    ({ jobId, assets } = await jobWith('Decisions', [...IMAGES.map(neuImage), neuImage('crazing_108')]));
    const task = await detect({ jobId, assetIds: IMAGES.map((i) => assets.get(`${i}.jpg`)), threshold: 0.05 });
    expect(task).toMatchObject({ status: 'done', analysed: 3 });
    proposed = await currentFindings(jobId);
    expect(proposed.length).toBeGreaterThanOrEqual(8);
    for (const f of proposed) {
      expect(f).toMatchObject({ status: 'proposed', source: 'model', version: 1, note: null, rejectReason: null, decidedBy: null, decidedAt: null, modelClass: f.class, modelBox: f.box });
      expect(f.analysisId).toMatch(/^ana_/);
    }
  });

  it('accept: the finding, its decision row, audit entry and event, version + 1', async () => {
    const f = proposed[0]!;
    events.length = 0;
    const after = await ok(core, 'findings.decide', { findingId: f.id, expectedVersion: 1, action: 'accept' });
    expect(after).toMatchObject({ id: f.id, status: 'accepted', version: 2, decidedBy: 'alice', class: f.class, box: f.box, modelClass: f.class, modelBox: f.box });
    expect(Date.parse(after.decidedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(findingRow(f.id)).toMatchObject({ status: 'accepted', version: 2, decided_by: 'alice', decided_at: after.decidedAt });
    const rows = decisionRows(f.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'accept', reviewer: 'alice', job_id: jobId, asset_id: f.assetId });
    expect(JSON.parse(rows[0]!.before!)).toEqual(snap(f));
    expect(JSON.parse(rows[0]!.after)).toEqual(snap(after));
    const audit = await auditOf(f.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'finding.accepted', actor: 'alice', entityType: 'finding', data: { jobId, assetId: f.assetId, version: 2, before: snap(f), after: snap(after) } });
    expect(events).toEqual([{ name: 'finding.changed', payload: { finding: after } }]);
    expect(await ok(core, 'findings.list', { assetId: f.assetId })).toMatchObject({ findings: expect.arrayContaining([after]) });
  });

  it('reject with a reason, reclass, edit (box, then outline), note: each recorded, `edited` only when it differs from the model', async () => {
    const [, a, b, c] = proposed as [Finding, Finding, Finding, Finding];
    const rejected = await ok(core, 'findings.decide', { findingId: a.id, expectedVersion: 1, action: 'reject', reason: 'rolling mark, not a defect' });
    expect(rejected).toMatchObject({ status: 'rejected', rejectReason: 'rolling mark, not a defect', version: 2, box: a.box, class: a.class });
    expect((await auditOf(a.id))[0]).toMatchObject({ action: 'finding.rejected', data: { reason: 'rolling mark, not a defect', after: { status: 'rejected' } } });

    const other = a.class === 'scratches' ? 'patches' : 'scratches';
    const reclassed = await ok(core, 'findings.decide', { findingId: b.id, expectedVersion: 1, action: 'reclass', class: other });
    expect(reclassed).toMatchObject({ status: 'edited', class: other, modelClass: b.class, box: b.box, version: 2 });
    // Back to the model's class: accepted as proposed.
    const back = await ok(core, 'findings.decide', { findingId: b.id, expectedVersion: 2, action: 'reclass', class: b.class });
    expect(back).toMatchObject({ status: 'accepted', class: b.class, version: 3 });
    expect((await auditOf(b.id)).map((e) => e.action)).toEqual(['finding.reclassified', 'finding.reclassified']);

    const box: [number, number, number, number] = [10, 20, 60, 80];
    const edited = await ok(core, 'findings.decide', { findingId: c.id, expectedVersion: 1, action: 'edit', box, note: 'tightened' });
    expect(edited).toMatchObject({ status: 'edited', box, polygon: null, modelBox: c.box, class: c.class, note: 'tightened', version: 2 });
    const outline: Array<[number, number]> = [[5, 5], [50, 8], [40, 70]];
    const outlined = await ok(core, 'findings.decide', { findingId: c.id, expectedVersion: 2, action: 'edit', polygon: outline });
    expect(outlined).toMatchObject({ status: 'edited', box: [5, 5, 50, 70], polygon: outline, version: 3 });
    expect(findingRow(c.id)).toMatchObject({ x1: 5, y1: 5, x2: 50, y2: 70, model_box: JSON.stringify(c.box), status: 'edited' });
    expect((await auditOf(c.id)).map((e) => e.action)).toEqual(['finding.edited', 'finding.edited']);

    const noted = await ok(core, 'findings.decide', { findingId: c.id, expectedVersion: 3, action: 'note', note: 'check on the next shift' });
    expect(noted).toMatchObject({ status: 'edited', note: 'check on the next shift', version: 4 });
    const cleared = await ok(core, 'findings.decide', { findingId: c.id, expectedVersion: 4, action: 'note', note: '' });
    expect(cleared).toMatchObject({ note: null, version: 5 });
    expect(decisionRows(c.id).map((d) => d.action)).toEqual(['edit', 'edit', 'note', 'note']);
    // A rejected finding accepted later loses its reason.
    expect(await ok(core, 'findings.decide', { findingId: a.id, expectedVersion: 2, action: 'accept' })).toMatchObject({ status: 'accepted', rejectReason: null, version: 3 });
  });

  it('refuses a decision whose fields do not fit, or a box outside the image, changing nothing', async () => {
    const f = proposed[4]!;
    const bad = [
      { action: 'accept', reason: 'x' },
      { action: 'reclass' },
      { action: 'edit' },
      { action: 'note' },
      { action: 'reject', box: [1, 1, 5, 5] },
      { action: 'edit', box: [10, 10, 250, 50] },
      { action: 'edit', box: [10, 10, 5, 50] },
      { action: 'edit', polygon: [[1, 1], [2, 2], [300, 3]] },
      // A box and an outline together: the box must hold the outline.
      { action: 'edit', box: [10, 10, 40, 40], polygon: [[12, 12], [60, 15], [20, 30]] },
    ];
    for (const input of bad) {
      expect(await core.dispatch('findings.decide', { findingId: f.id, expectedVersion: 1, ...input }), JSON.stringify(input))
        .toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await core.dispatch('findings.decide', { findingId: 'fnd_00000000000000000000', expectedVersion: 1, action: 'accept' }))
      .toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(findingRow(f.id)).toMatchObject({ status: 'proposed', version: 1 });
    expect(decisionRows(f.id)).toEqual([]);
    expect(await auditOf(f.id)).toEqual([]);
  });

  it('two windows deciding from the same version: the second gets CONFLICT naming who and when, and nothing of it is written', async () => {
    const f = proposed[5]!;
    as('alice');
    const first = await ok(core, 'findings.decide', { findingId: f.id, expectedVersion: 1, action: 'accept' });
    as('bob');
    events.length = 0;
    const second = await core.dispatch('findings.decide', { findingId: f.id, expectedVersion: 1, action: 'reject', reason: 'false call' });
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const message = (second as { error: { message: string } }).error.message;
    expect(message).toContain('alice');
    expect(message).toContain(first.decidedAt!);
    expect(message).toMatch(/since you loaded it/);
    expect(findingRow(f.id)).toMatchObject({ status: 'accepted', version: 2, decided_by: 'alice', reject_reason: null });
    expect(decisionRows(f.id)).toHaveLength(1);
    expect((await auditOf(f.id)).map((e) => e.actor)).toEqual(['alice']);
    expect(events).toEqual([]);
    // Reloaded, bob's decision goes through.
    expect(await ok(core, 'findings.decide', { findingId: f.id, expectedVersion: 2, action: 'reject' })).toMatchObject({ status: 'rejected', decidedBy: 'bob', version: 3 });
    as('alice');
  });

  it('undo walks back through the decisions, restoring each `before`, until there is nothing left', async () => {
    const f = proposed[6]!;
    await ok(core, 'findings.decide', { findingId: f.id, expectedVersion: 1, action: 'accept' });
    await ok(core, 'findings.decide', { findingId: f.id, expectedVersion: 2, action: 'reclass', class: f.class === 'crazing' ? 'pitted_surface' : 'crazing' });
    expect(await core.dispatch('findings.undo', { findingId: f.id, expectedVersion: 2 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const once = await ok(core, 'findings.undo', { findingId: f.id, expectedVersion: 3 });
    expect(once).toMatchObject({ status: 'accepted', class: f.class, version: 4, decidedBy: 'alice' });
    const twice = await ok(core, 'findings.undo', { findingId: f.id, expectedVersion: 4 });
    expect(snap(twice)).toEqual(snap(f));
    expect(twice.version).toBe(5);
    expect(await core.dispatch('findings.undo', { findingId: f.id, expectedVersion: 5 })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/nothing|no decision/i) } });
    expect(decisionRows(f.id).map((d) => d.action)).toEqual(['accept', 'reclass', 'undo', 'undo']);
    const audit = await auditOf(f.id);
    expect(audit.map((e) => e.action)).toEqual(['finding.accepted', 'finding.reclassified', 'finding.undone', 'finding.undone']);
    expect(audit[2]!.data).toMatchObject({ undidAction: 'reclass', before: { class: expect.not.stringMatching(f.class) }, after: { class: f.class, status: 'accepted' } });
    // A decision after undos is undone next.
    await ok(core, 'findings.decide', { findingId: f.id, expectedVersion: 5, action: 'reject' });
    expect(await ok(core, 'findings.undo', { findingId: f.id, expectedVersion: 6 })).toMatchObject({ status: 'proposed', version: 7 });
  });

  it('adds a reviewer finding, also on an image not analysed; its adding cannot be undone', async () => {
    const crazing = assets.get('crazing_108.jpg')!;
    events.length = 0;
    const added = await ok(core, 'findings.add', { assetId: crazing, class: 'crazing', box: [12, 30, 90, 61.5], note: 'missed by the model' });
    expect(added).toMatchObject({
      assetId: crazing, jobId, analysisId: null, source: 'reviewer', status: 'accepted', score: 1, version: 1, class: 'crazing', box: [12, 30, 90, 61.5],
      polygon: null, note: 'missed by the model', decidedBy: 'alice', modelClass: null, modelBox: null,
    });
    expect(events).toEqual([{ name: 'finding.changed', payload: { finding: added } }]);
    expect(decisionRows(added.id)).toEqual([expect.objectContaining({ action: 'add', before: null, reviewer: 'alice' })]);
    expect((await auditOf(added.id))[0]).toMatchObject({ action: 'finding.added', data: { before: null, after: snap(added) } });
    expect(await ok(core, 'findings.list', { assetId: crazing })).toEqual({ analysis: null, findings: [added] });
    expect(await core.dispatch('findings.undo', { findingId: added.id, expectedVersion: 1 })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Then edited like any other (it stays accepted: there is no model proposal to differ from).
    expect(await ok(core, 'findings.decide', { findingId: added.id, expectedVersion: 1, action: 'edit', box: [12, 30, 95, 70] })).toMatchObject({ status: 'accepted', version: 2 });
    const withOutline = await ok(core, 'findings.add', { assetId: assets.get('patches_105.jpg'), class: 'patches', box: [1, 1, 20, 20], polygon: [[1, 1], [20, 1], [10, 20]] });
    expect(withOutline.polygon).toEqual([[1, 1], [20, 1], [10, 20]]);
    expect(await core.dispatch('findings.add', { assetId: crazing, class: 'crazing', box: [150, 150, 201, 190] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await core.dispatch('findings.add', { assetId: crazing, class: ' ', box: [1, 1, 2, 2] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true, problems: [] });
  });
});

describe('bulk decisions, the findings query and the job overview', () => {
  let jobId: string;
  let assets: Map<string, string>;
  let order: string[];

  beforeAll(async () => {
    as('alice');
    ({ jobId, assets } = await jobWith('Bulk', [...IMAGES.map(neuImage), path.join(HOSTILE_IMAGES, 'truncated_jpeg.jpg'), neuImage('crazing_108')]));
    const task = await detect({ jobId, assetIds: [...IMAGES.map((i) => assets.get(`${i}.jpg`)), assets.get('truncated_jpeg.jpg')], threshold: 0.05 });
    expect(task).toMatchObject({ status: 'done', analysed: 3, failed: 1 });
    order = (await ok(core, 'assets.list', { jobId })).assets.map((a) => a.id);
  });


  it('query: every current finding, filtered, sorted and paged', async () => {
    const all = await currentFindings(jobId);
    const q = (input: Record<string, unknown>) => ok(core, 'findings.query', { jobId, limit: 1000, ...input });
    const ids = (fs: Finding[]) => fs.map((f) => f.id);

    const desc = await q({});
    expect(desc.total).toBe(all.length);
    expect(desc.findings.map((f) => f.score)).toEqual(all.map((f) => f.score).sort((a, b) => b - a));
    expect(new Set(ids(desc.findings))).toEqual(new Set(ids(all)));
    const asc = await q({ sort: 'score-asc' });
    expect(asc.findings.map((f) => f.score)).toEqual(all.map((f) => f.score).sort((a, b) => a - b));
    const image = await q({ sort: 'image' });
    const rank = (f: Finding) => order.indexOf(f.assetId);
    expect(image.findings.map(rank)).toEqual([...image.findings.map(rank)].sort((a, b) => a - b));
    for (const id of order) {
      const mine = image.findings.filter((f) => f.assetId === id).map((f) => f.score);
      expect(mine).toEqual([...mine].sort((a, b) => b - a));
    }

    // Paging: consecutive pages make the whole list, in order.
    const pages: Finding[] = [];
    for (let offset = 0; offset < all.length; offset += 3) {
      const page = await q({ limit: 3, offset });
      expect(page.total).toBe(all.length);
      pages.push(...page.findings);
    }
    expect(ids(pages)).toEqual(ids(desc.findings));
    // The image order pages across images too, with filters.
    for (const filter of [{}, { class: desc.findings[0]!.class }, { minScore: 0.3 }]) {
      const whole = await q({ sort: 'image', ...filter });
      const paged: Finding[] = [];
      for (let offset = 0; offset < whole.total + 3; offset += 4) {
        const page = await q({ sort: 'image', limit: 4, offset, ...filter });
        expect(page.total).toBe(whole.total);
        paged.push(...page.findings);
      }
      expect(ids(paged)).toEqual(ids(whole.findings));
      expect(whole.total).toBe(whole.findings.length);
    }

    const cls = desc.findings[0]!.class;
    const asset = assets.get('patches_105.jpg')!;
    expect(ids((await q({ class: cls })).findings)).toEqual(ids(desc.findings.filter((f) => f.class === cls)));
    expect(ids((await q({ assetId: asset })).findings)).toEqual(ids(desc.findings.filter((f) => f.assetId === asset)));
    expect(ids((await q({ minScore: 0.2, maxScore: 0.6 })).findings)).toEqual(ids(desc.findings.filter((f) => f.score >= 0.2 && f.score <= 0.6)));
    expect((await q({ status: 'accepted' })).total).toBe(0);
    expect(await core.dispatch('findings.query', { jobId, sort: 'random' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await core.dispatch('findings.query', { jobId: 'job_00000000000000000000' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('bulk accepts the proposed findings above a score, each decided and audited, in one go; then rejects chosen ones', async () => {
    const all = (await ok(core, 'findings.query', { jobId, limit: 1000 })).findings;
    const t = all[Math.floor(all.length / 2)]!.score;
    const above = all.filter((f) => f.score >= t);
    // One of them already decided by hand: bulk skips it.
    const hand = above[0]!;
    await ok(core, 'findings.decide', { findingId: hand.id, expectedVersion: 1, action: 'reject' });
    const auditBefore = (await ok(core, 'audit.list', { limit: 1000 })).entries.length;
    events.length = 0;
    const { count, decided } = await ok(core, 'findings.bulk', { jobId, action: 'accept', filter: { minScore: t } });
    expect(count).toBe(above.length - 1);
    expect(new Set(decided.map((d) => d.findingId))).toEqual(new Set(above.slice(1).map((f) => f.id)));
    expect(decided.every((d) => d.version === 2)).toBe(true);
    const entries = (await ok(core, 'audit.list', { limit: 1000 })).entries;
    expect(entries.length - auditBefore).toBe(count);
    const bulkEntries = entries.slice(0, count);
    expect(bulkEntries.every((e) => e.action === 'finding.accepted' && (e.data as { bulk?: boolean }).bulk === true)).toBe(true);
    expect(new Set(bulkEntries.map((e) => e.entityId))).toEqual(new Set(above.slice(1).map((f) => f.id)));
    expect(events.filter((e) => e.name === 'finding.changed')).toHaveLength(count);
    for (const f of above.slice(1)) {
      expect(findingRow(f.id)).toMatchObject({ status: 'accepted', version: 2, decided_by: 'alice' });
      expect(decisionRows(f.id).map((d) => d.action)).toEqual(['accept']);
    }
    expect(findingRow(hand.id)).toMatchObject({ status: 'rejected' });
    const below = all.filter((f) => f.score < t);
    expect((await ok(core, 'findings.query', { jobId, status: 'proposed', limit: 1000 })).total).toBe(below.length);
    // Again: nothing proposed above t is left.
    expect(await ok(core, 'findings.bulk', { jobId, action: 'accept', filter: { minScore: t } })).toEqual({ count: 0, decided: [] });

    // Reject chosen ids: only the proposed ones count.
    const chosen = [below[0]!.id, below[1]!.id, hand.id, above[1]!.id];
    const rejected = await ok(core, 'findings.bulk', { jobId, action: 'reject', findingIds: chosen, reason: 'scale' });
    expect(rejected.count).toBe(2);
    expect(rejected.decided).toEqual(expect.arrayContaining([{ findingId: below[0]!.id, version: 2 }, { findingId: below[1]!.id, version: 2 }]));
    expect(findingRow(below[0]!.id)).toMatchObject({ status: 'rejected', reject_reason: 'scale' });
    expect(findingRow(above[1]!.id)).toMatchObject({ status: 'accepted' });
    expect(await core.dispatch('findings.bulk', { jobId, action: 'accept' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true, problems: [] });
  });

  it('bulk undo takes a bulk decision back as one step: version-checked, all or none, audited; redone by deciding again', async () => {
    const proposedNow = (await ok(core, 'findings.query', { jobId, status: 'proposed', limit: 1000 })).findings;
    expect(proposedNow.length).toBeGreaterThanOrEqual(4);
    const [a, b, c, untouched] = proposedNow as [Finding, Finding, Finding, Finding];
    const bulk = await ok(core, 'findings.bulk', { jobId, action: 'reject', findingIds: [a.id, b.id, c.id], reason: 'scale' });
    expect(bulk.count).toBe(3);
    const versions = new Map(bulk.decided.map((d) => [d.findingId, d.version]));
    const asUndo = (ids: string[]) => ids.map((id) => ({ findingId: id, expectedVersion: versions.get(id) ?? 1 }));
    const state = () => [a, b, c, untouched].map((f) => ({ row: findingRow(f.id), decisions: decisionRows(f.id).length }));
    const auditCount = async () => (await ok(core, 'audit.list', { limit: 1000 })).entries.length;

    // Refused, writing nothing: a stale version (b noted since), a finding with nothing to undo (after one that could be), a repeat, another job's finding.
    await ok(core, 'findings.decide', { findingId: b.id, expectedVersion: versions.get(b.id)!, action: 'note', note: 'look again' });
    const otherJob = (await ok(core, 'jobs.create', { name: 'Another' })).id;
    const held = state();
    const auditBefore = await auditCount();
    events.length = 0;
    const stale = await core.dispatch('findings.bulkUndo', { jobId, findings: asUndo([a.id, b.id, c.id]) });
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('alice') } });
    expect(await core.dispatch('findings.bulkUndo', { jobId, findings: [...asUndo([a.id]), { findingId: untouched.id, expectedVersion: 1 }] }))
      .toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/nothing|no decision/i) } });
    expect(await core.dispatch('findings.bulkUndo', { jobId, findings: asUndo([a.id, a.id]) })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await core.dispatch('findings.bulkUndo', { jobId: otherJob, findings: asUndo([a.id]) })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.dispatch('findings.bulkUndo', { jobId, findings: [] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(state()).toEqual(held);
    expect(await auditCount()).toBe(auditBefore);
    expect(events).toEqual([]);

    // The note undone first, the bulk rejection is undone as one step: each back to proposed, version + 1.
    const unnoted = await ok(core, 'findings.undo', { findingId: b.id, expectedVersion: versions.get(b.id)! + 1 });
    versions.set(b.id, unnoted.version);
    events.length = 0;
    const undone = await ok(core, 'findings.bulkUndo', { jobId, findings: asUndo([a.id, b.id, c.id]) });
    expect(undone.count).toBe(3);
    for (const f of [a, b, c]) {
      expect(undone.undone).toContainEqual({ findingId: f.id, version: versions.get(f.id)! + 1 });
      expect(findingRow(f.id)).toMatchObject({ status: 'proposed', reject_reason: null, version: versions.get(f.id)! + 1 });
      expect(decisionRows(f.id).at(-1)).toMatchObject({ action: 'undo', reviewer: 'alice' });
      expect(JSON.parse(decisionRows(f.id).at(-1)!.after)).toEqual(snap(f));
      expect((await auditOf(f.id)).at(-1)).toMatchObject({ action: 'finding.undone', data: { bulk: true, undidAction: 'reject', after: snap(f) } });
    }
    expect(events.filter((e) => e.name === 'finding.changed')).toHaveLength(3);
    expect(findingRow(untouched.id)).toMatchObject({ status: 'proposed', version: 1 });

    // Redo is the same bulk decision again, versioned and audited like the first; and it too is undone as one step.
    const redone = await ok(core, 'findings.bulk', { jobId, action: 'reject', findingIds: [a.id, b.id, c.id], reason: 'scale' });
    expect(redone.count).toBe(3);
    for (const f of [a, b, c]) expect(findingRow(f.id)).toMatchObject({ status: 'rejected', reject_reason: 'scale' });
    const again = await ok(core, 'findings.bulkUndo', { jobId, findings: redone.decided.map((d) => ({ findingId: d.findingId, expectedVersion: d.version })) });
    expect(again.count).toBe(3);
    for (const f of [a, b, c]) expect(findingRow(f.id)).toMatchObject({ status: 'proposed' });
    expect(await ok(core, 'audit.verify', {})).toMatchObject({ ok: true, problems: [] });
  });

  it('query takes only the latest analysis of an image, and reviewer-added findings', async () => {
    const asset = assets.get('scratches_100.jpg')!;
    const before = await ok(core, 'findings.query', { jobId, assetId: asset, limit: 1000 });
    await detect({ jobId, assetIds: [asset] }); // the model's own thresholds: fewer findings, all proposed again
    const latest = await ok(core, 'findings.list', { assetId: asset });
    const added = await ok(core, 'findings.add', { assetId: asset, class: 'scratches', box: [0, 0, 10, 10] });
    const after = await ok(core, 'findings.query', { jobId, assetId: asset, limit: 1000 });
    expect(after.total).toBe(latest.findings.length + 1);
    expect(new Set(after.findings.map((f) => f.id))).toEqual(new Set([...latest.findings.map((f) => f.id), added.id]));
    expect(after.findings.some((f) => before.findings.some((b) => b.id === f.id))).toBe(false);
    expect(after.findings.every((f) => f.analysisId === latest.analysis!.id || f.source === 'reviewer')).toBe(true);
  });

  it('jobs.review: each image’s state and counts, and totals by status, class and state', async () => {
    // Decide every finding of patches_105: it becomes reviewed.
    const patches = assets.get('patches_105.jpg')!;
    await ok(core, 'findings.bulk', { jobId, action: 'reject', filter: { assetId: patches } });
    const review = await ok(core, 'jobs.review', { jobId });
    expect(review.assets.map((a) => a.assetId)).toEqual(order);
    const get = (name: string) => review.assets.find((a) => a.name === name)!;
    expect(get('truncated_jpeg.jpg')).toMatchObject({ state: 'failed', error: { code: 'IMAGE_UNREADABLE', message: expect.any(String) }, analysisId: null, modelId: DETECTOR_ID });
    expect(get('crazing_108.jpg')).toMatchObject({ state: 'not-analysed', error: null, analysisId: null, modelId: null, counts: { proposed: 0, accepted: 0, rejected: 0, edited: 0 } });
    expect(get('patches_105.jpg')).toMatchObject({ state: 'reviewed', counts: { proposed: 0 } });
    expect(get('scratches_100.jpg')).toMatchObject({ state: 'to-review' });

    const all = await currentFindings(jobId);
    for (const a of review.assets) {
      const mine = all.filter((f) => f.assetId === a.assetId);
      for (const s of ['proposed', 'accepted', 'rejected', 'edited'] as const) expect(a.counts[s]).toBe(mine.filter((f) => f.status === s).length);
      if (a.analysisId) expect((await ok(core, 'findings.list', { assetId: a.assetId })).analysis!.id).toBe(a.analysisId);
    }
    for (const s of ['proposed', 'accepted', 'rejected', 'edited'] as const) expect(review.totals.byStatus[s]).toBe(all.filter((f) => f.status === s).length);
    const classes = [...new Set(all.map((f) => f.class))].sort();
    expect(Object.keys(review.totals.byClass)).toEqual(classes);
    for (const c of classes) expect(review.totals.byClass[c]!.rejected).toBe(all.filter((f) => f.class === c && f.status === 'rejected').length);
    expect(review.totals.byState).toEqual({ 'not-analysed': 1, 'to-review': get('inclusion_111.jpg').counts.proposed > 0 ? 2 : 1, reviewed: get('inclusion_111.jpg').counts.proposed > 0 ? 1 : 2, failed: 1 });
  });
});

describe('calibration', () => {
  const MODEL = 'hand-made-model';
  let jobId: string;
  let assetId: string;

  /** Inserts an analysis by MODEL and its proposed findings with these classes and scores; returns the finding ids. */
  function seed(findings: Array<[string, number]>, model = MODEL): string[] {
    const analysisId = newId('ana');
    const taskId = newId('tsk'); // analyses are one per (task, asset)
    const at = new Date().toISOString();
    db.prepare(`INSERT INTO tasks (id, kind, job_id, status, params, created_at) VALUES (?, 'detect', ?, 'done', '{}', ?)`).run(taskId, jobId, at);
    db.prepare(
      `INSERT INTO analyses (id, job_id, asset_id, task_id, model_id, model_version, model_sha256, settings, status, width, height, created_at)
       VALUES (?, ?, ?, ?, ?, '1', ?, '{"threshold":null,"scoreThreshold":0.3,"classThresholds":{}}', 'done', 200, 200, ?)`,
    ).run(analysisId, jobId, assetId, taskId, model, 'e'.repeat(64), at);
    return findings.map(([cls, score]) => {
      const id = newId('fnd');
      db.prepare(
        `INSERT INTO findings (id, analysis_id, job_id, asset_id, class, score, x1, y1, x2, y2, status, created_at, source, model_class, model_box)
         VALUES (?, ?, ?, ?, ?, ?, 1, 1, 9, 9, 'proposed', ?, 'model', ?, '[1,1,9,9]')`,
      ).run(id, analysisId, jobId, assetId, cls, score, at, cls);
      return id;
    });
  }
  const decide = (findingId: string, action: 'accept' | 'reject' | 'reclass', extra: Record<string, unknown> = {}) =>
    ok(core, 'findings.decide', { findingId, expectedVersion: 1, action, ...extra });

  beforeAll(async () => {
    ({ jobId } = await jobWith('Calibration', [neuImage('crazing_11')]));
    assetId = (await ok(core, 'assets.list', { jobId })).assets[0]!.id;
  });

  it('gives precision per class and threshold among decided findings, and the lowest threshold reaching 0.9 over ≥ 10', async () => {
    // crack: 12 decided + 1 proposed. Accepted: 0.91 0.9 0.85 0.8 0.75 0.7 0.6 0.55; edited (reclassed to pore, still the model's crack): 0.92.
    // Rejected: 0.65 0.3 0.12. Proposed (left out): 0.5.
    const crack = seed([['crack', 0.92], ['crack', 0.91], ['crack', 0.9], ['crack', 0.85], ['crack', 0.8], ['crack', 0.75], ['crack', 0.7],
      ['crack', 0.65], ['crack', 0.6], ['crack', 0.55], ['crack', 0.3], ['crack', 0.12], ['crack', 0.5]]);
    await decide(crack[0]!, 'reclass', { class: 'pore' });
    for (const i of [1, 2, 3, 4, 5, 6, 8, 9]) await decide(crack[i]!, 'accept');
    for (const i of [7, 10, 11]) await decide(crack[i]!, 'reject');
    // pore: 0.95 accepted, 0.5 accepted, 0.2 rejected: precise, but too few for a suggestion.
    const pore = seed([['pore', 0.95], ['pore', 0.5], ['pore', 0.2]]);
    await decide(pore[0]!, 'accept');
    await decide(pore[1]!, 'accept');
    await decide(pore[2]!, 'reject');
    // Not counted: another model's decided finding, and a reviewer's own.
    await decide(seed([['crack', 0.99]], 'other-model')[0]!, 'reject');
    await ok(core, 'findings.add', { assetId, class: 'crack', box: [1, 1, 5, 5] });

    const cal = await ok(core, 'calibration.get', { modelId: MODEL });
    expect(cal.modelId).toBe(MODEL);
    expect(cal.classes.map((c) => c.class)).toEqual(['crack', 'pore']);
    const c = cal.classes[0]!;
    expect(c).toMatchObject({ class: 'crack', decided: 12, proposed: 1, modelThreshold: null, override: null, suggested: 0.35 });
    // By hand: t ≤ 0.10 all 12 (9 right); 0.15–0.30 drop 0.12 (0.30 keeps the 0.3); 0.35–0.55 drop 0.3; then one by one.
    const expected: Array<[number, number, number]> = [
      [0.05, 12, 9], [0.1, 12, 9], [0.15, 11, 9], [0.2, 11, 9], [0.25, 11, 9], [0.3, 11, 9], [0.35, 10, 9], [0.4, 10, 9], [0.45, 10, 9], [0.5, 10, 9],
      [0.55, 10, 9], [0.6, 9, 8], [0.65, 8, 7], [0.7, 7, 7], [0.75, 6, 6], [0.8, 5, 5], [0.85, 4, 4], [0.9, 3, 3], [0.95, 0, 0],
    ];
    expect(c.points.map((p) => [p.threshold, p.n, p.truePositives])).toEqual(expected);
    expect(c.points.map((p) => p.precision)).toEqual(expected.map(([, n, tp]) => (n === 0 ? null : tp / n)));
    expect(c.points[6]!.precision).toBe(0.9);

    const p = cal.classes[1]!;
    expect(p).toMatchObject({ class: 'pore', decided: 3, proposed: 0, suggested: null });
    expect(p.points.find((x) => x.threshold === 0.05)).toEqual({ threshold: 0.05, n: 3, truePositives: 2, precision: 2 / 3 });
    expect(p.points.find((x) => x.threshold === 0.25)).toEqual({ threshold: 0.25, n: 2, truePositives: 2, precision: 1 });
    expect(p.points.find((x) => x.threshold === 0.95)).toEqual({ threshold: 0.95, n: 1, truePositives: 1, precision: 1 });

    // An installed model lists all its classes, with its own thresholds.
    const shipped = await ok(core, 'calibration.get', { modelId: DETECTOR_ID });
    const { classes } = await ok(core, 'models.get', { id: DETECTOR_ID });
    expect(shipped.classes.map((x) => x.class)).toEqual(expect.arrayContaining(classes));
    expect(shipped.classes.find((x) => x.class === 'crazing')).toMatchObject({ modelThreshold: 0.448, override: null });
  });
});

describe('threshold overrides', () => {
  it('are audited, and a detect task started afterwards applies them per class and records them', async () => {
    as('alice');
    const { jobId, assets } = await jobWith('Overrides', IMAGES.map(neuImage));
    const wide = await detect({ jobId, threshold: 0.05 });
    const found = (await ok(core, 'analyses.list', { taskId: wide.id })).analyses;
    const wideFindings = (await currentFindings(jobId)).filter((f) => found.some((a) => a.id === f.analysisId));
    const { classes } = await ok(core, 'models.get', { id: DETECTOR_ID });
    // The class with the most findings, most of them below the model's own threshold.
    const counts = new Map<string, number>();
    for (const f of wideFindings) counts.set(f.class, (counts.get(f.class) ?? 0) + 1);
    const keep = [...counts].sort((a, b) => b[1] - a[1])[0]![0];

    for (const c of classes) {
      expect(await ok(core, 'thresholds.set', { modelId: DETECTOR_ID, class: c, threshold: c === keep ? 0.05 : 1 })).toMatchObject({ modelId: DETECTOR_ID });
    }
    const { overrides } = await ok(core, 'thresholds.set', { modelId: DETECTOR_ID, class: keep, threshold: 0.05 }); // unchanged: not audited again
    expect(overrides).toEqual(Object.fromEntries(classes.map((c) => [c, c === keep ? 0.05 : 1])));
    const audit = (await ok(core, 'audit.list', { entityId: DETECTOR_ID, limit: 100 })).entries;
    expect(audit).toHaveLength(classes.length);
    expect(audit.find((e) => (e.data as { class: string }).class === keep)).toMatchObject({ action: 'threshold.set', actor: 'alice', data: { class: keep, old: null, new: 0.05 } });
    expect(await core.dispatch('thresholds.set', { modelId: DETECTOR_ID, class: 'no-such-class', threshold: 0.5 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await core.dispatch('thresholds.set', { modelId: 'no-such-model', class: keep, threshold: 0.5 })).toMatchObject({ ok: false, error: { code: 'MODEL_NOT_FOUND' } });
    expect(await core.dispatch('thresholds.set', { modelId: DETECTOR_ID, class: keep, threshold: 1.5 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await ok(core, 'calibration.get', { modelId: DETECTOR_ID })).classes.find((c) => c.class === keep)).toMatchObject({ override: 0.05 });

    const narrow = await detect({ jobId });
    expect(narrow).toMatchObject({ status: 'done', analysed: IMAGES.length });
    const analyses = (await ok(core, 'analyses.list', { taskId: narrow.id })).analyses;
    for (const a of analyses) expect(a.settings).toMatchObject({ threshold: null, overrides });
    const now = await currentFindings(jobId);
    expect(now.every((f) => analyses.some((a) => a.id === f.analysisId))).toBe(true);
    const key = (f: Finding) => `${f.assetId} ${f.class} ${f.score.toFixed(5)} ${f.box.map((v) => v.toFixed(2)).join(',')}`;
    expect(now.map(key).sort()).toEqual(wideFindings.filter((f) => f.class === keep).map(key).sort());
    // Below the model's own threshold for that class, which the override let through.
    const own = classes.includes(keep) ? (await ok(core, 'calibration.get', { modelId: DETECTOR_ID })).classes.find((c) => c.class === keep)!.modelThreshold! : 0;
    expect(now.some((f) => f.score < own)).toBe(true);

    // Removing them (null) is audited with the old value, and the next task uses the model's own thresholds.
    for (const c of classes) await ok(core, 'thresholds.set', { modelId: DETECTOR_ID, class: c, threshold: null });
    const removed = (await ok(core, 'audit.list', { entityId: DETECTOR_ID, limit: 100 })).entries.filter((e) => e.action === 'threshold.removed');
    expect(removed.find((e) => (e.data as { class: string }).class === keep)).toMatchObject({ data: { class: keep, old: 0.05, new: null } });
    const plain = await detect({ jobId, assetIds: [assets.get(`${IMAGES[0]}.jpg`)] });
    expect((await ok(core, 'analyses.list', { taskId: plain.id })).analyses[0]!.settings.overrides).toEqual({});
  });

  it('apply to a segmentation model too', async () => {
    const { jobId } = await jobWith('Overrides, segmentation', [path.join(SHARED_DATA, 'magnetic-tile', 'images', 'crack__exp2_num_3211.jpg')]);
    const wide = await detect({ jobId, modelId: SEGMENTER_ID, threshold: 0.05 });
    expect(wide).toMatchObject({ status: 'done', analysed: 1 });
    const before = await currentFindings(jobId);
    expect(before.some((f) => f.class === 'crack')).toBe(true);
    const { classes } = await ok(core, 'models.get', { id: SEGMENTER_ID });
    for (const c of classes) await ok(core, 'thresholds.set', { modelId: SEGMENTER_ID, class: c, threshold: c === 'crack' ? 0.05 : 1 });
    await detect({ jobId, modelId: SEGMENTER_ID });
    const after = await currentFindings(jobId);
    const key = (f: Finding) => `${f.class} ${f.score.toFixed(5)} ${f.box.join(',')}`;
    expect(after.map(key).sort()).toEqual(before.filter((f) => f.class === 'crack').map(key).sort());
    for (const c of classes) await ok(core, 'thresholds.set', { modelId: SEGMENTER_ID, class: c, threshold: null });
  });
});
