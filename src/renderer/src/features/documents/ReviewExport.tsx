import { Button, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../store/context.tsx';
import { downloadResource } from './download.ts';

const FORMATS = [['pdf', 'PDF'], ['json', 'JSON']] as const;
type Format = (typeof FORMATS)[number][0];

/** The review as a report (`review.report`): the PDF to sign and send, or its data as JSON. Each export is audited by the core. */
export function ReviewExport({ reviewId }: { reviewId: string }) {
  const api = useApi();
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: Format) => {
    setBusy(format);
    setError(null);
    try {
      await downloadResource(api, 'review.report', { reviewId, format }, `chitti-review-${reviewId}.${format}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Stack gap={2} align="flex-end">
      <Group gap={6} role="group" aria-label="Export the review">
        <Text size="sm" c="dimmed">Export:</Text>
        {FORMATS.map(([f, label]) => (
          <Button key={f} size="compact-sm" variant="default" loading={busy === f} onClick={() => void download(f)} aria-label={`Export review (${label})`}>
            {label}
          </Button>
        ))}
      </Group>
      {error && <Text size="xs" c="red" role="alert">{error}</Text>}
    </Stack>
  );
}
