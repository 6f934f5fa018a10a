// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { findingElement } from '../../../src/renderer/src/features/viewer/finding-overlays.ts';
import type { TileViewerProps } from '../../../src/renderer/src/features/viewer/TileViewer.tsx';
import { ViewerScreen } from '../../../src/renderer/src/features/viewer/ViewerScreen.tsx';
import { FakeApi, makeAnalysis, makeAsset, makeFinding, makeJob, makeModel } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

/**
 * OpenSeadragon needs a real canvas: the stand-in draws the same overlay
 * elements the real viewer hands to OpenSeadragon, with the same options.
 */
vi.mock('../../../src/renderer/src/features/viewer/TileViewer.tsx', () => ({
  TileViewer: forwardRef(({ findings = [], showFindings = true, selectedId = null, overlayStyle }: Omit<TileViewerProps, 'ref'>, ref) => {
    const host = useRef<HTMLDivElement>(null);
    useImperativeHandle(ref, () => ({ zoomBy() {}, fit() {}, actualSize() {}, panBy() {}, showFinding() {} }));
    useEffect(() => {
      const el = host.current;
      if (!el) return;
      el.replaceChildren(...(showFindings ? findings.map((d) => findingElement(d, d.finding.id === selectedId, overlayStyle)) : []));
    }, [findings, showFindings, selectedId, overlayStyle]);
    return <div ref={host} data-testid="tile-viewer" />;
  }),
}));

const JOB = 'job_00000000000000000001';
const ASSET = 'ast_00000000000000000001';
const overlays = () => Array.from(screen.getByTestId('tile-viewer').querySelectorAll<HTMLElement>('.chitti-finding'));

function render() {
  const api = new FakeApi();
  api.jobs = [makeJob()];
  api.assets = [makeAsset({ id: ASSET, originalName: 'steel.png' })];
  api.models = [makeModel({ classes: ['crazing', 'inclusion', 'rolled-in_scale'] })];
  api.findings[ASSET] = {
    analysis: makeAnalysis({ findingCount: 3 }),
    findings: [
      makeFinding({ id: 'fnd_00000000000000000001', class: 'rolled-in_scale', score: 0.9, box: [10, 20, 110, 60] }),
      makeFinding({ id: 'fnd_00000000000000000002', class: 'inclusion', score: 0.6, box: [120, 100, 150, 140] }),
      makeFinding({ id: 'fnd_00000000000000000003', class: 'inclusion', score: 0.4, box: [200, 100, 250, 140] }),
    ],
  };
  return renderWithApp(<ViewerScreen jobId={JOB} assetId={ASSET} />, api);
}

describe('findings overlay controls', () => {
  it('has one chip per class on the image; hiding a class removes its drawings and greys it in the list', async () => {
    const user = userEvent.setup();
    render();
    await screen.findByTestId('tile-viewer');
    await waitFor(() => expect(overlays()).toHaveLength(3));

    const group = screen.getByRole('group', { name: 'Classes shown on the image' });
    const chips = within(group).getAllByRole('checkbox');
    // Only the classes present (not crazing), in the model's order, named by class.
    expect(chips.map((c) => c.getAttribute('aria-label'))).toEqual(['Show inclusion', 'Show rolled-in scale']);
    const inclusion = screen.getByRole('checkbox', { name: 'Show inclusion' });
    expect(inclusion).toBeChecked();

    await user.click(inclusion);
    expect(inclusion).not.toBeChecked();
    await waitFor(() => expect(overlays().map((o) => o.dataset.findingId)).toEqual(['fnd_00000000000000000001']));

    // Still listed, greyed, and reviewable by keyboard.
    const list = screen.getByRole('list', { name: 'Findings' });
    const hidden = within(list).getByRole('button', { name: 'inclusion, score 0.60, proposed' });
    expect(hidden).toHaveAttribute('data-hidden', 'true');
    expect(hidden.style.opacity).toBe('0.45');
    expect(within(list).getByRole('button', { name: 'rolled-in scale, score 0.90, proposed' })).not.toHaveAttribute('data-hidden');
    inclusion.blur(); // keys typed in a field are the field's
    await user.keyboard('jj');
    expect(hidden).toHaveAttribute('aria-current', 'true');
    expect(overlays()).toHaveLength(1);

    await user.click(inclusion);
    await waitFor(() => expect(overlays()).toHaveLength(3));
    expect(hidden).not.toHaveAttribute('data-hidden');
  });

  it('sets the opacity of the drawings with the slider, from 10 to 100 %', async () => {
    const user = userEvent.setup();
    render();
    await screen.findByTestId('tile-viewer');
    await waitFor(() => expect(overlays()).toHaveLength(3));
    expect(overlays().map((o) => o.style.opacity)).toEqual(['1', '1', '1']);

    const slider = screen.getByRole('slider', { name: 'Overlay opacity' });
    expect(slider).toHaveAttribute('aria-valuemin', '10');
    expect(slider).toHaveAttribute('aria-valuemax', '100');
    expect(slider).toHaveAttribute('aria-valuenow', '100');
    slider.focus();
    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(slider).toHaveAttribute('aria-valuenow', '90');
    await waitFor(() => expect(overlays().map((o) => o.style.opacity)).toEqual(['0.9', '0.9', '0.9']));
    await user.keyboard('{Home}');
    expect(slider).toHaveAttribute('aria-valuenow', '10');
    await waitFor(() => expect(overlays()[0]?.style.opacity).toBe('0.1'));
  });

  it('switches labels between always and on hover', async () => {
    const user = userEvent.setup();
    render();
    await screen.findByTestId('tile-viewer');
    await waitFor(() => expect(overlays()).toHaveLength(3));
    expect(overlays().map((o) => o.dataset.labels)).toEqual(['always', 'always', 'always']);
    expect(overlays()[0]?.style.pointerEvents).toBe('none');

    const labels = screen.getByRole('switch', { name: 'Labels: always' });
    expect(labels).toBeChecked();
    await user.click(labels);
    expect(labels).not.toBeChecked();
    await waitFor(() => expect(overlays().map((o) => o.dataset.labels)).toEqual(['hover', 'hover', 'hover']));
    // Boxes take the pointer so that hovering one shows its label.
    expect(overlays()[0]?.style.pointerEvents).toBe('auto');
  });
});

describe('findingElement view options', () => {
  it('scales each finding’s own opacity and marks the label mode', () => {
    const rejected = makeFinding({ status: 'rejected', box: [0, 0, 10, 10] });
    expect(findingElement({ finding: rejected, colour: '#ff5c5c' }, false, { opacity: 0.5, labels: 'hover' }).style.opacity).toBe('0.35');
    const el = findingElement({ finding: makeFinding({ box: [0, 0, 10, 10] }), colour: '#ff5c5c' }, true, { opacity: 0.3, labels: 'hover' });
    expect(el.style.opacity).toBe('0.3');
    expect(el.dataset.labels).toBe('hover');
    expect(el).toHaveAttribute('data-selected');
  });
});
