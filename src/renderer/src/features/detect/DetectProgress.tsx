import { Badge } from '@mantine/core';
import { useMemo } from 'react';
import type { DetectState } from '../../store/app-store.ts';
import { useAppStore } from '../../store/context.tsx';
import { findingsOfTask, selectAnalyses } from '../../store/selectors.ts';
import { TaskProgress } from '../tasks/TaskProgress.tsx';

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
  const found = useMemo(() => findingsOfTask(analyses, task.id), [analyses, task.id]);
  return (
    <TaskProgress
      task={task}
      label={`Detection on ${plural(task.total, 'image')}`}
      summary={`${STATUS_LABEL[task.status]} · ${task.processed} of ${plural(task.total, 'image')}`}
      badges={(
        <>
          <Badge color="teal" variant="light">{task.analysed} analysed</Badge>
          {task.failed > 0 && <Badge color="red" variant="light">{task.failed} failed</Badge>}
          {found.analyses > 0 && <Badge color="orange" variant="light">{plural(found.findings, 'finding')}</Badge>}
        </>
      )}
      progressLabel="Detection progress"
      stopped={{ title: 'Detection stopped', fallback: 'The model could not run.', kept: 'Images already analysed keep their findings.' }}
      failures={failures}
      failuresLabel="Images not analysed"
      what="detection"
      onCancel={() => cancelDetect(task.id)}
      onDismiss={() => dismiss(task.id)}
    />
  );
}
