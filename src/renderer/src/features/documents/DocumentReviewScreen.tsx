import { Alert, Anchor, Badge, Box, Breadcrumbs, Button, Group, Kbd, Loader, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChecklistStatus, Evidence, ReviewItem } from '../../../../shared/contract/index.ts';
import { useAppStore } from '../../store/context.tsx';
import type { ItemAction, ItemExtra, NewReviewItem } from '../../store/documents-slice.ts';
import { routeHref } from '../../store/route.ts';
import { ComplianceSummary } from './ComplianceSummary.tsx';
import { DocumentViewer, type DocumentViewerHandle } from './DocumentViewer.tsx';
import { AddFeedbackDialog, RejectItemDialog, TextDialog } from './ItemDialogs.tsx';
import { ItemFilters } from './ItemFilters.tsx';
import { evidenceLabel, ReviewItemCard } from './ReviewItemCard.tsx';
import { ReviewExport } from './ReviewExport.tsx';
import { useReviewKeys } from './use-review-keys.ts';
import {
  complianceSummary, decidedCount, evidenceOf, filterItems, groupBySection, inListOrder, itemName, NO_ITEM_FILTER, type ItemFilter,
} from './review-items.ts';

type Writing = { item: ReviewItem; kind: 'feedback' | 'note' };

const go = (href: string) => {
  window.location.hash = href;
};

/**
 * One document reviewed against a checklist framework: the pages on the
 * left (evidence highlighted, text selectable), the checklist on the right,
 * grouped by section, each item decided from the keyboard (j/k, a, r, 1–4,
 * e, n, z, Enter/o) or the mouse; feedback can be added on a selection.
 */
export function DocumentReviewScreen({ jobId, reviewId }: { jobId: string; reviewId: string }) {
  const detail = useAppStore((s) => s.reviewDetails[reviewId]);
  const error = useAppStore((s) => s.reviewDetailsError[reviewId]);
  const loadDetail = useAppStore((s) => s.loadReviewDetail);
  const assetId = detail?.review.assetId;
  const model = useAppStore((s) => (assetId ? s.documentModels[assetId] : undefined));
  const modelError = useAppStore((s) => (assetId ? s.documentModelsError[assetId] : undefined));
  const loadModel = useAppStore((s) => s.loadDocumentModel);
  const decide = useAppStore((s) => s.decideReviewItem);
  const undo = useAppStore((s) => s.undoReviewItem);
  const addItem = useAppStore((s) => s.addReviewItem);
  const notice = useAppStore((s) => (s.checklistNotice?.reviewId === reviewId ? s.checklistNotice : null));
  const dismissNotice = useAppStore((s) => s.dismissChecklistNotice);

  const viewer = useRef<DocumentViewerHandle>(null);
  const [filter, setFilter] = useState<ItemFilter>(NO_ITEM_FILTER);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [rejecting, setRejecting] = useState<ReviewItem | null>(null);
  const [writing, setWriting] = useState<Writing | null>(null);
  const [adding, setAdding] = useState(false);
  const [anchor, setAnchor] = useState<Evidence | null>(null);
  /** Which evidence entry of the selected item Enter/o shows next (it walks through them). */
  const evidenceAt = useRef(0);

  useEffect(() => {
    void loadDetail(reviewId);
  }, [reviewId, loadDetail]);
  useEffect(() => {
    if (assetId) void loadModel(assetId);
  }, [assetId, loadModel]);

  const items = useMemo(() => detail?.items ?? [], [detail]);
  const listed = useMemo(() => inListOrder(filterItems(items, filter)), [items, filter]);
  const groups = useMemo(() => groupBySection(listed), [listed]);
  const sections = useMemo(() => groupBySection(items).map((g) => g.section), [items]);
  const summary = useMemo(() => complianceSummary(items), [items]);
  const decided = decidedCount(items);
  const selected = items.find((i) => i.id === selectedId) ?? null;
  const modalOpen = rejecting !== null || writing !== null || adding;

  const select = useCallback((item: ReviewItem) => {
    setSelectedId(item.id);
    evidenceAt.current = 0;
  }, []);
  // The selected item stays in view as j/k walk the list.
  useEffect(() => {
    if (selectedId) document.querySelector(`[data-item-id="${selectedId}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  const showEvidence = (item: ReviewItem, evidence: Evidence) => {
    if (item.id !== selectedId) select(item);
    viewer.current?.showEvidence(evidence);
  };
  /** Enter/o: the selected item's next evidence entry in the document. */
  const nextEvidence = () => {
    if (!selected) return;
    const all = evidenceOf(selected);
    if (all.length === 0) return;
    viewer.current?.showEvidence(all[evidenceAt.current % all.length]!);
    evidenceAt.current += 1;
  };
  const move = (delta: number) => {
    if (listed.length === 0) return;
    const at = listed.findIndex((i) => i.id === selectedId);
    const target = at < 0 ? listed[delta > 0 ? 0 : listed.length - 1] : listed[Math.min(listed.length - 1, Math.max(0, at + delta))];
    if (target) select(target);
  };

  const decideOn = async (item: ReviewItem, action: ItemAction, extra?: ItemExtra) => {
    // Accepting or rejecting moves on to the next item, as a reviewer goes down the list.
    const at = listed.findIndex((i) => i.id === item.id);
    const after = action === 'accept' || action === 'reject' ? listed[at + 1] : undefined;
    setBusy(true);
    try {
      const now = await decide(item, action, extra);
      if (now && after) select(after);
    } finally {
      setBusy(false);
    }
  };
  const undoOn = async (item: ReviewItem) => {
    setBusy(true);
    try {
      await undo(item);
    } finally {
      setBusy(false);
    }
  };
  const add = async (input: NewReviewItem) => {
    setAdding(false);
    setBusy(true);
    try {
      const now = await addItem(reviewId, input);
      if (now) {
        setAnchor(null);
        window.getSelection()?.removeAllRanges();
        setFilter(NO_ITEM_FILTER);
        select(now);
      }
    } finally {
      setBusy(false);
    }
  };
  const setStatus = (item: ReviewItem, status: ChecklistStatus) => {
    if (status !== item.status || item.decision === 'proposed' || item.decision === 'rejected') void decideOn(item, 'set-status', { status });
  };

  useReviewKeys({
    selected,
    busy,
    dialogOpen: modalOpen,
    actions: {
      move,
      accept: (i) => void decideOn(i, 'accept'),
      reject: setRejecting,
      setStatus,
      editFeedback: (i) => setWriting({ item: i, kind: 'feedback' }),
      note: (i) => setWriting({ item: i, kind: 'note' }),
      undo: (i) => void undoOn(i),
      nextEvidence,
      addFeedback: () => anchor && setAdding(true),
      fitWidth: () => viewer.current?.fitWidth(),
      zoomBy: (f) => viewer.current?.zoomBy(f),
      back: () => go(routeHref({ screen: 'job', jobId })),
    },
  });
  const onSelection = useCallback((a: Evidence | null) => setAnchor(a), []);

  if (error) return <Alert color="red" role="alert" title="This review could not be opened">{error}</Alert>;
  if (!detail) return <Loader aria-label="Loading review" />;
  const { review } = detail;
  const percent = items.length === 0 ? 0 : Math.round((100 * decided) / items.length);

  return (
    <Stack h="calc(100vh - 100px)" gap="xs">
      <Group justify="space-between" wrap="nowrap">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Breadcrumbs>
            <Anchor href={routeHref({ screen: 'jobs' })}>Jobs</Anchor>
            <Anchor href={routeHref({ screen: 'job', jobId })}>Job</Anchor>
            <Text truncate="end" maw={420}>{review.documentName}</Text>
          </Breadcrumbs>
          <Group gap={6}>
            <Title order={2} size="h4">{review.framework.title}</Title>
            <Badge variant="light">{review.framework.id} {review.framework.version}</Badge>
            {review.layers.map((l) => <Badge key={l} variant="outline" color="gray" size="sm">{l}</Badge>)}
          </Group>
        </Stack>
        {review.status === 'done' && <ReviewExport reviewId={reviewId} />}
      </Group>
      {review.warnings.length > 0 && (
        <Alert color="yellow" p="xs" title="Read with care" role="status">
          {review.warnings.map((w) => <Text key={w} size="sm">{w}</Text>)}
        </Alert>
      )}
      {review.status === 'failed' ? (
        <Alert color="red" role="alert" title="This document could not be reviewed">{review.errorCode ? `${review.errorCode}: ` : ''}{review.message}</Alert>
      ) : (
        <Group align="stretch" wrap="nowrap" gap="sm" style={{ flex: 1, minHeight: 0 }}>
          <Box style={{ flex: 1, minWidth: 0, minHeight: 0 }} role="region" aria-label="Document">
            {modelError && <Alert color="red" role="alert" title="The document could not be read">{modelError}</Alert>}
            {!model && !modelError && <Loader aria-label="Loading document" />}
            {model && assetId && <DocumentViewer ref={viewer} assetId={assetId} model={model} onSelection={onSelection} />}
          </Box>
          <Stack w={500} gap="xs" style={{ flex: 'none', minHeight: 0 }} role="region" aria-label="Checklist">
            <Paper withBorder p="xs">
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <ComplianceSummary summary={summary} />
                <Stack gap={4} w={150}>
                  <Text size="sm" fw={600}>{decided} of {items.length} decided</Text>
                  <Progress value={percent} aria-label="Decided" size="md" color="teal" />
                  <Text size="xs" c="dimmed">{review.pageCount} pages · reviewed in {review.durationMs === null ? '–' : `${(review.durationMs / 1000).toFixed(1)} s`}</Text>
                </Stack>
              </Group>
            </Paper>
            {notice && (
              <Alert
                color={notice.kind === 'conflict' ? 'orange' : 'red'}
                role="alert"
                title={notice.kind === 'conflict' ? 'Changed meanwhile' : 'Not done'}
                withCloseButton
                onClose={dismissNotice}
                p="xs"
              >
                <Stack gap={6} align="flex-start">
                  <Text size="sm">{notice.message}</Text>
                  {notice.kind === 'conflict' && <Button size="compact-sm" onClick={() => void loadDetail(reviewId)}>Reload the review</Button>}
                </Stack>
              </Alert>
            )}
            <Paper withBorder p={6} role="group" aria-label="Selection in the document">
              <Group justify="space-between" wrap="nowrap" gap={6}>
                <Text size="xs" c={anchor ? undefined : 'dimmed'} truncate="end" style={{ minWidth: 0 }}>
                  {anchor ? `Selected ${evidenceLabel(anchor)}` : 'Select text in the document to add your own feedback on it.'}
                </Text>
                <Button size="compact-xs" disabled={!anchor} onClick={() => setAdding(true)} rightSection={<Kbd size="xs">F</Kbd>} aria-label="Add feedback on the selection" aria-keyshortcuts="f" style={{ flex: 'none' }}>
                  Add feedback
                </Button>
              </Group>
            </Paper>
            <ItemFilters value={filter} onChange={setFilter} sections={sections} shown={listed.length} total={items.length} />
            <Box style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
              {listed.length === 0 && <Text size="sm" c="dimmed">No item matches these filters.</Text>}
              {groups.map((g) => (
                <Box component="section" key={g.section} aria-label={`Section ${g.section}`} mb="sm">
                  <Title order={3} size="h6" mb={4}>{g.section}</Title>
                  <Stack component="ul" gap={6} aria-label={`${g.section} items`} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                    {g.items.map((item) => (
                      <ReviewItemCard
                        key={item.id}
                        item={item}
                        selected={item.id === selectedId}
                        busy={busy}
                        onSelect={() => select(item)}
                        onEvidence={(e) => showEvidence(item, e)}
                        actions={{
                          onAccept: () => void decideOn(item, 'accept'),
                          onReject: () => setRejecting(item),
                          onStatus: (s) => setStatus(item, s),
                          onEditFeedback: () => setWriting({ item, kind: 'feedback' }),
                          onNote: () => setWriting({ item, kind: 'note' }),
                          onUndo: () => void undoOn(item),
                        }}
                      />
                    ))}
                  </Stack>
                </Box>
              ))}
            </Box>
          </Stack>
        </Group>
      )}
      <RejectItemDialog
        opened={rejecting !== null}
        label={rejecting ? itemName(rejecting) : ''}
        onClose={() => setRejecting(null)}
        onReject={(reason) => {
          // Decided at the version shown now (an event may have brought a newer one meanwhile).
          const item = rejecting && (items.find((i) => i.id === rejecting.id) ?? rejecting);
          setRejecting(null);
          if (item) void decideOn(item, 'reject', { reason });
        }}
      />
      <TextDialog
        opened={writing !== null}
        title={writing?.kind === 'note' ? 'Note on this item' : 'Edit the feedback'}
        label={writing ? `${writing.kind === 'note' ? 'Note' : 'Feedback'} for ${itemName(writing.item)}` : ''}
        initial={writing ? (writing.kind === 'note' ? (writing.item.note ?? '') : writing.item.feedback) : ''}
        required={writing?.kind === 'feedback'}
        maxLength={4000}
        onClose={() => setWriting(null)}
        onSubmit={(text) => {
          const w = writing;
          setWriting(null);
          if (!w) return;
          const item = items.find((i) => i.id === w.item.id) ?? w.item;
          void decideOn(item, w.kind === 'note' ? 'note' : 'edit-feedback', w.kind === 'note' ? { note: text } : { feedback: text });
        }}
      />
      <AddFeedbackDialog opened={adding} anchor={anchor} sections={sections} onClose={() => setAdding(false)} onAdd={(input) => void add(input)} />
    </Stack>
  );
}
