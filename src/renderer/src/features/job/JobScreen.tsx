import { Alert, Anchor, Breadcrumbs, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Job } from '../../../../shared/contract/index.ts';
import { useApi, useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { selectAssets } from '../../store/selectors.ts';
import { AssetGrid } from '../assets/AssetGrid.tsx';
import { DetectPanel } from '../detect/DetectPanel.tsx';
import { DocumentReviewPanel } from '../documents/DocumentReviewPanel.tsx';
import { ImportPanel } from '../importing/ImportPanel.tsx';
import { ReviewOverview } from './ReviewOverview.tsx';

function JobHeader({ job }: { job: Job }) {
  const facts = [
    ['Client', job.client], ['Site', job.site], ['Component', job.component], ['Procedure', job.procedure], ['Inspector', job.inspector],
    ['Dates', job.startDate || job.endDate ? `${job.startDate ?? '?'} – ${job.endDate ?? '?'}` : ''],
  ].filter(([, v]) => v);
  return (
    <Stack gap={4}>
      <Title order={2}>{job.name}</Title>
      <Group gap="lg">
        {facts.map(([k, v]) => (
          <Text key={k} size="sm"><Text span c="dimmed">{k}: </Text>{v}</Text>
        ))}
      </Group>
    </Stack>
  );
}

/** One job: its details, the import area and the grid of its files. */
export function JobScreen({ jobId }: { jobId: string }) {
  const api = useApi();
  const assets = useAppStore(selectAssets(jobId));
  const assetsError = useAppStore((s) => s.assetsError[jobId]);
  const loadAssets = useAppStore((s) => s.loadAssets);
  const loadAnalyses = useAppStore((s) => s.loadAnalyses);
  const followActiveDetections = useAppStore((s) => s.followActiveDetections);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.invoke('jobs.get', { jobId }).then((j) => live && setJob(j), (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    void loadAssets(jobId);
    void loadAnalyses(jobId);
    // A detection started before a reload (or from the command line) shows its progress here too.
    followActiveDetections(jobId).catch((e: unknown) => console.warn('Chitti: could not look for running detections', e));
    return () => {
      live = false;
    };
  }, [api, jobId, loadAssets, loadAnalyses, followActiveDetections]);

  if (error) return <Alert color="red" role="alert" title="This job could not be opened">{error}</Alert>;
  if (!job) return <Loader aria-label="Loading job" />;
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor href={routeHref({ screen: 'jobs' })}>Jobs</Anchor>
        <Text>{job.name}</Text>
      </Breadcrumbs>
      <JobHeader job={job} />
      <ImportPanel jobId={jobId} />
      <DetectPanel jobId={jobId} imageCount={assets?.filter((a) => a.kind === 'image').length ?? 0} />
      <ReviewOverview jobId={jobId} />
      <DocumentReviewPanel jobId={jobId} documents={assets?.filter((a) => a.kind === 'document') ?? []} />
      <Title order={3}>Files{assets ? ` (${assets.length})` : ''}</Title>
      {assetsError && <Alert color="red" role="alert">{assetsError}</Alert>}
      {assets === undefined && !assetsError && <Loader aria-label="Loading files" />}
      {assets?.length === 0 && <Text c="dimmed">No files yet: drop some above.</Text>}
      {assets && assets.length > 0 && <AssetGrid jobId={jobId} assets={assets} />}
    </Stack>
  );
}
