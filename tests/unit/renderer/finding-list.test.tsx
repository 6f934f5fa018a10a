// @vitest-environment jsdom
import './setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { forwardRef, useImperativeHandle } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Finding } from '../../../src/shared/contract/index.ts';
import { FindingListScreen } from '../../../src/renderer/src/features/finding-list/FindingListScreen.tsx';
import type { TileViewerProps } from '../../../src/renderer/src/features/viewer/TileViewer.tsx';
import { ViewerScreen } from '../../../src/renderer/src/features/viewer/ViewerScreen.tsx';
import { parseRoute, routeHref } from '../../../src/renderer/src/store/route.ts';
import { FakeApi, makeAnalysis, makeAsset, makeFinding, makeJob, makeModel } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

vi.mock('../../../src/renderer/src/features/viewer/TileViewer.tsx', () => ({
  TileViewer: forwardRef((_props: Omit<TileViewerProps, 'ref'>, ref) => {
    useImperativeHandle(ref, () => ({ zoomBy() {}, fit() {}, actualSize() {}, panBy() {}, showFinding() {} }));
    return <div data-testid="tile-viewer" />;
  }),
}));

/**
 * jsdom lays nothing out: the two scrolling boxes (the job's list and the
 * viewer's list) are given a height of 340 px, their content the height the
 * list sets on it, and scrolling an element sets its scrollTop and then sends
 * the scroll event, as a browser does. Everything else (what is rendered for that
 * height and offset) is the real components'.
 */
const VIEWPORT = 340;
const realScrollTo = Element.prototype.scrollTo;
beforeAll(() => {
  vi.spyOn(Element.prototype, 'clientHeight', 'get').mockImplementation(function (this: Element) {
    return this.classList.contains('chitti-fl-body') || this.classList.contains('mantine-ScrollArea-viewport') ? VIEWPORT : 0;
  });
  vi.spyOn(Element.prototype, 'scrollHeight', 'get').mockImplementation(function (this: Element) {
    return Number.parseFloat(this.querySelector<HTMLElement>('[style*="height"]')?.style.height ?? '') || 0;
  });
  Element.prototype.scrollTo = function (this: Element, options?: ScrollToOptions | number) {
    if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top;
    // As in a browser, the scroll event comes a moment later, not inside the call.
    setTimeout(() => this.dispatchEvent(new Event('scroll')), 0);
  };
});
afterAll(() => {
  vi.restoreAllMocks();
  Element.prototype.scrollTo = realScrollTo;
});

const JOB = 'job_00000000000000000001';
const A = 'ast_00000000000000000001';
const B = 'ast_00000000000000000002';
const id = (n: number) => `fnd_${String(n).padStart(20, '0')}`;
/** Distinct scores, spread over 0–1 in no order: finding n scores ((n × 7919) mod 1000) / 1000. */
const scoreOf = (n: number) => ((n * 7919) % 1000) / 1000;

/** A job of two images: 600 findings on the first, 400 on the second, of three classes. */
function bigJob(): FakeApi {
  const api = new FakeApi();
  api.jobs = [makeJob({ id: JOB, name: 'Tank 6 external' })];
  api.assets = [makeAsset({ id: A, originalName: 'plate-a.jpg' }), makeAsset({ id: B, originalName: 'plate-b.jpg' })];
  api.models = [makeModel({ classes: ['crazing', 'inclusion', 'scratches'] })];
  const classes = ['crazing', 'inclusion', 'scratches'];
  const findings = (asset: string, analysis: string, from: number, n: number): Finding[] =>
    Array.from({ length: n }, (_, k) => makeFinding({
      id: id(from + k), assetId: asset, analysisId: analysis, class: classes[(from + k) % 3]!, score: scoreOf(from + k), box: [10, 20, 40, 60],
    }));
  api.findings[A] = { analysis: makeAnalysis({ id: 'ana_00000000000000000001', assetId: A }), findings: findings(A, 'ana_00000000000000000001', 0, 600) };
  api.findings[B] = { analysis: makeAnalysis({ id: 'ana_00000000000000000002', assetId: B }), findings: findings(B, 'ana_00000000000000000002', 600, 400) };
  // The review overview, as the core counts it: the classes the list offers come from it.
  const none = () => ({ proposed: 0, accepted: 0, rejected: 0, edited: 0 });
  const byClass = Object.fromEntries(classes.map((c) => [c, none()]));
  for (const f of [...api.findings[A].findings, ...api.findings[B].findings]) byClass[f.class]!.proposed++;
  api.reviews[JOB] = {
    jobId: JOB,
    assets: [[A, 'plate-a.jpg', 600], [B, 'plate-b.jpg', 400]].map(([assetId, name, n]) => ({
      assetId: assetId as string, name: name as string, state: 'to-review' as const, error: null, analysisId: null, modelId: 'neu-det-fcos-mnv2',
      counts: { ...none(), proposed: n as number },
    })),
    totals: { byStatus: { ...none(), proposed: 1000 }, byClass, byState: { 'not-analysed': 0, 'to-review': 2, reviewed: 0, failed: 0 } },
  };
  return api;
}

const grid = () => screen.getByRole('grid', { name: 'Findings of the job' });
/** Data rows in the page now (the header row is row 1). */
const bodyRows = () => within(grid()).getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');
const rowAt = (rowIndex: number) => within(grid()).getAllByRole('row').find((r) => r.getAttribute('aria-rowindex') === String(rowIndex));
/** The row the keys act on, by its aria-rowindex (the grid names it as its active descendant). */
const activeRowIndex = () => {
  const active = grid().getAttribute('aria-activedescendant');
  return active ? document.getElementById(active)?.getAttribute('aria-rowindex') : null;
};
const queries = (api: FakeApi) => api.calls.filter((c) => c.name === 'findings.query').map((c) => c.input);
const sortedScores = (desc: boolean) => Array.from({ length: 1000 }, (_, n) => scoreOf(n)).sort((a, b) => (desc ? b - a : a - b));

async function openList(api = bigJob()) {
  const rendered = renderWithApp(<FindingListScreen jobId={JOB} />, api);
  await waitFor(() => expect(rowAt(2)).toHaveAttribute('data-finding-id'));
  return rendered;
}

describe("the job's findings list", () => {
  it('lists every finding of the job with only a window of rows in the page, read a page at a time', async () => {
    const { api } = await openList();
    expect(grid()).toHaveAttribute('aria-rowcount', '1001');
    expect(screen.getByTestId('finding-total')).toHaveTextContent('1,000 findings');
    // 340 px of 34 px rows: ten on screen, a few more either side; not a thousand.
    const rows = bodyRows();
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.length).toBeLessThan(30);
    expect(rows.map((r) => Number(r.getAttribute('aria-rowindex')))).toEqual(rows.map((_, i) => i + 2));
    // Highest score first, with its image, class, score, status, size and reviewer.
    const top = sortedScores(true)[0]!;
    const first = rowAt(2)!;
    expect(within(first).getAllByRole('gridcell').map((c) => c.textContent)).toEqual([
      '', expect.stringMatching(/^plate-[ab]\.jpg$/), expect.stringMatching(/^(crazing|inclusion|scratches)$/), top.toFixed(2), 'proposed', '30×40', '—',
    ]);
    // One read of the first page, nothing more.
    await waitFor(() => expect(screen.queryByRole('row', { busy: true })).toBeNull());
    expect(queries(api)).toEqual([{ jobId: JOB, sort: 'score-desc', limit: 100, offset: 0 }]);
    expect(screen.getByRole('columnheader', { name: /Score/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('moves the active row with the arrows, Page Up/Down, Home and End; End reads the last page on demand', async () => {
    const user = userEvent.setup();
    const { api } = await openList();
    expect(grid()).toHaveFocus();
    expect(activeRowIndex()).toBe('2');
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}');
    expect(activeRowIndex()).toBe('3');
    // A screenful is the rows that fit less one: 340 / 34 − 1 = 9.
    await user.keyboard('{PageDown}');
    expect(activeRowIndex()).toBe('12');
    await user.keyboard('{PageUp}');
    expect(activeRowIndex()).toBe('3');

    await user.keyboard('{End}');
    await waitFor(() => expect(rowAt(1001)).toHaveAttribute('data-finding-id'));
    expect(activeRowIndex()).toBe('1001');
    expect(within(rowAt(1001)!).getAllByRole('gridcell')[3]).toHaveTextContent(sortedScores(true)[999]!.toFixed(2));
    // The last page was read, from the other end (the lowest scores first, reversed); none of those scrolled past.
    expect(queries(api)).toEqual([
      { jobId: JOB, sort: 'score-desc', limit: 100, offset: 0 },
      { jobId: JOB, sort: 'score-asc', limit: 100, offset: 0 },
    ]);
    expect(bodyRows().length).toBeLessThan(30);

    await user.keyboard('{Home}');
    await waitFor(() => expect(activeRowIndex()).toBe('2'));
  });

  it('accepts the active row with a and moves on; rejects with r after asking why', async () => {
    const user = userEvent.setup();
    const { api } = await openList();
    const first = rowAt(2)!.getAttribute('data-finding-id');
    await user.keyboard('a');
    await waitFor(() => expect(rowAt(2)).toHaveAttribute('data-status', 'accepted'));
    expect(api.calls.find((c) => c.name === 'findings.decide')?.input).toEqual({ findingId: first, expectedVersion: 1, action: 'accept' });
    expect(within(rowAt(2)!).getAllByRole('gridcell')[6]).toHaveTextContent('priya');
    expect(activeRowIndex()).toBe('3');

    const second = rowAt(3)!.getAttribute('data-finding-id');
    await user.keyboard('r');
    const dialog = await screen.findByRole('dialog', { name: 'Reject finding' });
    await user.keyboard('2');
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    await waitFor(() => expect(rowAt(3)).toHaveAttribute('data-status', 'rejected'));
    expect(api.calls.filter((c) => c.name === 'findings.decide').at(-1)?.input).toEqual({
      findingId: second, expectedVersion: 1, action: 'reject', reason: 'Surface artefact',
    });
    expect(activeRowIndex()).toBe('4');
  });

  it('sends the filters and the order to findings.query, and starts again from the top', async () => {
    const user = userEvent.setup();
    const { api } = await openList();
    const last = () => queries(api).at(-1);

    await user.click(screen.getByRole('button', { name: 'Lowest confidence first' }));
    await waitFor(() => expect(within(rowAt(2)!).getAllByRole('gridcell')[3]).toHaveTextContent(sortedScores(false)[0]!.toFixed(2)));
    expect(last()).toEqual({ jobId: JOB, sort: 'score-asc', limit: 100, offset: 0 });
    expect(screen.getByRole('columnheader', { name: /Score/ })).toHaveAttribute('aria-sort', 'ascending');

    await user.selectOptions(screen.getByRole('combobox', { name: 'Class' }), 'inclusion');
    await waitFor(() => expect(screen.getByTestId('finding-total')).toHaveTextContent('333 findings match'));
    expect(last()).toEqual({ jobId: JOB, class: 'inclusion', sort: 'score-asc', limit: 100, offset: 0 });
    expect(grid()).toHaveAttribute('aria-rowcount', '334');

    const min = screen.getByRole('textbox', { name: 'Min score' });
    await user.clear(min);
    await user.type(min, '0.5');
    await waitFor(() => expect(last()).toEqual({ jobId: JOB, class: 'inclusion', minScore: 0.5, sort: 'score-asc', limit: 100, offset: 0 }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'proposed');
    await waitFor(() => expect(last()).toMatchObject({ status: 'proposed', class: 'inclusion', minScore: 0.5 }));

    // The column headers order too: Score flips the order, Image goes image by image.
    await user.click(screen.getByRole('button', { name: /^Score/ }));
    await waitFor(() => expect(last()).toMatchObject({ sort: 'score-desc', offset: 0 }));
    await user.click(screen.getByRole('button', { name: /^Image/ }));
    await waitFor(() => expect(last()).toMatchObject({ sort: 'image', offset: 0 }));
    expect(screen.getByRole('columnheader', { name: /Image/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('button', { name: 'Lowest confidence first' })).toHaveAttribute('aria-pressed', 'false');

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(screen.getByTestId('finding-total')).toHaveTextContent('1,000 findings'));
  });

  it('opens the image of the active row with Enter, or of a row clicked, on that finding', async () => {
    const user = userEvent.setup();
    await openList();
    const first = rowAt(2)!;
    const [findingId, asset] = [first.getAttribute('data-finding-id')!, first.textContent.includes('plate-a') ? A : B];
    await user.keyboard('{Enter}');
    expect(parseRoute(window.location.hash)).toEqual({ screen: 'viewer', jobId: JOB, assetId: asset, findingId });

    await user.click(within(rowAt(4)!).getAllByRole('gridcell')[2]!);
    expect(parseRoute(window.location.hash)).toMatchObject({ screen: 'viewer', findingId: rowAt(4)!.getAttribute('data-finding-id') });
  });

  it('ticks rows with Space or their tick box and decides the ticked ones in bulk, then reads the list again', async () => {
    const user = userEvent.setup();
    const { api } = await openList();
    await user.keyboard(' ');
    await user.click(within(rowAt(4)!).getAllByRole('gridcell')[0]!);
    expect(rowAt(2)).toHaveAttribute('aria-selected', 'true');
    expect(rowAt(3)).toHaveAttribute('aria-selected', 'false');
    expect(rowAt(4)).toHaveAttribute('aria-selected', 'true');
    const ticked = [rowAt(2)!, rowAt(4)!].map((r) => r.getAttribute('data-finding-id'));
    await user.click(screen.getByRole('button', { name: 'Decide ticked (2)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Decide the selected findings' });
    await user.click(within(dialog).getByRole('button', { name: 'Accept 2 findings' }));
    await waitFor(() => expect(dialog).not.toBeInTheDocument());
    expect(api.calls.find((c) => c.name === 'findings.bulk')?.input).toEqual({ jobId: JOB, action: 'accept', findingIds: ticked });
    expect(screen.getByText('Accepted 2 findings.')).toBeInTheDocument();
    await waitFor(() => expect(rowAt(4)).toHaveAttribute('data-status', 'accepted'));
    expect(rowAt(3)).toHaveAttribute('data-status', 'proposed');
    expect(queries(api).filter((q) => q.offset === 0)).toHaveLength(2);

    // By threshold, from the whole job's list: no "this image" to choose.
    await user.click(screen.getByRole('button', { name: 'By threshold…' }));
    const threshold = await screen.findByRole('dialog', { name: 'Decide by score threshold' });
    expect(within(threshold).queryByRole('combobox', { name: 'In' })).toBeNull();
    await waitFor(() => expect(within(threshold).getByRole('status')).toHaveTextContent(/in the whole job/));
  });

  it('goes back to where it was left: filter, order and row', async () => {
    const user = userEvent.setup();
    const first = await openList();
    await user.click(screen.getByRole('button', { name: 'Lowest confidence first' }));
    await waitFor(() => expect(queries(first.api).at(-1)).toMatchObject({ sort: 'score-asc' }));
    act(() => grid().focus());
    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(activeRowIndex()).toBe('4');
    first.unmount();
    const before = queries(first.api).length;
    await openList(first.api);
    expect(screen.getByRole('button', { name: 'Lowest confidence first' })).toHaveAttribute('aria-pressed', 'true');
    expect(queries(first.api)[before]).toMatchObject({ sort: 'score-asc', offset: 0 });
    expect(activeRowIndex()).toBe('4');
  });
});

describe("the viewer's findings list, with hundreds of findings", () => {
  it('has only the rows on screen in the page, each saying where it stands; End moves the focus to the last', async () => {
    const user = userEvent.setup();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={A} />, bigJob());
    const list = await screen.findByRole('list', { name: 'Findings' });
    const items = () => within(list).getAllByRole('listitem');
    expect(items().length).toBeGreaterThan(5);
    expect(items().length).toBeLessThan(40);
    expect(items()[0]).toHaveAttribute('aria-setsize', '600');
    expect(items()[0]).toHaveAttribute('aria-posinset', '1');

    await user.click(within(items()[0]!).getByRole('button'));
    await user.keyboard('{ArrowDown}');
    expect(within(items()[1]!).getByRole('button')).toHaveFocus();
    await user.keyboard('{End}');
    await waitFor(() => expect(document.activeElement?.closest('li')).toHaveAttribute('aria-posinset', '600'));
    expect(items().length).toBeLessThan(40);
  });

  it('opened on a finding (?finding=), selects it and scrolls it into the list', async () => {
    const api = bigJob();
    // The 450th by score on the first image: far below the first screenful.
    const deep = [...api.findings[A]!.findings].sort((a, b) => b.score - a.score)[449]!;
    renderWithApp(<ViewerScreen jobId={JOB} assetId={A} findingId={deep.id} />, api);
    const list = await screen.findByRole('list', { name: 'Findings' });
    await waitFor(() => expect(within(list).getByRole('button', { current: true })).toHaveAccessibleName(`${deep.class}, score ${deep.score.toFixed(2)}, proposed`));
    expect(within(list).getByRole('button', { current: true }).closest('li')).toHaveAttribute('aria-posinset', '450');
    expect(screen.getByRole('region', { name: 'Selected finding' })).toBeInTheDocument();
  });
});

describe('the address of the list and of a finding', () => {
  it('round-trips', () => {
    for (const r of [
      { screen: 'findings', jobId: JOB }, { screen: 'viewer', jobId: JOB, assetId: A, findingId: id(7) }, { screen: 'viewer', jobId: JOB, assetId: A },
    ] as const) expect(parseRoute(routeHref(r))).toEqual(r);
    expect(routeHref({ screen: 'viewer', jobId: JOB, assetId: A, findingId: id(7) })).toBe(`#/jobs/${JOB}/assets/${A}?finding=${id(7)}`);
  });

  it('is linked from the job\'s review overview', async () => {
    const { ReviewOverview } = await import('../../../src/renderer/src/features/job/ReviewOverview.tsx');
    renderWithApp(<ReviewOverview jobId={JOB} />, bigJob());
    const link = await screen.findByRole('link', { name: 'List all 1,000 findings' });
    expect(link).toHaveAttribute('href', `#/jobs/${JOB}/findings`);
    await act(async () => {});
  });
});
