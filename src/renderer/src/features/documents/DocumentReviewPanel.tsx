import { Alert, Button, Checkbox, Group, List, Loader, NativeSelect, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Asset, ChecklistSummary } from '../../../../shared/contract/index.ts';
import { useAppStore } from '../../store/context.tsx';
import type { AppState } from '../../store/app-store.ts';
import { ChecklistProgress } from './ChecklistProgress.tsx';
import { DocumentReviewsTable } from './DocumentReviewsTable.tsx';

/** Checklist runs of one job, newest first. Returns a new array: use with `useShallow`. */
const selectRunsOfJob = (jobId: string) => (s: AppState) => Object.values(s.checklistRuns).filter((r) => r.jobId === jobId).reverse();

const frameworkOptions = (frameworks: ChecklistSummary[]) =>
  (['builtin', 'user'] as const)
    .map((origin) => ({
      group: origin === 'builtin' ? 'Built in' : 'Yours',
      items: frameworks.filter((f) => f.origin === origin).map((f) => ({ value: f.id, label: `${f.title} (${f.itemCount} items, ${f.version})` })),
    }))
    .filter((g) => g.items.length > 0);

/**
 * The job's documents reviewed against a checklist framework: pick the
 * framework and the documents, start (in the background, with live
 * progress), and open any review done so far.
 */
export function DocumentReviewPanel({ jobId, documents }: { jobId: string; documents: Asset[] }) {
  const checklists = useAppStore((s) => s.checklists);
  const checklistsError = useAppStore((s) => s.checklistsError);
  const loadChecklists = useAppStore((s) => s.loadChecklists);
  const reviews = useAppStore((s) => s.documentReviews[jobId]);
  const reviewsError = useAppStore((s) => s.documentReviewsError[jobId]);
  const loadReviews = useAppStore((s) => s.loadDocumentReviews);
  const start = useAppStore((s) => s.startChecklistReview);
  const follow = useAppStore((s) => s.followActiveChecklistReviews);
  const runs = useAppStore(useShallow(selectRunsOfJob(jobId)));
  const [picked, setPicked] = useState<string | null>(null);
  const [embeddings, setEmbeddings] = useState(true);
  /** Documents left out of the next review (all are in unless unticked). */
  const [left, setLeft] = useState<ReadonlySet<string>>(new Set());
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (checklists === null) void loadChecklists();
  }, [checklists, loadChecklists]);
  useEffect(() => {
    void loadReviews(jobId);
    // A review started before a reload (or from the command line) shows its progress here too.
    follow(jobId).catch((e: unknown) => console.warn('Chitti: could not look for running checklist reviews', e));
  }, [jobId, loadReviews, follow]);

  const frameworks = useMemo(() => checklists?.frameworks ?? [], [checklists]);
  const framework = frameworks.find((f) => f.id === picked) ?? frameworks[0];
  const chosen = documents.filter((d) => !left.has(d.id));

  const run = async () => {
    if (!framework || chosen.length === 0) return;
    setStarting(true);
    setError(null);
    try {
      await start(jobId, { checklistId: framework.id, embeddings, ...(chosen.length < documents.length ? { assetIds: chosen.map((d) => d.id) } : {}) });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
    }
  };
  const toggle = (id: string, on: boolean) => setLeft((l) => {
    const n = new Set(l);
    if (on) n.delete(id);
    else n.add(id);
    return n;
  });

  return (
    <Paper withBorder p="md" role="region" aria-label="Document review">
      <Stack gap="sm">
        <Title order={3}>Documents against a checklist</Title>
        {documents.length === 0 ? (
          <Text size="sm" c="dimmed">No documents in this job yet: import inspection reports (PDF, DOCX, TXT, scans) to review them against a checklist.</Text>
        ) : (
          <Stack gap="xs" role="group" aria-label="Review against a checklist">
            <ScrollArea.Autosize mah={160}>
              <Stack gap={4} role="group" aria-label="Documents to review">
                {documents.map((d) => (
                  <Checkbox key={d.id} size="xs" label={d.originalName} checked={!left.has(d.id)} onChange={(e) => toggle(d.id, e.currentTarget.checked)} />
                ))}
              </Stack>
            </ScrollArea.Autosize>
            <Group align="flex-end" gap="sm" wrap="wrap">
              <NativeSelect
                label="Checklist framework"
                data={frameworkOptions(frameworks)}
                value={framework?.id ?? ''}
                onChange={(e) => setPicked(e.currentTarget.value)}
                disabled={!checklists || frameworks.length === 0}
                miw={360}
              />
              <Checkbox
                label="Semantic search (embedding model)"
                checked={embeddings}
                onChange={(e) => setEmbeddings(e.currentTarget.checked)}
                mb={8}
              />
              <Button onClick={() => void run()} loading={starting} disabled={!framework || chosen.length === 0}>
                Review against a checklist
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              {`Reviews ${chosen.length === documents.length ? `the ${documents.length === 1 ? 'document' : `${documents.length} documents`}` : `${chosen.length} of ${documents.length} documents`} in the background. `}
              Rules run always; semantic search finds requirements worded differently (off: keyword search only, faster). Each item is a proposal for you to decide.
            </Text>
          </Stack>
        )}
        {!checklists && !checklistsError && <Loader size="sm" aria-label="Loading checklist frameworks" />}
        {checklists && frameworks.length === 0 && <Text size="sm" c="dimmed">No checklist framework is installed.</Text>}
        {checklistsError && <Alert color="red" role="alert" title="Checklist frameworks could not be listed">{checklistsError}</Alert>}
        {checklists && checklists.problems.length > 0 && (
          <Alert color="orange" title="Checklist files not loaded" role="status">
            <List size="sm">{checklists.problems.map((p) => <List.Item key={p.file}><Text span fw={600}>{p.file}</Text>: {p.message}</List.Item>)}</List>
          </Alert>
        )}
        {error && <Alert color="red" role="alert" title="The checklist review could not start">{error}</Alert>}
        {runs.map((r) => <ChecklistProgress key={r.task.id} run={r} />)}
        {reviewsError && <Alert color="red" role="alert" title="Document reviews could not be read">{reviewsError}</Alert>}
        {reviews && reviews.length > 0 && <DocumentReviewsTable jobId={jobId} reviews={reviews} />}
      </Stack>
    </Paper>
  );
}
