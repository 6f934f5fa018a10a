import { Alert, Anchor, Badge, Box, Breadcrumbs, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useEffect, useMemo, useRef, useState, type SetStateAction } from 'react';
import type { Finding, Job } from '../../../../shared/contract/index.ts';
import type { ApiClient } from '../../api/client.ts';
import { useApi, useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { selectAssets } from '../../store/selectors.ts';
import { className, scoreLabel } from '../findings/colours.ts';
import { BulkDialog, type BulkRequest } from '../review/BulkDialog.tsx';
import { FindingFilters } from '../review/FindingFilters.tsx';
import { RejectDialog } from '../review/RejectDialog.tsx';
import { isFiltered, NO_FILTER, type FindingFilter } from '../review/review.ts';
import { FindingGrid } from './FindingGrid.tsx';
import { listQuery, useFindingPages, type ListSort } from './use-finding-pages.ts';

/** Where the reviewer left each job's list (filter, order, row): back from the viewer, it is as it was. */
interface ListView {
  filter: Omit<FindingFilter, 'sort'>;
  sort: ListSort;
  active: number;
}
/** Views by job, per window (one ApiClient each): view state, never stored, gone when the window closes. */
const views = new WeakMap<ApiClient, Map<string, ListView>>();
const viewsOf = (api: ApiClient) => {
  let jobs = views.get(api);
  if (!jobs) views.set(api, (jobs = new Map<string, ListView>()));
  return jobs;
};
const NO_VIEW: ListView = { filter: NO_FILTER, sort: 'score-desc', active: 0 };

const go = (href: string) => {
  window.location.hash = href;
};
const plural = (n: number) => `${n.toLocaleString('en')} finding${n === 1 ? '' : 's'}`;

/**
 * Every current finding of a job in one list, however many (100,000 and
 * more): filtered and ordered by the core (`findings.query`), read a page at
 * a time as the list scrolls, with only the rows on screen in the page. A
 * finding opens in the viewer, selected; `a` and `r` decide it here.
 */
export function FindingListScreen({ jobId }: { jobId: string }) {
  const api = useApi();
  const [view, setView] = useState<ListView>(() => viewsOf(api).get(jobId) ?? NO_VIEW);
  const { filter, sort, active } = view;
  useEffect(() => {
    viewsOf(api).set(jobId, view);
  }, [api, jobId, view]);

  const query = useMemo(() => listQuery(filter, sort), [filter, sort]);
  const queryKey = JSON.stringify(query);
  const { pages, total, error: pagesError, reset } = useFindingPages(api, jobId, query);

  const [job, setJob] = useState<Job | null>(null);
  const [jobError, setJobError] = useState<string | null>(null);
  const assets = useAppStore(selectAssets(jobId));
  const loadAssets = useAppStore((s) => s.loadAssets);
  const review = useAppStore((s) => s.reviews[jobId]);
  const loadReview = useAppStore((s) => s.loadReview);
  const models = useAppStore((s) => s.models);
  const loadModels = useAppStore((s) => s.loadModels);
  const decide = useAppStore((s) => s.decide);
  const notice = useAppStore((s) => s.reviewNotice);
  const dismissNotice = useAppStore((s) => s.dismissReviewNotice);

  useEffect(() => {
    let live = true;
    api.invoke('jobs.get', { jobId }).then((j) => live && setJob(j), (e: unknown) => live && setJobError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [api, jobId]);
  // Image names, the classes in the job and their colours: read once, after the first rows (the
  // core answers one call at a time, and the review of a 100,000-finding job takes a while).
  const firstRows = total !== null;
  useEffect(() => {
    if (firstRows && !assets) void loadAssets(jobId);
  }, [firstRows, assets, jobId, loadAssets]);
  useEffect(() => {
    if (firstRows && !review) void loadReview(jobId);
  }, [firstRows, review, jobId, loadReview]);
  useEffect(() => {
    if (models === null) void loadModels();
  }, [models, loadModels]);

  const names = useMemo(() => new Map((assets ?? []).map((a) => [a.id, a.originalName])), [assets]);
  const imageName = (assetId: string) => names.get(assetId) ?? '…';
  // The classes found in the job, for the filter; colours by the class list of the model that found them.
  const present = useMemo(() => Object.keys(review?.totals.byClass ?? {}), [review]);
  const classes = useMemo(() => {
    const modelId = review?.assets.find((a) => a.modelId !== null)?.modelId;
    return models?.models.find((m) => m.id === modelId)?.classes ?? present;
  }, [review, models, present]);

  const [checked, setChecked] = useState<ReadonlyMap<string, Finding>>(new Map());
  const [rejecting, setRejecting] = useState<{ finding: Finding; index: number } | null>(null);
  const [bulk, setBulk] = useState<BulkRequest | null>(null);
  const [bulkDone, setBulkDone] = useState<string | null>(null);
  const busy = useRef(false);
  const grid = useRef<HTMLDivElement>(null);
  const modalOpen = rejecting !== null || bulk !== null;

  // The keys work at once: the list has the focus when the screen opens.
  useEffect(() => {
    grid.current?.focus();
  }, []);

  const setActive = (index: number) => setView((v) => ({ ...v, active: index }));
  // FindingFilters keeps its order in the filter; the list has a third one (by image).
  const shownFilter: FindingFilter = { ...filter, sort: sort === 'score-asc' ? 'score-asc' : 'score-desc' };
  const onFilter = (next: SetStateAction<FindingFilter>) => setView((v) => {
    const before: FindingFilter = { ...v.filter, sort: v.sort === 'score-asc' ? 'score-asc' : 'score-desc' };
    const { sort: nextSort, ...rest } = typeof next === 'function' ? next(before) : next;
    return { filter: rest, sort: nextSort === before.sort ? v.sort : nextSort, active: 0 };
  });
  const onSort = (next: ListSort) => setView((v) => ({ ...v, sort: next, active: 0 }));

  const decideOn = async (f: Finding, action: 'accept' | 'reject', index: number, reason?: string) => {
    if (busy.current) return;
    busy.current = true;
    try {
      const now = await decide(f, action, reason !== undefined ? { reason } : {});
      if (now) {
        pages.replace(now);
        // On to the next one, as a reviewer goes down the list.
        setView((v) => (v.active === index ? { ...v, active: Math.min(index + 1, (pages.total ?? 1) - 1) } : v));
      } else {
        pages.reload(index); // changed meanwhile: the notice says so, the row is read again
      }
    } finally {
      busy.current = false;
    }
  };

  const toggle = (f: Finding) => setChecked((c) => {
    const n = new Map(c);
    if (n.has(f.id)) n.delete(f.id);
    else n.set(f.id, f);
    return n;
  });

  useHotkeys([['Escape', () => !modalOpen && go(routeHref({ screen: 'job', jobId }))]]);

  if (jobError) return <Alert color="red" role="alert" title="This job could not be opened">{jobError}</Alert>;
  const filtered = isFiltered(shownFilter);
  return (
    <Stack h="calc(100vh - 100px)" gap="xs">
      <Breadcrumbs>
        <Anchor href={routeHref({ screen: 'jobs' })}>Jobs</Anchor>
        <Anchor href={routeHref({ screen: 'job', jobId })}>{job?.name ?? 'Job'}</Anchor>
        <Text>Findings</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-end" wrap="nowrap" gap="lg">
        <Group gap="sm" align="baseline">
          <Title order={2}>Findings</Title>
          <Text role="status" aria-live="polite" size="sm" c="dimmed" data-testid="finding-total">
            {total === null ? 'Counting…' : filtered ? `${plural(total)} match` : plural(total)}
          </Text>
          {checked.size > 0 && <Badge variant="light">{checked.size} ticked</Badge>}
        </Group>
        <Group gap={6}>
          <Button size="compact-sm" variant="default" onClick={() => setBulk({ kind: 'threshold', action: 'accept', class: filter.class })}>By threshold…</Button>
          <Button
            size="compact-sm" variant="default" disabled={checked.size === 0}
            onClick={() => setBulk({ kind: 'selection', action: 'accept', findings: [...checked.values()] })}
          >
            {`Decide ticked (${checked.size})`}
          </Button>
        </Group>
      </Group>
      <Box maw={620}>
        <FindingFilters value={shownFilter} onChange={onFilter} classes={present} />
      </Box>
      {bulkDone && <Text size="sm" role="status">{bulkDone}</Text>}
      {notice && (
        <Alert color={notice.kind === 'conflict' ? 'orange' : 'red'} role="alert" title={notice.kind === 'conflict' ? 'Changed meanwhile' : 'Not done'} withCloseButton onClose={dismissNotice} p="xs">
          {notice.message}
        </Alert>
      )}
      {pagesError && (
        <Alert color="red" role="alert" title="The findings could not be read" p="xs">
          <Group gap="sm">{pagesError}<Button size="compact-xs" variant="light" onClick={() => pages.retry()}>Try again</Button></Group>
        </Alert>
      )}
      {total === null && !pagesError && <Loader size="sm" aria-label="Loading findings" />}
      {total === 0 && (
        <Text c="dimmed" size="sm">
          {filtered ? 'No finding matches the filters.' : 'No findings yet: run Detect defects on the job to have findings proposed.'}
        </Text>
      )}
      <FindingGrid
        ref={grid}
        pages={pages}
        total={total ?? 0}
        busy={total === null}
        scrollKey={queryKey}
        sort={sort}
        onSort={onSort}
        active={total === null ? active : Math.max(0, Math.min(active, total - 1))}
        onActiveChange={setActive}
        imageName={imageName}
        classes={classes}
        checked={checked}
        onToggle={toggle}
        onOpen={(f) => go(routeHref({ screen: 'viewer', jobId, assetId: f.assetId, findingId: f.id }))}
        onDecide={(f, action, index) => (action === 'accept' ? void decideOn(f, 'accept', index) : setRejecting({ finding: f, index }))}
      />
      <Text size="xs" c="dimmed">
        ↑ ↓ PgUp PgDn Home End move · Enter opens the image · A accepts · R rejects · Space ticks · Esc back to the job
      </Text>
      <RejectDialog
        opened={rejecting !== null}
        label={rejecting ? `${className(rejecting.finding.class)}, score ${scoreLabel(rejecting.finding.score)}` : ''}
        onClose={() => setRejecting(null)}
        onReject={(reason) => {
          const r = rejecting;
          setRejecting(null);
          if (r) void decideOn(pages.row(r.index)?.id === r.finding.id ? pages.row(r.index)! : r.finding, 'reject', r.index, reason);
        }}
      />
      <BulkDialog
        request={bulk}
        jobId={jobId}
        onClose={() => setBulk(null)}
        onDone={(n, action) => {
          setBulk(null);
          setChecked(new Map());
          setBulkDone(`${action === 'accept' ? 'Accepted' : 'Rejected'} ${plural(n)}.`);
          reset();
          void loadReview(jobId);
        }}
      />
    </Stack>
  );
}
