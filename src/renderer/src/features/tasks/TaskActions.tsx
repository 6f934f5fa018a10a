import { Alert, Button, Group } from '@mantine/core';
import { useState } from 'react';

/** Cancel with its own pending and error state (the task's own status says when it really stopped). */
export function useCancel(cancelTask: () => Promise<void>) {
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const cancel = async () => {
    setCancelling(true);
    setCancelError(null);
    try {
      await cancelTask();
    } catch (e) {
      setCancelError(e instanceof Error ? e.message : String(e));
    } finally {
      setCancelling(false);
    }
  };
  return { cancelling, cancelError, cancel };
}

/** What a background task's panel offers: cancel while it runs, dismiss once it ended; and why a cancel failed. */
export function TaskActions(props: {
  what: string;
  canCancel: boolean;
  finished: boolean;
  cancel: ReturnType<typeof useCancel>;
  onDismiss: () => void;
}) {
  const { cancelling, cancelError, cancel } = props.cancel;
  return (
    <>
      {cancelError && (
        <Alert color="red" title={`The ${props.what} could not be cancelled`} role="alert">
          {cancelError}
        </Alert>
      )}
      {props.canCancel && (
        <Group justify="flex-end">
          <Button variant="light" color="red" size="xs" loading={cancelling} onClick={() => void cancel()}>
            Cancel {props.what}
          </Button>
        </Group>
      )}
      {props.finished && (
        <Group justify="flex-end">
          <Button variant="subtle" size="xs" onClick={props.onDismiss}>
            Dismiss
          </Button>
        </Group>
      )}
    </>
  );
}
