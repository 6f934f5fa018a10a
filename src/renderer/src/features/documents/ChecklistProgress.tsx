import { Alert, Badge, Group, List, Paper, Progress, Stack, Text } from '@mantine/core';
import type { ChecklistRun } from '../../store/documents-slice.ts';
import { useAppStore } from '../../store/context.tsx';
import { taskFinished, taskPercent } from '../../store/selectors.ts';
import { TaskActions, useCancel } from '../tasks/TaskActions.tsx';

const STATUS_LABEL: Record<string, string> = {
  queued: 'Waiting', running: 'Reviewing', cancelling: 'Cancelling', done: 'Finished', failed: 'Stopped', cancelled: 'Cancelled',
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** One checklist review run: live progress over the documents, then a summary and a line for each document that could not be reviewed. */
export function ChecklistProgress({ run }: { run: ChecklistRun }) {
  const dismiss = useAppStore((s) => s.dismissChecklistReview);
  const cancelRun = useAppStore((s) => s.cancelChecklistReview);
  const { task, failures } = run;
  const percent = taskPercent(task);
  const finished = taskFinished(task);
  const cancel = useCancel(() => cancelRun(task.id));
  const reviewed = task.processed - task.failed;
  return (
    <Paper withBorder p="sm" role="region" aria-label={`Checklist review of ${plural(task.total, 'document')}`}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{STATUS_LABEL[task.status]} · {task.processed} of {plural(task.total, 'document')}</Text>
          <Group gap="xs">
            <Badge color="teal" variant="light">{reviewed} reviewed</Badge>
            {task.failed > 0 && <Badge color="red" variant="light">{task.failed} failed</Badge>}
          </Group>
        </Group>
        <Progress
          value={percent}
          animated={!finished}
          aria-label="Checklist review progress"
          aria-valuenow={percent}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuetext={`${percent}%`}
          color={task.failed > 0 || task.status === 'failed' ? 'orange' : 'teal'}
        />
        {task.status === 'failed' && (
          <Alert color="red" title="Checklist review stopped" role="alert">
            {task.errorCode ? `${task.errorCode}: ` : ''}{task.error ?? 'The review could not run.'} Documents already reviewed keep their reviews.
          </Alert>
        )}
        {failures.length > 0 && (
          <List aria-label="Documents not reviewed" size="sm" spacing={4}>
            {failures.map((f) => (
              <List.Item key={f.seq}>
                <Text span fw={600}>{f.name}</Text> — <Text span c="red">{f.errorCode}</Text>: {f.message}
              </List.Item>
            ))}
          </List>
        )}
        <TaskActions what="checklist review" canCancel={task.status === 'queued' || task.status === 'running'} finished={finished} cancel={cancel} onDismiss={() => dismiss(task.id)} />
      </Stack>
    </Paper>
  );
}
