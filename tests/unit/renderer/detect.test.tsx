// @vitest-environment jsdom
import './setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/renderer/src/api/types.ts';
import { JobScreen } from '../../../src/renderer/src/features/job/JobScreen.tsx';
import { latestAnalyses } from '../../../src/renderer/src/store/selectors.ts';
import { FakeApi, makeAnalysis, makeAsset, makeItem, makeJob, makeModel, makeTask } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

const JOB = 'job_00000000000000000001';
const DETECT = 'tsk_00000000000000000002';
const ast = (i: number) => `ast_0000000000000000000${i}`;

function jobWithImages() {
  const api = new FakeApi();
  api.jobs = [makeJob({ assetCount: 3 })];
  api.assets = [
    makeAsset({ id: ast(1), originalName: 'scratches_100.jpg' }),
    makeAsset({ id: ast(2), originalName: 'patches_100.jpg' }),
    makeAsset({ id: ast(3), originalName: 'report.pdf', kind: 'document', mime: 'application/pdf' }),
  ];
  api.models = [
    makeModel({ id: 'magnetic-tile-seg-mnv2', task: 'segment', title: 'Magnetic tile defects' }),
    makeModel(),
    makeModel({ id: 'weld-rt-det', title: 'Weld radiograph defects', origin: 'user' }),
  ];
  return api;
}

const detectTask = (t: Parameters<typeof makeTask>[0] = {}) => makeTask({ id: DETECT, kind: 'detect', total: 2, ...t });

describe('detect defects on a job', () => {
  it('runs the first detector by default, follows the task live and badges each image with its findings', async () => {
    const user = userEvent.setup();
    const api = jobWithImages();
    renderWithApp(<JobScreen jobId={JOB} />, api);
    const panel = await screen.findByRole('group', { name: 'Defect detection' });
    const picker = within(panel).getByRole('combobox', { name: 'Model' });
    await waitFor(() => expect(picker).toHaveValue('neu-det-fcos-mnv2'));
    expect(within(picker).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Steel surface defects (NEU-DET) (neu-det-fcos-mnv2 1.0.0)', 'Weld radiograph defects (weld-rt-det 1.0.0)', 'Magnetic tile defects (magnetic-tile-seg-mnv2 1.0.0)',
    ]);
    expect(within(panel).getByText(/Runs on the 2 images of this job/)).toBeInTheDocument();

    await user.click(within(panel).getByRole('button', { name: 'Detect defects' }));
    expect(api.calls.filter((c) => c.name === 'detect.start')).toEqual([{ name: 'detect.start', input: { jobId: JOB, modelId: 'neu-det-fcos-mnv2' } }]);
    const region = await screen.findByRole('region', { name: 'Detection on 2 images' });
    const bar = within(region).getByRole('progressbar', { name: 'Detection progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '0');

    // The core analyses the first image: progress, then the analysis with its findings.
    const first = makeAnalysis({ id: 'ana_00000000000000000001', assetId: ast(1), findingCount: 2, classCounts: { scratches: 2 } });
    act(() => {
      api.emit('task.progressed', { task: detectTask({ status: 'running', processed: 1, analysed: 1 }), item: makeItem({ seq: 0, name: 'scratches_100.jpg', status: 'analysed', assetId: ast(1) }) });
      api.emit('analysis.added', { analysis: first });
    });
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    expect(within(region).getByText('Detecting · 1 of 2 images')).toBeInTheDocument();
    expect(within(region).getByText('1 analysed')).toBeInTheDocument();
    expect(within(region).getByText('2 findings')).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: 'scratches_100.jpg, image, 20 kB, 2 findings' })).toBeInTheDocument();
    expect(screen.getByRole('listitem', { name: 'patches_100.jpg, image, 20 kB' })).toBeInTheDocument();

    // The second cannot be decoded: its reason is listed, and its card says so.
    const failed = makeAnalysis({ id: 'ana_00000000000000000002', assetId: ast(2), status: 'failed', errorCode: 'IMAGE_UNREADABLE', message: 'the JPEG is truncated', findingCount: 0 });
    act(() => {
      api.emit('task.progressed', {
        task: detectTask({ status: 'running', processed: 2, analysed: 1, failed: 1 }),
        item: makeItem({ seq: 1, name: 'patches_100.jpg', status: 'failed', assetId: ast(2), errorCode: 'IMAGE_UNREADABLE', message: 'the JPEG is truncated' }),
      });
      api.emit('analysis.added', { analysis: failed });
      api.emit('task.finished', { task: detectTask({ status: 'done', processed: 2, analysed: 1, failed: 1, finishedAt: '2026-11-23T09:01:00.000Z' }) });
    });
    expect(bar).toHaveAttribute('aria-valuenow', '100');
    expect(within(region).getByText('Finished · 2 of 2 images')).toBeInTheDocument();
    expect(within(region).getByText('1 failed')).toBeInTheDocument();
    expect(within(within(region).getByRole('list', { name: 'Images not analysed' })).getAllByRole('listitem').map((li) => li.textContent))
      .toEqual(['patches_100.jpg — IMAGE_UNREADABLE: the JPEG is truncated']);
    expect(screen.getByRole('listitem', { name: 'patches_100.jpg, image, 20 kB, not analysed: the JPEG is truncated' })).toBeInTheDocument();
    const badges = screen.getAllByTestId('findings-badge').map((b) => b.textContent);
    expect(badges).toEqual(['2 findings', 'Not analysed']);

    await user.click(within(region).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('region', { name: 'Detection on 2 images' })).not.toBeInTheDocument();
  });

  it('sends the picked model and threshold, and cancels a running detection', async () => {
    const user = userEvent.setup();
    const api = jobWithImages();
    renderWithApp(<JobScreen jobId={JOB} />, api);
    const panel = await screen.findByRole('group', { name: 'Defect detection' });
    await waitFor(() => expect(within(panel).getByRole('combobox', { name: 'Model' })).toHaveValue('neu-det-fcos-mnv2'));
    await user.selectOptions(within(panel).getByRole('combobox', { name: 'Model' }), 'weld-rt-det');
    await user.type(within(panel).getByRole('textbox', { name: /Score threshold/ }), '0.25');
    await user.click(within(panel).getByRole('button', { name: 'Detect defects' }));
    expect(api.calls.find((c) => c.name === 'detect.start')?.input).toEqual({ jobId: JOB, modelId: 'weld-rt-det', threshold: 0.25 });

    const region = await screen.findByRole('region', { name: 'Detection on 2 images' });
    act(() => api.emit('task.progressed', { task: detectTask({ status: 'running', processed: 1, analysed: 1 }), item: null }));
    await user.click(within(region).getByRole('button', { name: 'Cancel detection' }));
    expect(api.calls.filter((c) => c.name === 'tasks.cancel')).toEqual([{ name: 'tasks.cancel', input: { taskId: DETECT } }]);
    expect(within(region).getByText('Cancelling · 1 of 2 images')).toBeInTheDocument();
  });

  it('says why a detection could not start or stopped, and what to do without a model', async () => {
    const user = userEvent.setup();
    const api = jobWithImages();
    api.failing['detect.start'] = new ApiError('MODEL_INTEGRITY', 'The model file does not match its sha256.');
    const { unmount } = renderWithApp(<JobScreen jobId={JOB} />, api);
    const panel = await screen.findByRole('group', { name: 'Defect detection' });
    await waitFor(() => expect(within(panel).getByRole('button', { name: 'Detect defects' })).toBeEnabled());
    await user.click(within(panel).getByRole('button', { name: 'Detect defects' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Detection could not startThe model file does not match its sha256');

    // A detection stopped by the model: why, from the task.
    act(() => api.emit('task.progressed', { task: detectTask({ status: 'running', processed: 0 }), item: null }));
    act(() => api.emit('task.finished', { task: detectTask({ status: 'failed', errorCode: 'MODEL_INTEGRITY', error: 'model.onnx does not match its sha256.' }) }));
    const region = screen.getByRole('region', { name: 'Detection on 2 images' });
    expect(within(region).getByRole('alert')).toHaveTextContent('MODEL_INTEGRITY: model.onnx does not match its sha256.');
    unmount();

    const bare = jobWithImages();
    bare.models = [];
    renderWithApp(<JobScreen jobId={JOB} />, bare);
    const none = await screen.findByRole('group', { name: 'Defect detection' });
    await waitFor(() => expect(within(none).getByText(/No model is installed/)).toBeInTheDocument());
    expect(within(none).getByRole('link', { name: 'Models' })).toHaveAttribute('href', '#/models');
    expect(within(none).queryByRole('button', { name: 'Detect defects' })).not.toBeInTheDocument();
  });

  it('picks up a detection already running when the job opens, and earlier findings for the badges', async () => {
    const api = jobWithImages();
    api.tasks = [detectTask({ status: 'running', processed: 1, analysed: 1 })];
    api.analyses = [makeAnalysis({ assetId: ast(1), findingCount: 1 })];
    renderWithApp(<JobScreen jobId={JOB} />, api);
    const region = await screen.findByRole('region', { name: 'Detection on 2 images' });
    expect(within(region).getByRole('progressbar', { name: 'Detection progress' })).toHaveAttribute('aria-valuenow', '50');
    expect(await screen.findByRole('listitem', { name: 'scratches_100.jpg, image, 20 kB, 1 finding' })).toBeInTheDocument();
  });

  it('re-reads a running detection and the job\'s analyses after the event connection comes back', async () => {
    const user = userEvent.setup();
    const api = jobWithImages();
    renderWithApp(<JobScreen jobId={JOB} />, api);
    const panel = await screen.findByRole('group', { name: 'Defect detection' });
    await waitFor(() => expect(within(panel).getByRole('button', { name: 'Detect defects' })).toBeEnabled());
    await user.click(within(panel).getByRole('button', { name: 'Detect defects' }));
    const region = await screen.findByRole('region', { name: 'Detection on 2 images' });

    // Meanwhile, with the connection down, the core finished: none of its events arrived.
    api.tasks = [detectTask({ status: 'done', processed: 2, analysed: 1, failed: 1, finishedAt: '2026-11-23T09:01:00.000Z' })];
    api.items[DETECT] = [
      makeItem({ seq: 0, name: 'scratches_100.jpg', status: 'analysed', assetId: ast(1) }),
      makeItem({ seq: 1, name: 'patches_100.jpg', status: 'failed', assetId: ast(2), errorCode: 'INFERENCE_FAILED', message: 'the worker crashed' }),
    ];
    api.analyses = [
      makeAnalysis({ id: 'ana_00000000000000000002', assetId: ast(2), status: 'failed', errorCode: 'INFERENCE_FAILED', message: 'the worker crashed' }),
      makeAnalysis({ id: 'ana_00000000000000000001', assetId: ast(1), findingCount: 3 }),
    ];
    act(() => api.reconnect());

    await waitFor(() => expect(within(region).getByRole('progressbar', { name: 'Detection progress' })).toHaveAttribute('aria-valuenow', '100'));
    expect(within(region).getByText('Finished · 2 of 2 images')).toBeInTheDocument();
    expect(within(region).getByRole('list', { name: 'Images not analysed' })).toHaveTextContent('patches_100.jpg — INFERENCE_FAILED: the worker crashed');
    expect(await screen.findByRole('listitem', { name: 'scratches_100.jpg, image, 20 kB, 3 findings' })).toBeInTheDocument();
    expect(within(region).getByText('3 findings')).toBeInTheDocument();
  });

  it('badges each image from its latest successful analysis, else its latest failure', () => {
    const latest = latestAnalyses([
      makeAnalysis({ id: 'ana_00000000000000000004', assetId: 'a', status: 'failed' }),
      makeAnalysis({ id: 'ana_00000000000000000003', assetId: 'a', findingCount: 3 }),
      makeAnalysis({ id: 'ana_00000000000000000002', assetId: 'a', findingCount: 1 }),
      makeAnalysis({ id: 'ana_00000000000000000001', assetId: 'b', status: 'failed' }),
    ]);
    expect(latest.get('a')?.id).toBe('ana_00000000000000000003');
    expect(latest.get('b')?.id).toBe('ana_00000000000000000001');
  });
});
