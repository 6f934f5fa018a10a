import { Alert, Badge, Group, List, Paper, Progress, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { DetectState } from '../../store/app-store.ts';
import { useAppStore } from '../../store/context.tsx';
import { TaskActions, useCancel } from '../tasks/TaskActions.tsx';
import { findingsOfTask, selectAnalyses, taskFinished, taskPercent } from '../../store/selectors.ts';

const STATUS_LABEL: Record<string, string> = {
  queued: 'Waiting', running: 'Detecting', cancelling: 'Cancelling', done: 'Finished', failed: 'Stopped', cancelled: 'Cancelled',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One detection run: a live progress bar, then a summary and a line for each image that could not be analysed. */
export function DetectProgress({ state }: { state: DetectState }) {
  const dismiss = useAppStore((s) => s.dismissDetect);
  const cancelDetect = useAppStore((s) => s.cancelDetect);
  const analyses = useAppStore(selectAnalyses(state.jobId));
  const { task, failures } = state;
  const percent = taskPercent(task);
  const finished = taskFinished(task);
  const found = useMemo(() => findingsOfTask(analyses, task.id), [analyses, task.id]);
  const canCancel = task.status === 'queued' || task.status === 'running';
  const cancel = useCancel(() => cancelDetect(task.id));
  return (
    <Paper withBorder p="sm" aria-label={`Detection on ${plural(task.total, 'image')}`} role="region">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>
            {STATUS_LABEL[task.status]} · {task.processed} of {plural(task.total, 'image')}
          </Text>
          <Group gap="xs">
            <Badge color="teal" variant="light">{task.analysed} analysed</Badge>
            {task.failed > 0 && <Badge color="red" variant="light">{task.failed} failed</Badge>}
            {found.analyses > 0 && <Badge color="orange" variant="light">{plural(found.findings, 'finding')}</Badge>}
          </Group>
        </Group>
        <Progress
          value={percent}
          animated={!finished}
          aria-label="Detection progress"
          aria-valuenow={percent}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuetext={`${percent}%`}
          color={task.failed > 0 || task.status === 'failed' ? 'orange' : 'teal'}
        />
        {task.status === 'failed' && (
          <Alert color="red" title="Detection stopped" role="alert">
            {task.errorCode ? `${task.errorCode}: ` : ''}{task.error ?? 'The model could not run.'} Images already analysed keep their findings.
          </Alert>
        )}
        {failures.length > 0 && (
          <List aria-label="Images not analysed" size="sm" spacing={4}>
            {failures.map((f) => (
              <List.Item key={f.seq}>
                <Text span fw={600}>{f.name}</Text> — <Text span c="red">{f.errorCode}</Text>: {f.message}
              </List.Item>
            ))}
          </List>
        )}
        <TaskActions what="detection" canCancel={canCancel} finished={finished} cancel={cancel} onDismiss={() => dismiss(task.id)} />
      </Stack>
    </Paper>
  );
}
