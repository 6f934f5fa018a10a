// @vitest-environment jsdom
import './setup.ts';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { dataView } from '../../../src/renderer/src/features/models/metrics.ts';
import { ModelsScreen } from '../../../src/renderer/src/features/models/ModelsScreen.tsx';
import { FakeApi, makeModel } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

const detector = makeModel({
  classes: ['crazing', 'inclusion', 'scratches'],
  classThresholds: { crazing: 0.412, scratches: 0.384 },
  metrics: {
    map50: 0.3789, map50_95: 0.139,
    per_class: { crazing: { ap50: 0.2318, ap50_95: 0.0617 }, inclusion: { ap50: 0.438, ap50_95: 0.149 }, scratches: { ap50: 0.1094, ap50_95: 0.0263 } },
    split: 'NEU-DET val.txt (216 images)', measured: '2026-11-23',
  },
  training: { data: 'NEU-DET (Northeastern University)', split: 'train.txt (1224 images)', epochs_trained: 32, config: { lr: 0.001 } },
});
const segmenter = makeModel({
  id: 'magnetic-tile-seg-mnv2', task: 'segment', title: 'Magnetic tile defects', origin: 'user', classes: ['blowhole', 'crack'],
  inputSize: [320, 320], sha256: 'f'.repeat(64), licence: 'CC BY 4.0',
  metrics: {
    mean_iou: 0.61, mean_dice: 0.72, per_class: { blowhole: { iou: 0.55, dice: 0.7 }, crack: { iou: 0.67, dice: 0.74 } },
    recall_at_far: 0.83, far: 0.01, image_threshold_at_far: 0.42,
  },
});

const cells = (row: HTMLElement) => within(row).getAllByRole('cell').map((c) => c.textContent);

describe('models screen', () => {
  it('lists every installed model with its id, version, task, classes and origin; the first is detailed', async () => {
    const api = new FakeApi();
    api.models = [detector, segmenter];
    renderWithApp(<ModelsScreen />, api);
    const table = await screen.findByRole('table', { name: 'Installed models' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(cells)).toEqual([
      ['Steel surface defects (NEU-DET)', 'neu-det-fcos-mnv2', '1.0.0', 'Detection', 'crazing, inclusion, scratches', 'Built-in'],
      ['Magnetic tile defects', 'magnetic-tile-seg-mnv2', '1.0.0', 'Segmentation', 'blowhole, crack', 'Added to this workspace'],
    ]);
    expect(within(rows[1]!).getByRole('link', { name: 'Magnetic tile defects' })).toHaveAttribute('href', '#/models/magnetic-tile-seg-mnv2');
    expect(within(rows[0]!).getByRole('link')).toHaveAttribute('aria-current', 'true');

    const detail = screen.getByRole('region', { name: 'Model Steel surface defects (NEU-DET)' });
    const overall = within(detail).getByRole('table', { name: 'Overall metrics' });
    expect(within(overall).getAllByRole('row').map((r) => r.textContent)).toEqual(['mAP@0.50.379', 'mAP@0.5:0.950.139']);
    const perClass = within(detail).getByRole('table', { name: 'Metrics per class' });
    expect(within(perClass).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Class', 'AP@0.5', 'AP@0.5:0.95']);
    expect(within(perClass).getAllByRole('row').slice(1).map(cells)).toEqual([
      ['crazing', '0.232', '0.062'], ['inclusion', '0.438', '0.149'], ['scratches', '0.109', '0.026'],
    ]);
    expect(within(detail).getByRole('table', { name: 'How it was measured' })).toHaveTextContent('Evaluated onNEU-DET val.txt (216 images)');

    const runs = within(detail).getByRole('table', { name: 'Input and tiling' });
    expect(runs).toHaveTextContent('Input size256×256 px');
    expect(runs).toHaveTextContent('Images over 320 px are cut into 512 px tiles overlapping by 64 px');
    const thresholds = within(detail).getByRole('table', { name: 'Score threshold per class' });
    expect(within(thresholds).getAllByRole('row').slice(1).map(cells)).toEqual([
      ['crazing', '0.412'], ['inclusion', '0.300 (default)'], ['scratches', '0.384'],
    ]);
    const training = within(detail).getByRole('table', { name: 'Training data and split' });
    expect(training).toHaveTextContent('Training dataNEU-DET (Northeastern University)');
    expect(training).toHaveTextContent('Splittrain.txt (1224 images)');
    expect(training).toHaveTextContent('Epochs trained32');
    expect(within(detail).getByText('Configuration')).toBeInTheDocument();
    expect(within(detail).getByRole('region', { name: 'Licence' })).toHaveTextContent('Weights trained on NEU-DET');
    expect(within(detail).getByLabelText('SHA-256')).toHaveTextContent('e'.repeat(64));
  });

  it('details the model named in the address: segmentation metrics per class and recall at the false-alarm rate', async () => {
    const api = new FakeApi();
    api.models = [detector, segmenter];
    renderWithApp(<ModelsScreen modelId="magnetic-tile-seg-mnv2" />, api);
    const detail = await screen.findByRole('region', { name: 'Model Magnetic tile defects' });
    const overall = within(detail).getByRole('table', { name: 'Overall metrics' });
    expect(within(overall).getAllByRole('row').map((r) => r.textContent)).toEqual([
      'Mean IoU0.610', 'Mean Dice0.720', 'Recall at 1 % false alarms0.830', 'False-alarm rate1 %', 'Image score threshold at that false-alarm rate0.420',
    ]);
    const perClass = within(detail).getByRole('table', { name: 'Metrics per class' });
    expect(within(perClass).getAllByRole('row').map((r) => within(r).queryAllByRole('columnheader').map((h) => h.textContent).concat(within(r).queryAllByRole('cell').map((c) => c.textContent)))).toEqual([
      ['Class', 'IoU', 'Dice'], ['blowhole', '0.550', '0.700'], ['crack', '0.670', '0.740'],
    ]);
    expect(within(detail).getByText('Added to this workspace')).toBeInTheDocument();
    expect(within(detail).getByRole('region', { name: 'Licence' })).toHaveTextContent('CC BY 4.0');
  });

  it('shows the model folders that could not be loaded, with why, and warns about a model without measurements', async () => {
    const api = new FakeApi();
    api.models = [makeModel({ metrics: {} })];
    api.modelProblems = [{ dir: '/home/priya/.local/share/chitti/models/broken', message: 'manifest.json: sha256 does not match model.onnx' }];
    renderWithApp(<ModelsScreen />, api);
    const problems = await screen.findByRole('list', { name: 'Models that could not be loaded' });
    expect(problems).toHaveTextContent('/home/priya/.local/share/chitti/models/broken: manifest.json: sha256 does not match model.onnx');
    expect(screen.getByText('1 model folder could not be used')).toBeInTheDocument();
    expect(screen.getByText(/records no measurements/)).toBeInTheDocument();
  });

  it('says so when no model is installed, or the address names one that is not', async () => {
    const api = new FakeApi();
    const { unmount } = renderWithApp(<ModelsScreen />, api);
    expect(await screen.findByText(/No models are installed/)).toBeInTheDocument();
    unmount();
    api.models = [detector];
    renderWithApp(<ModelsScreen modelId="gone" />, api);
    expect(await screen.findByRole('alert')).toHaveTextContent('No installed model has the id gone.');
  });

  it('reads any metrics object: numbers, tables keyed by class, notes, and the rest as JSON', () => {
    const view = dataView({ ap50: { b: 0.5, a: 0.25 }, count: 12, note: 'x', curve: [1, 2] }, ['a', 'b']);
    expect(view.values).toEqual([{ key: 'count', label: 'Count', value: '12' }]);
    expect(view.tables).toEqual([{ key: 'ap50', title: 'AP@0.5', columns: [{ key: 'ap50', label: 'AP@0.5' }], rows: [{ cls: 'a', values: ['0.250'] }, { cls: 'b', values: ['0.500'] }] }]);
    expect(view.notes).toEqual([{ key: 'note', label: 'Note', value: 'x' }]);
    expect(view.other.map((o) => o.key)).toEqual(['curve']);
  });
});
