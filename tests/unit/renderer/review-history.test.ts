// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src/renderer/src/api/types.ts';
import { createAppStore } from '../../../src/renderer/src/store/app-store.ts';
import { UNDONE_ADD_REASON } from '../../../src/renderer/src/store/review-history.ts';
import { FakeApi, makeAnalysis, makeFinding } from './fake-api.ts';

/**
 * The review session's undo and redo stacks, in the real store over the
 * in-memory API: each step walks back and forth through the core's own
 * procedures at the version it left the finding(s) in.
 */

const JOB = 'job_00000000000000000001';
const ASSET = 'ast_00000000000000000001';
const id = (n: number) => `fnd_${String(n).padStart(20, '0')}`;

async function session() {
  const api = new FakeApi();
  api.findings[ASSET] = {
    analysis: makeAnalysis(),
    findings: [makeFinding({ id: id(1), score: 0.9 }), makeFinding({ id: id(2), score: 0.7 }), makeFinding({ id: id(3), score: 0.5 })],
  };
  const store = createAppStore(api, { screen: 'jobs' });
  await store.getState().loadFindings(ASSET);
  const finding = (n: number) => store.getState().findings[ASSET]!.findings.find((f) => f.id === id(n))!;
  const calls = () => api.calls.filter((c) => c.name.startsWith('findings.') && c.name !== 'findings.list').map((c) => ({ name: c.name, input: c.input }));
  return { api, store, s: () => store.getState(), finding, calls };
}

describe('undo and redo in a review session', () => {
  it('undoes and redoes decisions in order, each through the procedures at the version it left', async () => {
    const { s, finding, calls } = await session();
    await s().decide(finding(1), 'accept');
    await s().decide(finding(2), 'edit', { box: [12, 22, 90, 50] });
    expect(s().undoStack.map((x) => x.kind)).toEqual(['decide', 'decide']);
    expect(finding(2)).toMatchObject({ status: 'edited', box: [12, 22, 90, 50], version: 2 });

    const mark = calls().length;
    await s().undo();
    expect(finding(2)).toMatchObject({ status: 'proposed', box: [10, 20, 110, 60], version: 3 });
    await s().undo();
    expect(finding(1)).toMatchObject({ status: 'proposed', version: 3 });
    expect(s().undoStack).toEqual([]);
    expect(s().redoStack.map((x) => x.kind === 'decide' && x.findingId)).toEqual([id(2), id(1)]);

    // Redo applies the newest undone first: the accept, then the edit with its box, each at the version the undo left.
    await s().redo();
    expect(finding(1)).toMatchObject({ status: 'accepted', version: 4 });
    await s().redo();
    expect(finding(2)).toMatchObject({ status: 'edited', box: [12, 22, 90, 50], version: 4 });
    expect(calls().slice(mark)).toEqual([
      { name: 'findings.undo', input: { findingId: id(2), expectedVersion: 2 } },
      { name: 'findings.undo', input: { findingId: id(1), expectedVersion: 2 } },
      { name: 'findings.decide', input: { findingId: id(1), expectedVersion: 3, action: 'accept' } },
      { name: 'findings.decide', input: { findingId: id(2), expectedVersion: 3, action: 'edit', box: [12, 22, 90, 50] } },
    ]);
    expect(s().redoStack).toEqual([]);
    expect(s().undoStack).toHaveLength(2);
    await s().redo();
    expect(s().reviewNotice).toEqual({ kind: 'info', message: 'Nothing to redo in this session.' });
  });

  it('a new decision after an undo empties the redo stack', async () => {
    const { s, finding } = await session();
    await s().decide(finding(1), 'accept');
    await s().undo();
    expect(s().redoStack).toHaveLength(1);
    await s().decide(finding(3), 'reject', { reason: 'Duplicate' });
    expect(s().redoStack).toEqual([]);
    expect(s().undoStack).toHaveLength(1);
  });

  it('undoes a bulk decision as one step, and redoes it as one', async () => {
    const { s, finding, calls } = await session();
    await s().decide(finding(1), 'accept');
    const n = await s().bulkDecide({ jobId: JOB, action: 'reject', findingIds: [id(2), id(3)], reason: 'Surface artefact' });
    expect(n).toBe(2);
    expect(s().undoStack.map((x) => x.kind)).toEqual(['decide', 'bulk']);

    const mark = calls().length;
    await s().undo();
    // Bulk steps reach the list by reading the image again.
    await vi.waitFor(() => expect([finding(2).status, finding(3).status]).toEqual(['proposed', 'proposed']));
    expect(finding(1).status).toBe('accepted'); // the decision before the bulk stays
    expect(calls().slice(mark)).toEqual([
      { name: 'findings.bulkUndo', input: { jobId: JOB, findings: [{ findingId: id(2), expectedVersion: 2 }, { findingId: id(3), expectedVersion: 2 }] } },
    ]);

    await s().redo();
    await vi.waitFor(() => expect([finding(2).status, finding(3).status]).toEqual(['rejected', 'rejected']));
    expect(calls().slice(mark + 1)).toEqual([
      { name: 'findings.bulk', input: { jobId: JOB, action: 'reject', findingIds: [id(2), id(3)], reason: 'Surface artefact' } },
    ]);
    // Undone again, at the versions the redo left.
    await s().undo();
    expect(calls().slice(mark + 2)[0]).toEqual({
      name: 'findings.bulkUndo', input: { jobId: JOB, findings: [{ findingId: id(2), expectedVersion: 4 }, { findingId: id(3), expectedVersion: 4 }] },
    });
    // A bulk decision that decided nothing is no step.
    expect(await s().bulkDecide({ jobId: JOB, action: 'accept', findingIds: [id(1)] })).toBe(0);
    expect(s().undoStack.map((x) => x.kind)).toEqual(['decide']);
  });

  it('undoes adding a finding by rejecting it (the record keeps it), and redoes it by restoring it', async () => {
    const { s, finding, calls } = await session();
    const added = await s().addFinding(ASSET, { class: 'crazing', box: [5, 5, 40, 30] });
    expect(added).toMatchObject({ source: 'reviewer', status: 'accepted', class: 'crazing' });
    const n = Number(added!.id.slice(4));
    expect(finding(n)).toMatchObject({ status: 'accepted' });
    await s().undo();
    expect(finding(n)).toMatchObject({ status: 'rejected', rejectReason: UNDONE_ADD_REASON, version: 2 });
    await s().redo();
    expect(finding(n)).toMatchObject({ status: 'accepted', rejectReason: null, version: 3 });
    expect(calls().slice(-2)).toEqual([
      { name: 'findings.decide', input: { findingId: added!.id, expectedVersion: 1, action: 'reject', reason: UNDONE_ADD_REASON } },
      { name: 'findings.undo', input: { findingId: added!.id, expectedVersion: 2 } },
    ]);
  });

  it('drops a step that no longer applies (changed elsewhere) and says so; the stack below is kept', async () => {
    const { api, s, finding } = await session();
    await s().decide(finding(1), 'accept');
    await s().decide(finding(2), 'accept');
    api.failing['findings.undo'] = new ApiError('CONFLICT', 'This finding was changed by sam at 10:00 since you loaded it.');
    expect(await s().undo()).toBeNull();
    expect(s().reviewNotice).toEqual({ kind: 'conflict', message: 'Could not undo accept: This finding was changed by sam at 10:00 since you loaded it.' });
    expect(s().undoStack).toHaveLength(1);
    expect(s().redoStack).toEqual([]);
    delete api.failing['findings.undo'];
    await s().undo();
    expect(finding(1)).toMatchObject({ status: 'proposed' });
  });
});
