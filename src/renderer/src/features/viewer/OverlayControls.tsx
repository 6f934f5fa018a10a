import { Chip, Group, Slider, Stack, Switch, Text } from '@mantine/core';
import { classColour, className } from '../findings/colours.ts';
import type { OverlayStyle } from './finding-overlays.ts';

export interface OverlayControlsProps {
  /** The classes found on this image, each with a chip. */
  present: readonly string[];
  /** The model's class list, for the colours. */
  classes: readonly string[];
  hidden: ReadonlySet<string>;
  onToggleClass: (cls: string, shown: boolean) => void;
  style: OverlayStyle;
  onStyleChange: (style: OverlayStyle) => void;
}

/** How the findings are drawn: which classes, how opaque, and when the labels show. View settings only. */
export function OverlayControls({ present, classes, hidden, onToggleClass, style, onStyleChange }: OverlayControlsProps) {
  const percent = Math.round(style.opacity * 100);
  return (
    <Stack gap={6}>
      {present.length > 0 && (
        <Group gap={4} role="group" aria-label="Classes shown on the image">
          {present.map((cls) => (
            <Chip
              key={cls}
              size="xs"
              variant="filled"
              autoContrast
              color={classColour(cls, classes)}
              checked={!hidden.has(cls)}
              onChange={(on) => onToggleClass(cls, on)}
              aria-label={`Show ${className(cls)}`}
            >
              {className(cls)}
            </Chip>
          ))}
        </Group>
      )}
      <Group gap="xs" wrap="nowrap">
        <Text size="xs" style={{ flex: 'none' }}>Overlay opacity</Text>
        <Slider
          style={{ flex: 1 }}
          size="sm"
          min={10}
          max={100}
          step={5}
          value={percent}
          onChange={(v) => onStyleChange({ ...style, opacity: v / 100 })}
          label={(v) => `${v} %`}
          thumbLabel="Overlay opacity"
        />
        <Text size="xs" c="dimmed" miw={36} ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>{percent} %</Text>
      </Group>
      <Group gap={6}>
        <Switch
          size="sm"
          label="Labels: always"
          checked={style.labels === 'always'}
          onChange={(e) => onStyleChange({ ...style, labels: e.currentTarget.checked ? 'always' : 'hover' })}
        />
        <Text size="xs" c="dimmed">(off: on hover)</Text>
      </Group>
    </Stack>
  );
}
