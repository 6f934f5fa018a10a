import { Button, Group, NativeSelect, NumberInput, Stack } from '@mantine/core';
import { useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import type { FindingStatus } from '../../../../shared/contract/index.ts';
import { className } from '../findings/colours.ts';
import { NO_FILTER, STATUS_LABEL, isFiltered, type FindingFilter } from './review.ts';

const STATUSES: FindingStatus[] = ['proposed', 'accepted', 'edited', 'rejected'];

/** A score 0–1 typed freely ("0." on the way to "0.7"); the filter follows each value that reads as a number, empty is `empty`. */
export function ScoreInput({ label, value, empty, onChange }: { label: string; value: number; empty: number; onChange: (v: number) => void }) {
  const [text, setText] = useState<string | number>(value);
  useEffect(() => {
    setText((t) => (Number(t) === value || (t === '' && value === empty) ? t : value));
  }, [value, empty]);
  return (
    <NumberInput
      size="xs" label={label} min={0} max={1} step={0.05} decimalScale={2} hideControls
      value={text}
      onChange={(v) => {
        setText(v);
        const n = typeof v === 'number' ? v : v.trim() === '' ? empty : Number(v);
        if (Number.isFinite(n)) onChange(Math.min(1, Math.max(0, n)));
      }}
    />
  );
}

/** Filters of the finding list: class, status, score range, and the order ("lowest confidence first" in one click). */
export function FindingFilters({ value, onChange, classes }: { value: FindingFilter; onChange: Dispatch<SetStateAction<FindingFilter>>; classes: readonly string[] }) {
  const lowestFirst = value.sort === 'score-asc';
  return (
    <Stack gap={6} role="group" aria-label="Filter findings">
      <Group gap={6} grow>
        <NativeSelect
          size="xs"
          label="Class"
          value={value.class ?? ''}
          onChange={(e) => onChange({ ...value, class: e.currentTarget.value || null })}
          data={[{ value: '', label: 'All classes' }, ...classes.map((c) => ({ value: c, label: className(c) }))]}
        />
        <NativeSelect
          size="xs"
          label="Status"
          value={value.status ?? ''}
          onChange={(e) => onChange({ ...value, status: (e.currentTarget.value || null) as FindingStatus | null })}
          data={[{ value: '', label: 'All' }, ...STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))]}
        />
      </Group>
      <Group gap={6} grow>
        <ScoreInput label="Min score" value={value.minScore} empty={0} onChange={(minScore) => onChange((f) => ({ ...f, minScore }))} />
        <ScoreInput label="Max score" value={value.maxScore} empty={1} onChange={(maxScore) => onChange((f) => ({ ...f, maxScore }))} />
      </Group>
      <Group gap={6}>
        <Button
          size="compact-xs"
          variant={lowestFirst ? 'filled' : 'default'}
          aria-pressed={lowestFirst}
          onClick={() => onChange({ ...value, sort: lowestFirst ? 'score-desc' : 'score-asc' })}
        >
          Lowest confidence first
        </Button>
        {isFiltered(value) && (
          <Button size="compact-xs" variant="subtle" onClick={() => onChange({ ...NO_FILTER, sort: value.sort })}>Clear filters</Button>
        )}
      </Group>
    </Stack>
  );
}
