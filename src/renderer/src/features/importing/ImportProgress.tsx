import { Alert, Badge, List, Text } from '@mantine/core';
import type { ImportState } from '../../store/app-store.ts';
import { useAppStore } from '../../store/context.tsx';
import { importFinished } from '../../store/selectors.ts';
import { TaskProgress } from '../tasks/TaskProgress.tsx';

const STATUS_LABEL: Record<string, string> = {
  queued: 'Waiting', running: 'Importing', cancelling: 'Cancelling', done: 'Finished', failed: 'Failed', cancelled: 'Cancelled',
};

/** One import: a live progress bar, then a summary and a line for each file that was not imported. */
export function ImportProgress({ state }: { state: ImportState }) {
  const dismiss = useAppStore((s) => s.dismissImport);
  const cancelImport = useAppStore((s) => s.cancelImport);
  const { task, notices } = state;
  const finished = importFinished(state);
  const failures = notices.filter((n) => n.status === 'failed');
  const remarks = notices.filter((n) => n.status !== 'failed');
  return (
    <TaskProgress
      task={task}
      label={`Import of ${task.total} files`}
      summary={`${STATUS_LABEL[task.status]} · ${task.processed} of ${task.total} files`}
      badges={(
        <>
          <Badge color="teal" variant="light">{task.imported} imported</Badge>
          {task.duplicates > 0 && <Badge color="gray" variant="light">{task.duplicates} duplicate{task.duplicates === 1 ? '' : 's'}</Badge>}
          {task.failed > 0 && <Badge color="red" variant="light">{task.failed} not imported</Badge>}
        </>
      )}
      progressLabel="Import progress"
      alert={state.transferError && !finished && (
        <Alert color="red" title="The files could not be sent" role="alert">
          {state.transferError} Files not sent yet will not arrive: cancel this import and add the files again
          (files already imported stay, and are not imported twice).
        </Alert>
      )}
      failures={failures}
      failuresLabel="Files not imported"
      what="import"
      onCancel={() => cancelImport(task.id)}
      onDismiss={() => dismiss(task.id)}
    >
      {remarks.length > 0 && (
        <List aria-label="Imported with remarks" size="sm" spacing={4}>
          {remarks.map((f) => (
            <List.Item key={f.seq}>
              <Text span fw={600}>{f.name}</Text>: {f.message}
            </List.Item>
          ))}
        </List>
      )}
    </TaskProgress>
  );
}
