// @vitest-environment jsdom
import './setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { forwardRef, useImperativeHandle } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { findingElement, findingRect, focusRect } from '../../../src/renderer/src/features/viewer/finding-overlays.ts';
import type { TileViewerProps } from '../../../src/renderer/src/features/viewer/TileViewer.tsx';
import { ViewerScreen } from '../../../src/renderer/src/features/viewer/ViewerScreen.tsx';
import { FakeApi, makeAnalysis, makeAsset, makeFinding, makeJob, makeModel } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

/** OpenSeadragon needs a real canvas: the viewer is replaced by a stand-in that shows what it was asked to draw. */
const viewer = vi.hoisted(() => ({ props: null as null | Omit<TileViewerProps, 'ref'>, shown: [] as string[] }));
vi.mock('../../../src/renderer/src/features/viewer/TileViewer.tsx', () => ({
  TileViewer: forwardRef((props: Omit<TileViewerProps, 'ref'>, ref) => {
    viewer.props = props;
    useImperativeHandle(ref, () => ({
      zoomBy() {}, fit() {}, actualSize() {}, panBy() {},
      showFinding: (f: { id: string }) => viewer.shown.push(f.id),
    }));
    return <div data-testid="tile-viewer" />;
  }),
}));

const JOB = 'job_00000000000000000001';
const ASSET = 'ast_00000000000000000001';

function imageWithFindings() {
  const api = new FakeApi();
  api.jobs = [makeJob()];
  api.assets = [makeAsset({ id: ASSET, originalName: 'scratches_100.jpg' })];
  api.models = [makeModel({ classes: ['crazing', 'inclusion', 'scratches'] })];
  const analysis = makeAnalysis({ findingCount: 2 });
  api.findings[ASSET] = {
    analysis,
    findings: [
      makeFinding({ id: 'fnd_00000000000000000001', class: 'scratches', score: 0.871, box: [10, 20, 110, 60] }),
      makeFinding({ id: 'fnd_00000000000000000002', class: 'inclusion', score: 0.42, box: [120, 100, 150, 140], polygon: [[120, 100], [150, 110], [140, 140]] }),
    ],
  };
  return api;
}

describe('findings in the viewer', () => {
  it('lists the findings with class, score and status, draws them, and brings one into view when picked', async () => {
    viewer.shown = [];
    const user = userEvent.setup();
    const api = imageWithFindings();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
    const list = await screen.findByRole('list', { name: 'Findings' });
    const buttons = within(list).getAllByRole('button');
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(['scratches, score 0.87, proposed', 'inclusion, score 0.42, proposed']);
    expect(screen.getByLabelText('2 findings')).toBeInTheDocument();
    expect(screen.getByText(/neu-det-fcos-mnv2 1\.0\.0 · the model's thresholds/)).toBeInTheDocument();

    // Shown (Suspense reveals the lazily loaded viewer a moment after it rendered).
    await screen.findByTestId('tile-viewer');
    await waitFor(() => expect(viewer.props?.findings).toHaveLength(2));
    expect(viewer.props?.showFindings).toBe(true);
    // Each class keeps the colour of its place in the model's class list.
    expect(viewer.props?.findings?.map((d) => [d.finding.class, d.colour])).toEqual([['scratches', '#00e5ff'], ['inclusion', '#ffd600']]);

    await user.click(buttons[1]!);
    expect(viewer.shown).toEqual(['fnd_00000000000000000002']);
    expect(viewer.props?.selectedId).toBe('fnd_00000000000000000002');
    expect(buttons[1]).toHaveAttribute('aria-current', 'true');

    // Up and Down move between findings; Enter brings the focused one into view.
    await user.keyboard('{ArrowUp}');
    expect(buttons[0]).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(viewer.shown).toEqual(['fnd_00000000000000000002', 'fnd_00000000000000000001']);
  });

  it('hides and shows the drawings with the switch or F', async () => {
    const user = userEvent.setup();
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, imageWithFindings());
    const toggle = await screen.findByRole('switch', { name: 'Show on image' });
    await waitFor(() => expect(viewer.props?.findings).toHaveLength(2));
    await user.click(toggle);
    expect(viewer.props?.showFindings).toBe(false);
    expect(toggle).not.toBeChecked();
    // F works wherever the focus is but in a text field (the switch is a checkbox input).
    toggle.blur();
    await user.keyboard('f');
    expect(viewer.props?.showFindings).toBe(true);
    expect(toggle).toBeChecked();
  });

  it('says when an image was not analysed, and reads its findings again when an analysis of it arrives', async () => {
    const api = imageWithFindings();
    const findings = api.findings[ASSET]!;
    delete api.findings[ASSET];
    renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
    expect(await screen.findByText(/Not analysed yet/)).toBeInTheDocument();

    api.findings[ASSET] = findings;
    act(() => api.emit('analysis.added', { analysis: findings.analysis! }));
    const list = await screen.findByRole('list', { name: 'Findings' });
    expect(within(list).getAllByRole('button')).toHaveLength(2);

    const again = makeAnalysis({ id: 'ana_00000000000000000009' });
    api.findings[ASSET] = { analysis: again, findings: [] };
    act(() => api.emit('analysis.added', { analysis: again }));
    expect(await screen.findByText('No findings above the thresholds.')).toBeInTheDocument();
  });

  it('places boxes and polygons in image pixels, labelled with class and score', () => {
    const box = makeFinding({ class: 'rolled-in_scale', score: 0.5, box: [100, 50, 300, 150] });
    expect(findingRect(box, 1000)).toEqual({ x: 0.1, y: 0.05, width: 0.2, height: 0.1 });
    // Room around it: three times its larger side, centred on it.
    expect(focusRect(box, 1000)).toEqual({ x: -0.1, y: -0.2, width: 0.6, height: 0.6 });

    const plain = findingElement({ finding: box, colour: '#ff6b6b' }, false);
    expect(plain.dataset.findingId).toBe(box.id);
    expect(plain.getAttribute('aria-hidden')).toBe('true');
    expect(plain.style.border).toBe('2px solid rgb(255, 107, 107)');
    expect(plain.textContent).toBe('rolled-in scale 0.50');
    expect(plain.querySelector('svg')).toBeNull();

    const outline = makeFinding({ box: [100, 50, 300, 150], polygon: [[100, 50], [300, 60], [200, 150]] });
    const drawn = findingElement({ finding: outline, colour: '#4dd4ff' }, true);
    expect(drawn.querySelector('svg')?.getAttribute('viewBox')).toBe('0 0 200 100');
    expect(drawn.querySelector('polygon')?.getAttribute('points')).toBe('0,0 200,10 100,100');
    expect(drawn.style.border).toBe('3px dashed rgb(77, 212, 255)');
  });
});
