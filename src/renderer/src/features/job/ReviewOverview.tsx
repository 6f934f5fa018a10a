import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { ReportFormat, ReviewState, StatusCounts } from '../../../../shared/contract/index.ts';
import { useApi, useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { className } from '../findings/colours.ts';

const STATE_LABEL: Record<ReviewState, string> = { 'not-analysed': 'not analysed', 'to-review': 'to review', reviewed: 'reviewed', failed: 'failed' };
const STATE_COLOUR: Record<ReviewState, string> = { 'not-analysed': 'gray', 'to-review': 'yellow', reviewed: 'teal', failed: 'red' };
const STATUSES = ['proposed', 'accepted', 'edited', 'rejected'] as const;

const total = (c: StatusCounts) => c.proposed + c.accepted + c.edited + c.rejected;

/** Where the job's review stands: progress, counts per class and status, each image's state; failed analyses can be retried. */
export function ReviewOverview({ jobId }: { jobId: string }) {
  const review = useAppStore((s) => s.reviews[jobId]);
  const error = useAppStore((s) => s.reviewsError[jobId]);
  const loadReview = useAppStore((s) => s.loadReview);
  const startDetect = useAppStore((s) => s.startDetect);
  const [retryError, setRetryError] = useState<string | null>(null);

  useEffect(() => {
    void loadReview(jobId);
  }, [jobId, loadReview]);

  if (error) return <Alert color="red" role="alert" title="The review overview could not be read">{error}</Alert>;
  if (!review) return <Loader size="sm" aria-label="Loading review overview" />;
  const { byStatus, byClass, byState } = review.totals;
  const all = total(byStatus);
  const decided = all - byStatus.proposed;
  const percent = all === 0 ? 0 : Math.round((100 * decided) / all);
  const retry = async (assetId: string, modelId: string | null) => {
    setRetryError(null);
    try {
      await startDetect(jobId, { assetIds: [assetId], ...(modelId ? { modelId } : {}) });
    } catch (e) {
      setRetryError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <Paper withBorder p="md" role="region" aria-label="Review">
      <Stack gap="sm">
        <Group justify="space-between">
          <Group gap="sm" align="baseline">
            <Title order={3}>Review</Title>
            {/* Every finding of the job in one list (virtual, read page by page): for jobs of thousands. */}
            <Anchor size="sm" href={routeHref({ screen: 'findings', jobId })}>List all {all.toLocaleString('en')} findings</Anchor>
          </Group>
          <ReportButtons jobId={jobId} />
        </Group>
        <Stack gap={4}>
          <Text size="sm">{decided} of {all} findings decided · {byState.reviewed ?? 0} of {review.assets.length} images reviewed</Text>
          <Progress value={percent} aria-label="Review progress" size="lg" color="teal" />
        </Stack>
        <Group gap="xs" aria-label="Images by review state" role="list">
          {(Object.keys(STATE_LABEL) as ReviewState[]).map((s) => (
            <Badge key={s} role="listitem" variant="light" color={STATE_COLOUR[s]}>{STATE_LABEL[s]}: {byState[s] ?? 0}</Badge>
          ))}
        </Group>
        {Object.keys(byClass).length > 0 && (
          <Table aria-label="Findings by class and status" striped verticalSpacing={4} style={{ fontVariantNumeric: 'tabular-nums' }}>
            <Table.Thead>
              <Table.Tr><Table.Th>Class</Table.Th>{STATUSES.map((s) => <Table.Th key={s} ta="right">{s}</Table.Th>)}<Table.Th ta="right">all</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {Object.entries(byClass).map(([cls, c]) => (
                <Table.Tr key={cls}>
                  <Table.Td>{className(cls)}</Table.Td>
                  {STATUSES.map((s) => <Table.Td key={s} ta="right">{c[s]}</Table.Td>)}
                  <Table.Td ta="right">{total(c)}</Table.Td>
                </Table.Tr>
              ))}
              <Table.Tr fw={600}>
                <Table.Td>All classes</Table.Td>
                {STATUSES.map((s) => <Table.Td key={s} ta="right">{byStatus[s]}</Table.Td>)}
                <Table.Td ta="right">{all}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        )}
        {retryError && <Alert color="red" role="alert">{retryError}</Alert>}
        <Table aria-label="Images in review" verticalSpacing={4} style={{ fontVariantNumeric: 'tabular-nums' }}>
          <Table.Thead>
            <Table.Tr><Table.Th>Image</Table.Th><Table.Th>State</Table.Th><Table.Th ta="right">To review</Table.Th><Table.Th ta="right">Decided</Table.Th><Table.Th /></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {review.assets.map((a) => (
              <Table.Tr key={a.assetId}>
                <Table.Td><Anchor size="sm" href={routeHref({ screen: 'viewer', jobId, assetId: a.assetId })}>{a.name}</Anchor></Table.Td>
                <Table.Td>
                  <Badge variant={a.state === 'reviewed' ? 'filled' : 'light'} color={STATE_COLOUR[a.state]}>{STATE_LABEL[a.state]}</Badge>
                  {a.error && <Text size="xs" c="red">{a.error.code}: {a.error.message}</Text>}
                </Table.Td>
                <Table.Td ta="right">{a.counts.proposed}</Table.Td>
                <Table.Td ta="right">{total(a.counts) - a.counts.proposed}</Table.Td>
                <Table.Td ta="right">
                  {a.state === 'failed' && (
                    <Button size="compact-xs" variant="light" aria-label={`Retry ${a.name}`} onClick={() => void retry(a.assetId, a.modelId)}>Retry</Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}

const FORMATS: Array<[ReportFormat, string]> = [['pdf', 'PDF'], ['json', 'JSON'], ['csv', 'CSV']];

/**
 * The inspection report, downloaded through the same resource mechanism as
 * images (`job.report`: the bearer header over HTTP, chitti://res in Electron).
 */
export function ReportButtons({ jobId }: { jobId: string }) {
  const api = useApi();
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: ReportFormat) => {
    setBusy(format);
    setError(null);
    try {
      const { url, headers } = api.resourceRequest('job.report', { jobId, format });
      const res = await fetch(url, { headers, credentials: 'omit' });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? `The report could not be made (HTTP ${res.status}).`);
      }
      const href = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = href;
      a.download = `chitti-report-${jobId}.${format}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Stack gap={4} align="flex-end">
      <Group gap={6} role="group" aria-label="Download the report">
        <Text size="sm" c="dimmed">Report:</Text>
        {FORMATS.map(([f, label]) => (
          <Button key={f} size="compact-sm" variant="default" loading={busy === f} onClick={() => void download(f)} aria-label={`Download report (${label})`}>
            {label}
          </Button>
        ))}
      </Group>
      {error && <Text size="xs" c="red" role="alert">{error}</Text>}
    </Stack>
  );
}
