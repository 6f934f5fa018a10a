import { CloseButton, Group, Text } from '@mantine/core';
import type { KeyboardEvent, PointerEvent } from 'react';
import type { PixelSpacing, Profile } from '../../../../shared/contract/index.ts';
import { chartPath, formatNumber, lineLength, sampleAt, valueRange, type ChartBox } from './imaging.ts';

export interface ProfileChartProps {
  profile: Profile;
  spacing: PixelSpacing | null;
  /** The sample under the cursor (also marked on the image), or null. */
  cursor: number | null;
  onCursor: (index: number | null) => void;
  onClose: () => void;
}

const BOX: ChartBox = { width: 560, height: 150, left: 56, right: 10, top: 8, bottom: 22 };
const CHANNEL_COLOURS = ['#e9ecef', '#ff6b6b', '#51cf66', '#4dabf7'];

/**
 * A line profile as a chart: the original values (not display levels) along
 * the line from A to B, against the distance from A, in millimetres when
 * the image has a pixel spacing. The cursor (pointer over the chart, or the
 * arrow keys when it has focus) reads out one sample and marks it on the image.
 */
export function ProfileChart({ profile, spacing, cursor, onCursor, onClose }: ProfileChartProps) {
  const { distances, values } = profile;
  const count = distances.length;
  const range = valueRange(values);
  const total = lineLength(profile.from, profile.to, spacing);
  // Distances along the line scale evenly, so one factor turns pixels into millimetres.
  const toMm = total.mm !== null && total.px > 0 ? total.mm / total.px : null;
  const unit = toMm !== null ? 'mm' : 'px';
  const distance = (i: number) => (distances[i] ?? 0) * (toMm ?? 1);
  const h = BOX.height - BOX.top - BOX.bottom;
  const xOf = (i: number) => BOX.left + (distance(i) / (distance(count - 1) || 1)) * (BOX.width - BOX.left - BOX.right);

  const onPointer = (e: PointerEvent<SVGSVGElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    onCursor(sampleAt(((e.clientX - r.left) / r.width) * BOX.width, count, BOX));
  };
  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    const stepBy = e.shiftKey ? Math.max(1, Math.round(count / 20)) : 1;
    const at = cursor ?? 0;
    const next = e.key === 'ArrowRight' ? at + stepBy : e.key === 'ArrowLeft' ? at - stepBy : e.key === 'Home' ? 0 : e.key === 'End' ? count - 1 : null;
    if (next === null) return;
    e.preventDefault();
    e.stopPropagation();
    onCursor(Math.min(count - 1, Math.max(0, next)));
  };

  const channelNames = values.length === 3 ? ['R', 'G', 'B'] : [''];
  const readout = cursor === null
    ? `${count} samples from A to B, ${formatNumber(distance(count - 1))} ${unit}; point at the chart to read a value.`
    : `${formatNumber(distance(cursor))} ${unit}: ${values.map((ch, c) => `${channelNames[c] ? `${channelNames[c]} ` : ''}${formatNumber(ch[cursor] ?? NaN, 7)}`).join(', ')}`;

  return (
    <div data-testid="profile-chart">
      <Group justify="space-between" gap={4} wrap="nowrap">
        <Text size="xs" fw={600}>Line profile A → B ({profile.interpolation})</Text>
        <CloseButton size="sm" aria-label="Clear the line profile" onClick={onClose} />
      </Group>
      <svg
        width={BOX.width}
        height={BOX.height}
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="slider"
        tabIndex={0}
        aria-label="Line profile: arrow keys move the cursor along the line"
        aria-valuemin={0}
        aria-valuemax={count - 1}
        aria-valuenow={cursor ?? 0}
        aria-valuetext={readout}
        onPointerMove={onPointer}
        onPointerDown={onPointer}
        onPointerLeave={() => onCursor(null)}
        onKeyDown={onKey}
        style={{ display: 'block', maxWidth: '100%', cursor: 'crosshair' }}
      >
        {/* A dark plot in either theme, as the image is: light lines read on it. */}
        <rect x={BOX.left} y={BOX.top} width={BOX.width - BOX.left - BOX.right} height={h} fill="#1a1b1e" stroke="#495057" />
        {values.map((ch, c) => (
          <path key={c} d={chartPath(distances.map((_, i) => distance(i)), ch, BOX, range)} fill="none" stroke={values.length === 1 ? CHANNEL_COLOURS[0] : CHANNEL_COLOURS[c + 1]} strokeWidth={1.25} />
        ))}
        <text x={BOX.left - 4} y={BOX.top + 9} fill="currentColor" fontSize={10} textAnchor="end">{formatNumber(range.max, 6)}</text>
        <text x={BOX.left - 4} y={BOX.top + h} fill="currentColor" fontSize={10} textAnchor="end">{formatNumber(range.min, 6)}</text>
        <text x={BOX.left} y={BOX.height - 6} fill="currentColor" fontSize={10}>A 0</text>
        <text x={BOX.width - BOX.right} y={BOX.height - 6} fill="currentColor" fontSize={10} textAnchor="end">{formatNumber(distance(count - 1))} {unit} B</text>
        {cursor !== null && <line x1={xOf(cursor)} x2={xOf(cursor)} y1={BOX.top} y2={BOX.top + h} stroke="#22b8cf" strokeWidth={1} data-testid="profile-cursor" />}
      </svg>
      <Text size="xs" aria-live="polite" data-testid="profile-readout" style={{ fontVariantNumeric: 'tabular-nums' }}>{readout}</Text>
    </div>
  );
}
