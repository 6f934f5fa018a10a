import { Alert, Button, Group, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Job, JobFields } from '../../../../shared/contract/index.ts';

type Draft = Record<'name' | 'client' | 'site' | 'component' | 'procedure' | 'inspector' | 'startDate' | 'endDate', string>;
const EMPTY: Draft = { name: '', client: '', site: '', component: '', procedure: '', inspector: '', startDate: '', endDate: '' };

/**
 * Filled in from the previous job (the newest in the workspace): an inspector
 * types her name and procedure once. Read from the encrypted workspace, never
 * kept in the browser's storage.
 */
const CARRIED_OVER = ['client', 'site', 'procedure', 'inspector'] as const;

const carriedOver = (previous: Job | undefined): Partial<Draft> =>
  previous ? Object.fromEntries(CARRIED_OVER.map((k) => [k, previous[k]])) : {};

export function JobForm({ previous, onSubmit, onCancel }: {
  /** The newest job, whose client, site, procedure and inspector the form starts with. */
  previous?: Job;
  onSubmit: (fields: Partial<JobFields> & { name: string }) => Promise<void>;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => ({ ...EMPTY, ...carriedOver(previous) }));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = (key: keyof Draft) => ({
    value: draft[key],
    onChange: (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [key]: e.currentTarget.value }),
  });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (draft.name.trim() === '') {
      setError('A job needs a name.');
      return;
    }
    if (draft.startDate && draft.endDate && draft.endDate < draft.startDate) {
      setError('The end date is before the start date.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ ...draft, startDate: draft.startDate || null, endDate: draft.endDate || null });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} aria-label="New inspection job">
      <Stack>
        <TextInput label="Job name" placeholder="Tank 6 external, LR0328" withAsterisk aria-required data-autofocus {...field('name')} />
        <SimpleGrid cols={2}>
          <TextInput label="Client" {...field('client')} />
          <TextInput label="Site" {...field('site')} />
          <TextInput label="Component" {...field('component')} />
          <TextInput label="Procedure" {...field('procedure')} />
          <TextInput label="Inspector" {...field('inspector')} />
          <div />
          <TextInput label="Start date" type="date" {...field('startDate')} />
          <TextInput label="End date" type="date" {...field('endDate')} />
        </SimpleGrid>
        {error && <Alert color="red" role="alert">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>Cancel</Button>
          <Button type="submit" loading={busy}>Create job</Button>
        </Group>
      </Stack>
    </form>
  );
}
