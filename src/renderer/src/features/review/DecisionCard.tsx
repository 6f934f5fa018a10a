import { Badge, Button, Group, Kbd, NativeSelect, Paper, Stack, Text, Textarea } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Finding } from '../../../../shared/contract/index.ts';
import { className, scoreLabel } from '../findings/colours.ts';
import { decidedLine, STATUS_COLOUR, STATUS_LABEL } from './review.ts';

export interface DecisionCardProps {
  finding: Finding;
  /** The model's classes, in the order the number keys pick them. */
  classes: readonly string[];
  busy: boolean;
  canUndo: boolean;
  onAccept: () => void;
  onReject: () => void;
  onReclass: (cls: string) => void;
  onNote: (note: string) => void;
  onUndo: () => void;
  canRedo?: boolean;
  onRedo?: () => void;
}

/** The selected finding: what it is, who decided what and when, and the decisions, each with its key. */
export function DecisionCard({ finding: f, classes, busy, canUndo, onAccept, onReject, onReclass, onNote, onUndo, canRedo = false, onRedo }: DecisionCardProps) {
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => setNote(null), [f.id]);
  const choices = classes.includes(f.class) ? classes : [...classes, f.class];
  const decided = decidedLine(f);
  return (
    <Paper withBorder p="xs" role="region" aria-label="Selected finding">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm" truncate="end">{className(f.class)} · {scoreLabel(f.score)}</Text>
          <Badge size="sm" variant={f.status === 'proposed' ? 'light' : 'filled'} color={STATUS_COLOUR[f.status]} aria-label={`Status: ${STATUS_LABEL[f.status]}`}>
            {STATUS_LABEL[f.status]}
          </Badge>
        </Group>
        {f.modelClass && f.modelClass !== f.class && <Text size="xs" c="dimmed">Model proposed: {className(f.modelClass)}</Text>}
        {decided && <Text size="xs" c="dimmed" data-testid="decided-by">{decided}</Text>}
        {f.status === 'rejected' && f.rejectReason && <Text size="xs">Reason: {f.rejectReason}</Text>}
        {f.note && <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>Note: {f.note}</Text>}
        <Group gap={6} grow>
          <Button size="compact-sm" color="teal" disabled={busy} onClick={onAccept} rightSection={<Kbd size="xs">A</Kbd>}>Accept</Button>
          <Button size="compact-sm" color="red" variant="light" disabled={busy} onClick={onReject} rightSection={<Kbd size="xs">R</Kbd>}>Reject</Button>
        </Group>
        <NativeSelect
          size="xs"
          label="Change class (keys 1–9)"
          disabled={busy}
          value={f.class}
          onChange={(e) => onReclass(e.currentTarget.value)}
          data={choices.map((c, i) => ({ value: c, label: `${i < 9 && classes.includes(c) ? `${i + 1} · ` : ''}${className(c)}` }))}
        />
        {note === null ? (
          <Group gap={6}>
            <Button size="compact-xs" variant="default" onClick={() => setNote(f.note ?? '')}>{f.note ? 'Edit note' : 'Add note'}</Button>
            <Button size="compact-xs" variant="default" disabled={!canUndo || busy} onClick={onUndo} rightSection={<Kbd size="xs">Ctrl+Z</Kbd>}>Undo</Button>
            {onRedo && <Button size="compact-xs" variant="default" disabled={!canRedo || busy} onClick={onRedo} rightSection={<Kbd size="xs">Ctrl+Y</Kbd>}>Redo</Button>}
          </Group>
        ) : (
          <form onSubmit={(e) => { e.preventDefault(); onNote(note.trim()); setNote(null); }}>
            <Stack gap={4}>
              <Textarea label="Note" size="xs" autosize minRows={2} maxLength={4000} value={note} onChange={(e) => setNote(e.currentTarget.value)} autoFocus />
              <Group gap={6}>
                <Button type="submit" size="compact-xs" disabled={busy}>Save note</Button>
                <Button size="compact-xs" variant="subtle" onClick={() => setNote(null)}>Cancel</Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
