import { Alert, Group, List, Paper, Progress, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Task, TaskItem } from '../../../../shared/contract/index.ts';
import { taskFinished, taskPercent } from '../../store/selectors.ts';
import { TaskActions, useCancel } from './TaskActions.tsx';

/**
 * The panel of one background task over many items (an import, a detection,
 * a checklist review): a status line with count badges, a live progress bar,
 * why it stopped, a line for each item that failed, then cancel or dismiss.
 * One component so the three read, and are found by assistive tech, alike.
 */
export function TaskProgress({ task, label, summary, badges, progressLabel, stopped, alert, failures, failuresLabel, children, what, onCancel, onDismiss }: {
  task: Task;
  /** Accessible name of the region ("Detection on 3 images"). */
  label: string;
  /** The status line ("Detecting · 1 of 3 images"). */
  summary: string;
  badges: ReactNode;
  /** Accessible name of the progress bar. */
  progressLabel: string;
  /**
   * For tasks that can stop as a whole: the alert shown when the task failed,
   * whose message is the task's error or `fallback`, followed by `kept`. Such a
   * stop also turns the bar orange, as failed items do.
   */
  stopped?: { title: string; fallback: string; kept: string };
  /** Shown under the bar, before the failures (an import's transfer error). */
  alert?: ReactNode;
  failures: TaskItem[];
  failuresLabel: string;
  /** Shown after the failures (an import's remarks). */
  children?: ReactNode;
  /** The task in words, for the Cancel button and its error ("detection"). */
  what: string;
  onCancel: () => Promise<void>;
  onDismiss: () => void;
}) {
  const percent = taskPercent(task);
  const finished = taskFinished(task);
  const cancel = useCancel(onCancel);
  const halted = stopped !== undefined && task.status === 'failed';
  return (
    <Paper withBorder p="sm" role="region" aria-label={label}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{summary}</Text>
          <Group gap="xs">{badges}</Group>
        </Group>
        <Progress
          value={percent}
          animated={!finished}
          aria-label={progressLabel}
          aria-valuenow={percent}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuetext={`${percent}%`}
          color={task.failed > 0 || halted ? 'orange' : 'teal'}
        />
        {halted && (
          <Alert color="red" title={stopped.title} role="alert">
            {task.errorCode ? `${task.errorCode}: ` : ''}{task.error ?? stopped.fallback} {stopped.kept}
          </Alert>
        )}
        {alert}
        {failures.length > 0 && (
          <List aria-label={failuresLabel} size="sm" spacing={4}>
            {failures.map((f) => (
              <List.Item key={f.seq}>
                <Text span fw={600}>{f.name}</Text> — <Text span c="red">{f.errorCode}</Text>: {f.message}
              </List.Item>
            ))}
          </List>
        )}
        {children}
        <TaskActions what={what} canCancel={task.status === 'queued' || task.status === 'running'} finished={finished} cancel={cancel} onDismiss={onDismiss} />
      </Stack>
    </Paper>
  );
}
