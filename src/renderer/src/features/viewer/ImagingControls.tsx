import { Button, Group, NativeSelect, NumberInput, RangeSlider, Stack, Switch, Text } from '@mantine/core';
import type { Histogram } from '../../../../shared/contract/index.ts';
import { centreOf, controlRange, formatNumber, fromCentreWidth, sameWindow, widthOf, type ValueWindow } from './imaging.ts';

export interface ImagingControlsProps {
  histogram: Histogram;
  /** The window shown now, in the image's values. */
  window: ValueWindow;
  invert: boolean;
  onWindow: (window: ValueWindow) => void;
  onInvert: (invert: boolean) => void;
  /** Back to the image's default: the automatic window (8-bit: as stored), its default inversion. */
  onAuto: () => void;
}

const HIST_W = 280;
const HIST_H = 44;

/**
 * Window/level for every image (brightness/contrast for 8-bit ones: the
 * same window over 0–255): the histogram with the window over it, a range
 * slider for its ends, level and width as numbers, presets from the core,
 * back to auto, and invert. Every control has a label and works from the
 * keyboard; the pointer drag (W tool, right-drag) moves the same window.
 */
export function ImagingControls({ histogram, window, invert, onWindow, onInvert, onAuto }: ImagingControlsProps) {
  const range = controlRange(histogram.min, histogram.max, window);
  const span = range.max - range.min;
  // Keyboard steps of about a thousandth of the range, on the image's own value grid.
  const step = histogram.step * Math.max(1, Math.round(span / 1000 / histogram.step));
  const preset = histogram.presets.find((p) => sameWindow(p, window));
  const isDefault = sameWindow(window, histogram.defaultWindow) && invert === histogram.defaultInvert;
  const eightBit = histogram.bitsPerSample === 8;
  const number = (v: number) => formatNumber(v, 6);

  return (
    <Stack gap={6} data-testid="imaging-controls">
      <Group justify="space-between" gap={4}>
        <Text size="sm" fw={600}>{eightBit ? 'Brightness / contrast' : 'Window / level'}</Text>
        <Text size="xs" c="dimmed" data-testid="window-readout" aria-live="polite">
          {number(window.low)} – {number(window.high)}{invert ? ', inverted' : ''}
        </Text>
      </Group>
      <HistogramPlot histogram={histogram} window={window} range={range} />
      <RangeSlider
        min={range.min}
        max={range.max}
        step={step}
        minRange={histogram.step}
        value={[window.low, window.high]}
        onChange={([low, high]) => onWindow({ low, high })}
        label={(v) => number(v)}
        thumbFromLabel="Window low"
        thumbToLabel="Window high"
        size="sm"
      />
      <Group gap={6} grow>
        <NumberInput
          size="xs"
          label="Level (centre)"
          value={centreOf(window)}
          step={step}
          decimalScale={6}
          onChange={(v) => typeof v === 'number' && onWindow(fromCentreWidth(v, widthOf(window)))}
        />
        <NumberInput
          size="xs"
          label="Width"
          value={widthOf(window)}
          step={step}
          min={histogram.step}
          decimalScale={6}
          onChange={(v) => typeof v === 'number' && v > 0 && onWindow(fromCentreWidth(centreOf(window), v))}
        />
      </Group>
      <NativeSelect
        size="xs"
        label="Preset"
        value={preset?.id ?? ''}
        onChange={(e) => {
          const p = histogram.presets.find((x) => x.id === e.currentTarget.value);
          if (p) onWindow({ low: p.low, high: p.high });
        }}
        data={[
          ...(preset ? [] : [{ value: '', label: 'Custom' }]),
          ...histogram.presets.map((p) => ({ value: p.id, label: `${p.label}: ${number(p.low)} – ${number(p.high)}` })),
        ]}
      />
      <Group justify="space-between">
        <Switch size="sm" label="Invert" checked={invert} onChange={(e) => onInvert(e.currentTarget.checked)} aria-keyshortcuts="I" />
        <Button size="compact-xs" variant="default" disabled={isDefault} onClick={onAuto}>{eightBit ? 'As stored' : 'Auto'}</Button>
      </Group>
    </Stack>
  );
}

/** The histogram (square-root counts, so small populations stay visible) with the window shaded over it. */
function HistogramPlot({ histogram, window, range }: { histogram: Histogram; window: ValueWindow; range: { min: number; max: number } }) {
  const { counts, min, binWidth } = histogram;
  const peak = Math.sqrt(Math.max(1, ...counts));
  const x = (v: number) => ((v - range.min) / (range.max - range.min)) * HIST_W;
  const bars = counts.map((c, i) => {
    const left = x(min + i * binWidth);
    const right = x(min + (i + 1) * binWidth);
    const h = (Math.sqrt(c) / peak) * HIST_H;
    return `M${left.toFixed(1)},${HIST_H}V${(HIST_H - h).toFixed(1)}H${Math.max(right, left + 0.5).toFixed(1)}V${HIST_H}Z`;
  }).join('');
  const lo = Math.max(0, x(window.low));
  const hi = Math.min(HIST_W, x(window.high));
  return (
    <svg
      width="100%"
      viewBox={`0 0 ${HIST_W} ${HIST_H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`Histogram of the image's values, ${formatNumber(histogram.min, 6)} to ${formatNumber(histogram.max, 6)}, with the window ${formatNumber(window.low, 6)} to ${formatNumber(window.high, 6)}`}
      data-testid="histogram"
      style={{ display: 'block', height: HIST_H, background: 'var(--mantine-color-dark-7, #222)', borderRadius: 4 }}
    >
      <rect x={lo} y={0} width={Math.max(0, hi - lo)} height={HIST_H} fill="rgba(255,212,59,0.18)" />
      <path d={bars} fill="#adb5bd" />
      <line x1={x(window.low)} x2={x(window.low)} y1={0} y2={HIST_H} stroke="#ffd43b" strokeWidth={1} vectorEffect="non-scaling-stroke" />
      <line x1={x(window.high)} x2={x(window.high)} y1={0} y2={HIST_H} stroke="#ffd43b" strokeWidth={1} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
