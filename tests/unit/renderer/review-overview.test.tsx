// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ReviewOverview } from '../../../src/renderer/src/features/job/ReviewOverview.tsx';
import { ModelDetail } from '../../../src/renderer/src/features/models/ModelDetail.tsx';
import type { Calibration } from '../../../src/shared/contract/index.ts';
import { FakeApi, makeAsset, makeJob, makeModel } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

const JOB = 'job_00000000000000000001';
const counts = (proposed: number, accepted: number, rejected: number, edited = 0) => ({ proposed, accepted, rejected, edited });

describe('job review overview', () => {
  it('shows progress, counts per class and status, each image\'s state, and retries a failed analysis', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.jobs = [makeJob()];
    api.models = [makeModel()];
    api.assets = [makeAsset(), makeAsset({ id: 'ast_00000000000000000002', originalName: 'bad.jpg' })];
    api.reviews[JOB] = {
      jobId: JOB,
      assets: [
        { assetId: 'ast_00000000000000000001', name: 'IMG_0001.jpg', state: 'to-review', error: null, analysisId: 'ana_00000000000000000001', modelId: 'neu-det-fcos-mnv2', counts: counts(1, 2, 1) },
        { assetId: 'ast_00000000000000000002', name: 'bad.jpg', state: 'failed', error: { code: 'INFERENCE_FAILED', message: 'the model failed' }, analysisId: null, modelId: 'neu-det-fcos-mnv2', counts: counts(0, 0, 0) },
        { assetId: 'ast_00000000000000000003', name: 'c.jpg', state: 'reviewed', error: null, analysisId: 'ana_00000000000000000003', modelId: 'neu-det-fcos-mnv2', counts: counts(0, 0, 0) },
      ],
      totals: { byStatus: counts(1, 2, 1), byClass: { scratches: counts(1, 2, 0), crazing: counts(0, 0, 1) }, byState: { 'not-analysed': 0, 'to-review': 1, failed: 1, reviewed: 1 } },
    };
    renderWithApp(<ReviewOverview jobId={JOB} />, api);
    const bar = await screen.findByRole('progressbar', { name: 'Review progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '75');
    expect(screen.getByText('3 of 4 findings decided · 1 of 3 images reviewed')).toBeInTheDocument();
    const states = within(screen.getByRole('list', { name: 'Images by review state' })).getAllByRole('listitem').map((b) => b.textContent);
    expect(states).toEqual(['not analysed: 0', 'to review: 1', 'reviewed: 1', 'failed: 1']);
    const byClass = screen.getByRole('table', { name: 'Findings by class and status' });
    expect(within(byClass).getAllByRole('row').map((r) => r.textContent)).toEqual([
      'Classproposedacceptededitedrejectedall', 'scratches12003', 'crazing00011', 'All classes12014',
    ]);
    const images = screen.getByRole('table', { name: 'Images in review' });
    expect(within(images).getByText('INFERENCE_FAILED: the model failed')).toBeInTheDocument();
    await user.click(within(images).getByRole('button', { name: 'Retry bad.jpg' }));
    await waitFor(() => expect(api.calls.find((c) => c.name === 'detect.start')?.input).toEqual({
      jobId: JOB, modelId: 'neu-det-fcos-mnv2', assetIds: ['ast_00000000000000000002'],
    }));
    expect(screen.getByRole('group', { name: 'Download the report' })).toBeInTheDocument();
  });
});

describe('calibration on the model detail', () => {
  const points = (precisions: Array<[number, number]>) => Array.from({ length: 19 }, (_, i) => {
    const threshold = Math.round((i + 1) * 5) / 100;
    const [n, tp] = precisions[Math.min(i, precisions.length - 1)]!;
    return { threshold, n, truePositives: tp, precision: n === 0 ? null : tp / n };
  });
  const calibration: Calibration = {
    modelId: 'neu-det-fcos-mnv2',
    classes: [
      { class: 'crazing', modelThreshold: 0.3, override: null, decided: 24, proposed: 3, points: points([[24, 18], [20, 18], [15, 14]]), suggested: 0.15 },
      { class: 'scratches', modelThreshold: 0.3, override: null, decided: 4, proposed: 0, points: points([[4, 2]]), suggested: null },
    ],
  };

  it('shows n, the threshold in force and the suggestion per class, applies it and resets it', async () => {
    const user = userEvent.setup();
    const api = new FakeApi();
    api.calibrations['neu-det-fcos-mnv2'] = calibration;
    renderWithApp(<ModelDetail model={makeModel()} />, api);
    const table = await screen.findByRole('table', { name: 'Calibration per class' });
    const crazing = within(table).getByRole('row', { name: 'crazing' });
    expect(within(crazing).getAllByRole('cell').map((c) => c.textContent)).toEqual(['crazing', '', '24', '0.30', '0.15', 'Apply']);
    expect(within(crazing).getByRole('img', { name: 'Precision by score threshold for crazing' }).querySelectorAll('circle')).toHaveLength(19);
    const scratches = within(table).getByRole('row', { name: 'scratches' });
    expect(within(scratches).getAllByRole('cell').map((c) => c.textContent)).toEqual(['scratches', '', '4', '0.30', 'too few decisions', '']);

    await user.click(within(crazing).getByRole('button', { name: 'Apply 0.15 to crazing' }));
    await waitFor(() => expect(within(table).getByRole('row', { name: 'crazing' })).toHaveTextContent('0.15 (yours; model 0.30)'));
    expect(api.calls.find((c) => c.name === 'thresholds.set')?.input).toEqual({ modelId: 'neu-det-fcos-mnv2', class: 'crazing', threshold: 0.15 });

    await user.click(within(table).getByRole('button', { name: "Reset crazing to the model's threshold" }));
    await waitFor(() => expect(api.calls.filter((c) => c.name === 'thresholds.set').at(-1)?.input).toEqual({ modelId: 'neu-det-fcos-mnv2', class: 'crazing', threshold: null }));
    await waitFor(() => expect(within(table).getByRole('row', { name: 'crazing' })).not.toHaveTextContent('yours'));
  });
});
