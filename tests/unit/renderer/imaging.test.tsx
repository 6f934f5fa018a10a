// @vitest-environment jsdom
import './setup.ts';
import { MantineProvider } from '@mantine/core';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Histogram } from '../../../src/shared/contract/index.ts';
import { ImagingControls } from '../../../src/renderer/src/features/viewer/ImagingControls.tsx';
import {
  chartPath, controlRange, dragSensitivity, dragWindow, formatNumber, fromCentreWidth, lineLength, sameWindow, sampleAt, snapWindow, spacingFromLine, valueRange,
} from '../../../src/renderer/src/features/viewer/imaging.ts';

describe('window maths in the viewer', () => {
  it('drags: right widens, down raises the level, never narrower than the minimum', () => {
    const start = { low: 1000, high: 2000 };
    expect(dragWindow(start, 50, 0, 2, 1)).toEqual({ low: 950, high: 2050 });
    expect(dragWindow(start, 0, 25, 2, 1)).toEqual({ low: 1050, high: 2050 });
    expect(dragWindow(start, -10_000, 0, 2, 4)).toEqual({ low: 1498, high: 1502 });
    // 500 pixels of drag sweep the image's whole range.
    expect(dragSensitivity(10_000, 42_000)).toBe(64);
  });

  it('snaps to the image’s value grid, at least one step wide, without floating-point dust', () => {
    expect(snapWindow({ low: 10.4, high: 20.6 }, 1)).toEqual({ low: 10, high: 21 });
    expect(snapWindow({ low: 5, high: 5.2 }, 1)).toEqual({ low: 5, high: 6 });
    // A DICOM slope of 0.1 from −1024: values −1024, −1023.9 …
    expect(snapWindow({ low: -100.04, high: 300.26 }, 0.1, -1024)).toEqual({ low: -100, high: 300.3 });
  });

  it('converts centre and width, compares windows, and spans the controls over the window', () => {
    expect(fromCentreWidth(1500, 1000)).toEqual({ low: 1000, high: 2000 });
    expect(sameWindow({ low: 1000, high: 2000 }, { low: 1000.0001, high: 2000 })).toBe(true);
    expect(sameWindow({ low: 1000, high: 2000 }, { low: 1001, high: 2000 })).toBe(false);
    expect(controlRange(0, 100, { low: -20, high: 50 })).toEqual({ min: -20, max: 100 });
  });
});

describe('measurement maths', () => {
  it('measures in pixels, and in mm with a spacing (x and y apart)', () => {
    expect(lineLength([0, 0], [30, 40], null)).toEqual({ px: 50, mm: null });
    expect(lineLength([0, 0], [30, 40], { x: 0.1, y: 0.1 }).mm).toBeCloseTo(5, 12);
    expect(lineLength([0, 0], [30, 40], { x: 0.2, y: 0.1 }).mm).toBeCloseTo(Math.hypot(6, 4), 12);
  });

  it('finds the spacing from a line of known length, refusing nonsense', () => {
    expect(spacingFromLine(160, 40)).toBe(0.25);
    expect(spacingFromLine(0, 40)).toBeNull();
    expect(spacingFromLine(160, -1)).toBeNull();
    expect(spacingFromLine(160, Number.NaN)).toBeNull();
  });

  it('formats numbers for people', () => {
    expect(formatNumber(0.661468)).toBe('0.6615');
    expect(formatNumber(42_000, 6)).toBe('42000');
    expect(formatNumber(-861)).toBe('-861');
    expect(formatNumber(1e-7)).toBe('1.00e-7');
  });
});

describe('profile chart geometry', () => {
  const box = { width: 110, height: 60, left: 10, right: 0, top: 0, bottom: 10 };

  it('draws values up and distances across the plot', () => {
    expect(valueRange([[5, 10, 7]])).toEqual({ min: 5, max: 10 });
    expect(valueRange([[3, 3]])).toEqual({ min: 2, max: 4 });
    expect(chartPath([0, 50, 100], [5, 10, 5], box, { min: 5, max: 10 })).toBe('M10.0,50.0L60.0,0.0L110.0,50.0');
  });

  it('finds the sample under the cursor, clamped to the plot', () => {
    expect(sampleAt(60, 3, box)).toBe(1);
    expect(sampleAt(0, 3, box)).toBe(0);
    expect(sampleAt(500, 3, box)).toBe(2);
  });
});

describe('ImagingControls', () => {
  const histogram: Histogram = {
    assetId: 'ast_00000000000000000001', bitsPerSample: 16, min: 10_000, max: 42_000, binWidth: 250, step: 1,
    counts: new Array(128).fill(0).map((_, i) => (i < 20 ? 1000 : i === 127 ? 50 : 0)), total: 20_050,
    presets: [
      { id: 'auto', label: 'Auto (histogram)', low: 10_100, high: 14_500 },
      { id: 'full', label: 'Full range', low: 10_000, high: 42_000 },
    ],
    defaultWindow: { low: 10_100, high: 14_500 }, defaultInvert: false,
  };
  const setup = (window = histogram.defaultWindow, invert = false) => {
    const calls = { onWindow: vi.fn(), onInvert: vi.fn(), onAuto: vi.fn() };
    render(<MantineProvider><ImagingControls histogram={histogram} window={window} invert={invert} {...calls} /></MantineProvider>);
    return calls;
  };

  it('shows the window over the histogram, with its preset, level and width', () => {
    setup();
    expect(screen.getByTestId('window-readout').textContent).toBe('10100 – 14500');
    expect(screen.getByRole('img', { name: /Histogram of the image's values, 10000 to 42000, with the window 10100 to 14500/ })).toBeTruthy();
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Preset' }).value).toBe('auto');
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Level (centre)' }).value).toBe('12300');
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Width' }).value).toBe('4400');
    // At the default already: nothing to go back to.
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Auto' }).disabled).toBe(true);
  });

  it('picks a preset, inverts, and goes back to auto from the keyboard', async () => {
    const calls = setup({ low: 12_000, high: 13_000 }, true);
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Preset' }).value).toBe('');
    fireEvent.change(screen.getByRole('combobox', { name: 'Preset' }), { target: { value: 'full' } });
    expect(calls.onWindow).toHaveBeenLastCalledWith({ low: 10_000, high: 42_000 });
    const user = userEvent.setup();
    await user.click(screen.getByRole('switch', { name: 'Invert' }));
    expect(calls.onInvert).toHaveBeenLastCalledWith(false);
    screen.getByRole('button', { name: 'Auto' }).focus();
    await user.keyboard('{Enter}');
    expect(calls.onAuto).toHaveBeenCalledTimes(1);
  });

  it('moves the window ends with the slider’s keys', async () => {
    const calls = setup();
    const user = userEvent.setup();
    screen.getByRole('slider', { name: 'Window high' }).focus();
    await user.keyboard('{ArrowRight}');
    const [w] = calls.onWindow.mock.lastCall as [{ low: number; high: number }];
    expect(w.low).toBe(10_100);
    expect(w.high).toBeGreaterThan(14_500);
  });
});
