import { Button, Group, Kbd, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { className } from '../findings/colours.ts';

/**
 * The class of a finding just drawn: the model's classes, the 1st … 9th also
 * by number key (the viewer's key handler picks them wherever the focus is),
 * or, where no model's classes are known, one typed in. Esc or Cancel drops
 * the drawing.
 */
export function ClassPicker({ classes, busy, onPick, onCancel }: {
  classes: readonly string[];
  busy: boolean;
  onPick: (cls: string) => void;
  onCancel: () => void;
}) {
  const first = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState('');
  // The first class has the focus: Enter takes it, Tab walks the others.
  useEffect(() => first.current?.focus(), []);
  return (
    <Paper
      withBorder
      shadow="md"
      p="xs"
      role="dialog"
      aria-label="Class of the new finding"
      style={{ position: 'absolute', top: 8, left: 64, zIndex: 6, maxWidth: 280 }}
    >
      <Stack gap={6}>
        <Text size="sm" fw={600}>Class of the new finding</Text>
        {classes.length > 0 ? (
          <Stack gap={4} role="group" aria-label="Classes">
            {classes.map((c, i) => (
              <Button
                key={c}
                ref={i === 0 ? first : undefined}
                size="compact-sm"
                variant="default"
                justify="space-between"
                disabled={busy}
                onClick={() => onPick(c)}
                rightSection={i < 9 ? <Kbd size="xs">{i + 1}</Kbd> : undefined}
                aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
              >
                {className(c)}
              </Button>
            ))}
          </Stack>
        ) : (
          <form onSubmit={(e) => { e.preventDefault(); if (typed.trim()) onPick(typed.trim()); }}>
            <Group gap={6} align="flex-end" wrap="nowrap">
              <TextInput size="xs" label="Class" value={typed} maxLength={64} onChange={(e) => setTyped(e.currentTarget.value)} autoFocus />
              <Button type="submit" size="compact-sm" disabled={busy || !typed.trim()}>Save</Button>
            </Group>
          </form>
        )}
        <Button size="compact-xs" variant="subtle" onClick={onCancel} rightSection={<Kbd size="xs">Esc</Kbd>}>Cancel</Button>
      </Stack>
    </Paper>
  );
}
