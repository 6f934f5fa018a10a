import { Badge } from '@mantine/core';
import type { ChecklistRun } from '../../store/documents-slice.ts';
import { useAppStore } from '../../store/context.tsx';
import { TaskProgress } from '../tasks/TaskProgress.tsx';

const STATUS_LABEL: Record<string, string> = {
  queued: 'Waiting', running: 'Reviewing', cancelling: 'Cancelling', done: 'Finished', failed: 'Stopped', cancelled: 'Cancelled',
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** One checklist review run: live progress over the documents, then a summary and a line for each document that could not be reviewed. */
export function ChecklistProgress({ run }: { run: ChecklistRun }) {
  const dismiss = useAppStore((s) => s.dismissChecklistReview);
  const cancelRun = useAppStore((s) => s.cancelChecklistReview);
  const { task, failures } = run;
  const reviewed = task.processed - task.failed;
  return (
    <TaskProgress
      task={task}
      label={`Checklist review of ${plural(task.total, 'document')}`}
      summary={`${STATUS_LABEL[task.status]} · ${task.processed} of ${plural(task.total, 'document')}`}
      badges={(
        <>
          <Badge color="teal" variant="light">{reviewed} reviewed</Badge>
          {task.failed > 0 && <Badge color="red" variant="light">{task.failed} failed</Badge>}
        </>
      )}
      progressLabel="Checklist review progress"
      stopped={{ title: 'Checklist review stopped', fallback: 'The review could not run.', kept: 'Documents already reviewed keep their reviews.' }}
      failures={failures}
      failuresLabel="Documents not reviewed"
      what="checklist review"
      onCancel={() => cancelRun(task.id)}
      onDismiss={() => dismiss(task.id)}
    />
  );
}
