// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { forwardRef, useImperativeHandle } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { findingElement } from '../../../src/renderer/src/features/viewer/finding-overlays.ts';
import type { TileViewerProps } from '../../../src/renderer/src/features/viewer/TileViewer.tsx';
import { ViewerScreen } from '../../../src/renderer/src/features/viewer/ViewerScreen.tsx';
import { FakeApi, makeAnalysis, makeAsset, makeFinding, makeJob, makeModel } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

const viewer = vi.hoisted(() => ({ props: null as null | Omit<TileViewerProps, 'ref'>, shown: [] as string[] }));
vi.mock('../../../src/renderer/src/features/viewer/TileViewer.tsx', () => ({
  TileViewer: forwardRef((props: Omit<TileViewerProps, 'ref'>, ref) => {
    viewer.props = props;
    useImperativeHandle(ref, () => ({ zoomBy() {}, fit() {}, actualSize() {}, panBy() {}, showFinding: (f: { id: string }) => viewer.shown.push(f.id) }));
    return <div data-testid="tile-viewer" />;
  }),
}));

const JOB = 'job_00000000000000000001';
const ASSET = 'ast_00000000000000000001';
const OTHER = 'ast_00000000000000000002';
const id = (n: number) => `fnd_${String(n).padStart(20, '0')}`;

/** Two images; this one has four findings of three classes, the other two more. */
function reviewApi() {
  const api = new FakeApi();
  api.jobs = [makeJob()];
  api.assets = [makeAsset({ id: ASSET, originalName: 'a.jpg' }), makeAsset({ id: OTHER, originalName: 'b.jpg' })];
  api.models = [makeModel({ classes: ['crazing', 'inclusion', 'scratches'] })];
  api.findings[ASSET] = {
    analysis: makeAnalysis({ findingCount: 4 }),
    findings: [
      makeFinding({ id: id(1), class: 'scratches', score: 0.91 }),
      makeFinding({ id: id(2), class: 'inclusion', score: 0.62 }),
      makeFinding({ id: id(3), class: 'scratches', score: 0.35, status: 'rejected', rejectReason: 'Duplicate', version: 2, decidedBy: 'sam', decidedAt: '2026-11-24T09:00:00.000Z' }),
      makeFinding({ id: id(4), class: 'crazing', score: 0.2 }),
    ],
  };
  api.findings[OTHER] = {
    analysis: makeAnalysis({ id: 'ana_00000000000000000002', assetId: OTHER }),
    findings: [
      makeFinding({ id: id(5), assetId: OTHER, analysisId: 'ana_00000000000000000002', score: 0.95 }),
      makeFinding({ id: id(6), assetId: OTHER, analysisId: 'ana_00000000000000000002', score: 0.5 }),
    ],
  };
  return api;
}

/** The list as shown now (it is replaced when a filter empties it). */
const rows = (_list?: HTMLElement) => within(screen.getByRole('list', { name: 'Findings' })).getAllByRole('button').map((b) => b.getAttribute('aria-label'));

describe('review in the viewer', () => {
  it('filters the list by class, status and score range, and sorts lowest confidence first', async () => {
    const user = userEvent.setup();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, reviewApi());
    const list = await screen.findByRole('list', { name: 'Findings' });
    expect(rows(list)).toHaveLength(4);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Class' }), 'scratches');
    expect(rows(list)).toEqual(['scratches, score 0.91, proposed', 'scratches, score 0.35, rejected']);
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'proposed');
    expect(rows(list)).toEqual(['scratches, score 0.91, proposed']);
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(rows(list)).toHaveLength(4);

    const min = screen.getByRole('textbox', { name: 'Min score' });
    await user.clear(min);
    await user.type(min, '0.3');
    const max = screen.getByRole('textbox', { name: 'Max score' });
    await user.clear(max);
    await user.type(max, '0.7');
    await waitFor(() => expect(rows(list)).toEqual(['inclusion, score 0.62, proposed', 'scratches, score 0.35, rejected']));
    expect(screen.getByText('2 shown')).toBeInTheDocument();

    const lowest = screen.getByRole('button', { name: 'Lowest confidence first' });
    await user.click(lowest);
    expect(lowest).toHaveAttribute('aria-pressed', 'true');
    expect(rows(list)).toEqual(['scratches, score 0.35, rejected', 'inclusion, score 0.62, proposed']);
  });

  it('decides by keyboard: j/k move, a accepts and moves on, r rejects with a reason, 1–9 change the class, Ctrl+Z undoes', async () => {
    viewer.shown = [];
    const user = userEvent.setup();
    const api = reviewApi();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
    const list = await screen.findByRole('list', { name: 'Findings' });
    await screen.findByTestId('tile-viewer');

    await user.keyboard('j');
    expect(within(list).getAllByRole('button')[0]).toHaveAttribute('aria-current', 'true');
    expect(viewer.shown).toEqual([id(1)]);
    await user.keyboard('a');
    await waitFor(() => expect(rows(list)[0]).toBe('scratches, score 0.91, accepted'));
    expect(api.calls.find((c) => c.name === 'findings.decide')?.input).toEqual({ findingId: id(1), expectedVersion: 1, action: 'accept' });
    // It moved on to the next one, which the card shows.
    await waitFor(() => expect(within(list).getAllByRole('button')[1]).toHaveAttribute('aria-current', 'true'));
    const card = screen.getByRole('region', { name: 'Selected finding' });
    expect(within(card).getByText('inclusion · 0.62')).toBeInTheDocument();

    // 3 picks the model's third class.
    await user.keyboard('3');
    await waitFor(() => expect(rows(list)[1]).toBe('scratches, score 0.62, edited'));
    expect(within(card).getByText('Model proposed: inclusion')).toBeInTheDocument();
    expect(within(card).getByTestId('decided-by')).toHaveTextContent(/^edited by priya · /);

    // r opens the reasons; 1 picks the first.
    await user.keyboard('r');
    const dialog = await screen.findByRole('dialog', { name: 'Reject finding' });
    await user.keyboard('1');
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    await waitFor(() => expect(rows(list)[1]).toBe('scratches, score 0.62, rejected'));
    // The key that picked the reason changed nothing else (1 is also "first class").
    const decisions = api.calls.filter((c) => c.name === 'findings.decide');
    expect(decisions.at(-1)?.input).toMatchObject({ action: 'reject', reason: 'False indication', expectedVersion: 2 });
    expect(decisions).toHaveLength(3);
    expect(screen.queryByRole('alert')).toBeNull();

    // Ctrl+Z undoes the latest decision of this session.
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(api.calls.at(-1)).toMatchObject({ name: 'findings.undo', input: { findingId: id(2), expectedVersion: 3 } }));

    // k goes back up; the help lists the keys.
    await user.keyboard('k');
    expect(within(list).getAllByRole('button')[1]).toHaveAttribute('aria-current', 'true');
  });

  it('rejects with a reason of the reviewer\'s own', async () => {
    const user = userEvent.setup();
    const api = reviewApi();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
    const list = await screen.findByRole('list', { name: 'Findings' });
    await user.keyboard('jr');
    await screen.findByRole('dialog', { name: 'Reject finding' });
    await user.keyboard('5');
    await user.type(await screen.findByRole('textbox', { name: 'Other reason' }), 'weld spatter{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Reject finding' })).not.toBeInTheDocument());
    await waitFor(() => expect(rows(list)[0]).toBe('scratches, score 0.91, rejected'));
    // It moved on; k comes back to it.
    await user.keyboard('k');
    expect(screen.getByText('Reason: weld spatter')).toBeInTheDocument();
  });

  it('says so when a finding changed meanwhile, and shows it as it now is', async () => {
    const user = userEvent.setup();
    const api = reviewApi();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
    const list = await screen.findByRole('list', { name: 'Findings' });
    // Another window rejects it first.
    const list0 = api.findings[ASSET]!;
    list0.findings = list0.findings.map((f) => (f.id === id(1) ? { ...f, status: 'rejected', version: 2, decidedBy: 'sam', decidedAt: '2026-11-24T09:30:00.000Z' } : f));
    await user.keyboard('ja');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(/changed by someone else.*read again/);
    await waitFor(() => expect(rows(list)[0]).toBe('scratches, score 0.91, rejected'));
    expect(screen.getByTestId('decided-by')).toHaveTextContent(/^rejected by sam/);
  });

  it('bulk-accepts everything above a threshold after saying how many, counted by the core', async () => {
    const user = userEvent.setup();
    const api = reviewApi();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
    const list = await screen.findByRole('list', { name: 'Findings' });
    await user.click(screen.getByRole('button', { name: 'By threshold…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Decide by score threshold' });
    const threshold = within(dialog).getByRole('textbox', { name: 'Threshold' });
    await user.clear(threshold);
    await user.type(threshold, '0.5');
    // Proposed and ≥ 0.5 in the whole job: 0.91 and 0.62 here, 0.95 and 0.5 on the other image (0.35 is rejected already).
    await waitFor(() => expect(within(dialog).getByRole('status')).toHaveTextContent(/^Accept 4 findings: these are the proposed ones scoring ≥ 0\.50 in the whole job/));
    expect(api.calls.filter((c) => c.name === 'findings.query').at(-1)?.input).toMatchObject({ jobId: JOB, status: 'proposed', minScore: 0.5 });

    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'In' }), 'image');
    await waitFor(() => expect(within(dialog).getByRole('status')).toHaveTextContent(/^Accept 2 findings/));
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'In' }), 'job');
    await waitFor(() => expect(within(dialog).getByRole('status')).toHaveTextContent(/^Accept 4 findings/));

    await user.click(within(dialog).getByRole('button', { name: 'Accept 4 findings' }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.calls.find((c) => c.name === 'findings.bulk')?.input).toEqual({
      jobId: JOB, action: 'accept', filter: { status: 'proposed', minScore: 0.5 },
    });
    expect(screen.getByText('Accepted 4 findings.')).toBeInTheDocument();
    await waitFor(() => expect(rows(list)).toEqual([
      'scratches, score 0.91, accepted', 'inclusion, score 0.62, accepted', 'scratches, score 0.35, rejected', 'crazing, score 0.20, proposed',
    ]));
  });

  it('bulk-rejects the selected findings', async () => {
    const user = userEvent.setup();
    const api = reviewApi();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
    await screen.findByRole('list', { name: 'Findings' });
    await user.click(screen.getByRole('checkbox', { name: 'Select crazing, score 0.20, proposed' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select inclusion, score 0.62, proposed' }));
    await user.click(screen.getByRole('button', { name: 'Decide selected (2)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Decide the selected findings' });
    await user.click(within(dialog).getByRole('radio', { name: 'Reject' }));
    await user.click(within(dialog).getByRole('button', { name: 'Reject 2 findings' }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.calls.find((c) => c.name === 'findings.bulk')?.input).toMatchObject({ action: 'reject', findingIds: [id(2), id(4)], reason: 'False indication' });
  });

  it('edits the selected box from the keyboard: e, arrows move (Shift: 10 px), Alt+arrows resize, Esc cancels, Enter saves; undo and redo it', async () => {
    const user = userEvent.setup();
    const api = reviewApi();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
    const list = await screen.findByRole('list', { name: 'Findings' });
    await screen.findByTestId('tile-viewer');
    const tools = screen.getByRole('toolbar', { name: 'Tools' });
    const editTool = within(tools).getByRole('button', { name: 'Edit the selected finding' });
    expect(editTool).toBeDisabled(); // nothing selected yet
    expect(within(tools).getByRole('button', { name: 'Pan and zoom' })).toHaveAttribute('aria-pressed', 'true');

    await user.keyboard('j'); // scratches 0.91, box [10, 20, 110, 60] on a 200×200 image
    await user.keyboard('e');
    expect(editTool).toHaveAttribute('aria-pressed', 'true');
    const status = screen.getByRole('status', { name: 'Tool' });
    expect(status).toHaveTextContent('Box 10, 20 → 110, 60 (100×40 px).');
    await user.keyboard('{ArrowRight}{ArrowRight}{Shift>}{ArrowDown}{/Shift}{Alt>}{ArrowLeft}{/Alt}');
    expect(status).toHaveTextContent('Box 12, 30 → 111, 70 (99×40 px) — not saved.');
    // The arrows moved the box, not the selection.
    expect(within(list).getAllByRole('button')[0]).toHaveAttribute('aria-current', 'true');
    await user.keyboard('{Escape}');
    expect(status).toHaveTextContent('Box 10, 20 → 110, 60 (100×40 px).');
    expect(api.calls.some((c) => c.name === 'findings.decide')).toBe(false);

    // Clamped to the image: two Shift+← from x 10 stop at 0, the size kept.
    await user.keyboard('{Shift>}{ArrowLeft}{ArrowLeft}{/Shift}{Alt>}{Shift>}{ArrowUp}{/Shift}{/Alt}{Enter}');
    await waitFor(() => expect(rows(list)[0]).toBe('scratches, score 0.91, edited'));
    expect(api.calls.filter((c) => c.name === 'findings.decide').map((c) => c.input)).toEqual([
      { findingId: id(1), expectedVersion: 1, action: 'edit', box: [0, 20, 100, 50] },
    ]);
    await waitFor(() => expect(status).toHaveTextContent('Box 0, 20 → 100, 50 (100×30 px).'));

    // Ctrl+Z puts the model's box back; Ctrl+Shift+Z applies the edit again, Ctrl+Y too after another undo.
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(status).toHaveTextContent('Box 10, 20 → 110, 60 (100×40 px).'));
    await user.keyboard('{Control>}{Shift>}z{/Shift}{/Control}');
    await waitFor(() => expect(status).toHaveTextContent('Box 0, 20 → 100, 50 (100×30 px).'));
    await user.keyboard('{Control>}z{/Control}');
    await waitFor(() => expect(status).toHaveTextContent('Box 10, 20 → 110, 60'));
    await user.keyboard('{Control>}y{/Control}');
    await waitFor(() => expect(status).toHaveTextContent('Box 0, 20 → 100, 50'));
    expect(api.calls.filter((c) => c.name === 'findings.undo' || c.name === 'findings.decide').map((c) => [c.name, c.input.expectedVersion])).toEqual([
      ['findings.decide', 1], ['findings.undo', 2], ['findings.decide', 3], ['findings.undo', 4], ['findings.decide', 5],
    ]);
    expect(screen.getByRole('button', { name: /^Redo/ })).toBeDisabled();

    // Esc leaves the edit tool (a second one would leave the image); b and g pick the drawing tools.
    await user.keyboard('{Escape}');
    expect(editTool).toHaveAttribute('aria-pressed', 'false');
    await user.keyboard('b');
    expect(within(tools).getByRole('button', { name: 'Draw a missing finding: box' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('status', { name: 'Tool' })).toHaveTextContent(/drag a box/);
    await user.keyboard('g');
    expect(within(tools).getByRole('button', { name: 'Draw a missing finding: outline' })).toHaveAttribute('aria-pressed', 'true');
    await user.keyboard('{Escape}');
    expect(within(tools).getByRole('button', { name: 'Pan and zoom' })).toHaveAttribute('aria-pressed', 'true');
    expect(viewer.props?.tool).toBe('pan');
  });

  it('draws decided findings by status: accepted solid with a tick, rejected dashed grey with a cross', () => {
    const accepted = findingElement({ finding: makeFinding({ status: 'accepted' }), colour: '#00e5ff' }, false);
    expect(accepted.style.border).toBe('2px solid rgb(0, 229, 255)');
    expect(accepted.textContent).toBe('✓ scratches 0.87');
    expect(accepted.dataset.status).toBe('accepted');
    const rejected = findingElement({ finding: makeFinding({ status: 'rejected' }), colour: '#00e5ff' }, false);
    expect(rejected.style.border).toBe('2px dashed rgb(158, 158, 158)');
    expect(rejected.style.opacity).toBe('0.7');
    expect(rejected.textContent).toBe('✗ scratches 0.87');
  });
});
