import { Alert, Badge, Group, List, Paper, Progress, Stack, Text } from '@mantine/core';
import type { ImportState } from '../../store/app-store.ts';
import { useAppStore } from '../../store/context.tsx';
import { TaskActions, useCancel } from '../tasks/TaskActions.tsx';
import { importFinished, importPercent } from '../../store/selectors.ts';

const STATUS_LABEL: Record<string, string> = {
  queued: 'Waiting', running: 'Importing', cancelling: 'Cancelling', done: 'Finished', failed: 'Failed', cancelled: 'Cancelled',
};

/** One import: a live progress bar, then a summary and a line for each file that was not imported. */
export function ImportProgress({ state }: { state: ImportState }) {
  const dismiss = useAppStore((s) => s.dismissImport);
  const cancelImport = useAppStore((s) => s.cancelImport);
  const { task, notices } = state;
  const percent = importPercent(state);
  const finished = importFinished(state);
  const failures = notices.filter((n) => n.status === 'failed');
  const remarks = notices.filter((n) => n.status !== 'failed');
  const canCancel = task.status === 'queued' || task.status === 'running';
  const cancel = useCancel(() => cancelImport(task.id));
  return (
    <Paper withBorder p="sm" aria-label={`Import of ${task.total} files`} role="region">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>
            {STATUS_LABEL[task.status]} · {task.processed} of {task.total} files
          </Text>
          <Group gap="xs">
            <Badge color="teal" variant="light">{task.imported} imported</Badge>
            {task.duplicates > 0 && <Badge color="gray" variant="light">{task.duplicates} duplicate{task.duplicates === 1 ? '' : 's'}</Badge>}
            {task.failed > 0 && <Badge color="red" variant="light">{task.failed} not imported</Badge>}
          </Group>
        </Group>
        <Progress
          value={percent}
          animated={!finished}
          aria-label="Import progress"
          aria-valuenow={percent}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuetext={`${percent}%`}
          color={task.failed > 0 ? 'orange' : 'teal'}
        />
        {state.transferError && !finished && (
          <Alert color="red" title="The files could not be sent" role="alert">
            {state.transferError} Files not sent yet will not arrive: cancel this import and add the files again
            (files already imported stay, and are not imported twice).
          </Alert>
        )}
        {failures.length > 0 && (
          <List aria-label="Files not imported" size="sm" spacing={4}>
            {failures.map((f) => (
              <List.Item key={f.seq}>
                <Text span fw={600}>{f.name}</Text> — <Text span c="red">{f.errorCode}</Text>: {f.message}
              </List.Item>
            ))}
          </List>
        )}
        {remarks.length > 0 && (
          <List aria-label="Imported with remarks" size="sm" spacing={4}>
            {remarks.map((f) => (
              <List.Item key={f.seq}>
                <Text span fw={600}>{f.name}</Text>: {f.message}
              </List.Item>
            ))}
          </List>
        )}
        <TaskActions what="import" canCancel={canCancel} finished={finished} cancel={cancel} onDismiss={() => dismiss(task.id)} />
      </Stack>
    </Paper>
  );
}
