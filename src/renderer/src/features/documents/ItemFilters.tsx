import { Button, Group, NativeSelect, Text } from '@mantine/core';
import type { ChecklistStatus, Severity } from '../../../../shared/contract/index.ts';
import { isFiltered, NO_ITEM_FILTER, SEVERITIES, STATUSES, STATUS_LABEL, type ItemFilter } from './review-items.ts';

/** Filters of the checklist: section, severity, status as it now stands, and whether a reviewer decided it yet. */
export function ItemFilters({ value, onChange, sections, shown, total }: {
  value: ItemFilter;
  onChange: (f: ItemFilter) => void;
  sections: readonly string[];
  shown: number;
  total: number;
}) {
  return (
    <Group gap={6} align="flex-end" role="group" aria-label="Filter items" wrap="wrap">
      <NativeSelect size="xs" label="Section" value={value.section ?? ''} miw={140}
        onChange={(e) => onChange({ ...value, section: e.currentTarget.value || null })}
        data={[{ value: '', label: 'All sections' }, ...sections.map((s) => ({ value: s, label: s }))]} />
      <NativeSelect size="xs" label="Severity" value={value.severity ?? ''}
        onChange={(e) => onChange({ ...value, severity: (e.currentTarget.value || null) as Severity | null })}
        data={[{ value: '', label: 'All' }, ...SEVERITIES.map((s) => ({ value: s, label: s }))]} />
      <NativeSelect size="xs" label="Status" value={value.status ?? ''}
        onChange={(e) => onChange({ ...value, status: (e.currentTarget.value || null) as ChecklistStatus | null })}
        data={[{ value: '', label: 'All' }, ...STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))]} />
      <NativeSelect size="xs" label="Decision" value={value.decision ?? ''}
        onChange={(e) => onChange({ ...value, decision: (e.currentTarget.value || null) as ItemFilter['decision'] })}
        data={[{ value: '', label: 'All' }, { value: 'open', label: 'To decide' }, { value: 'decided', label: 'Decided' }]} />
      {isFiltered(value) && <Button size="compact-xs" variant="subtle" onClick={() => onChange(NO_ITEM_FILTER)}>Clear filters</Button>}
      <Text size="xs" c="dimmed" role="status">{shown === total ? `${total} items` : `${shown} of ${total} shown`}</Text>
    </Group>
  );
}
