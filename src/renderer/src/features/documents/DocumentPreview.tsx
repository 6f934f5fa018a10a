import { Alert, Anchor, Group, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Asset, DocumentModelWire, DocumentReview } from '../../../../shared/contract/index.ts';
import { useApi } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { DocumentViewer } from './DocumentViewer.tsx';

type Loaded = { s: 'loading' } | { s: 'ready'; model: DocumentModelWire; reviews: DocumentReview[] } | { s: 'failed'; message: string };

const NO_SELECTION = () => undefined;

/**
 * A document opened from the job's files: its pages (parsed once and kept by
 * the core), what the parser had to say about them, and its checklist
 * reviews, each a link to the review screen.
 */
export function DocumentPreview({ asset }: { asset: Asset }) {
  const api = useApi();
  const [loaded, setLoaded] = useState<Loaded>({ s: 'loading' });

  useEffect(() => {
    let live = true;
    setLoaded({ s: 'loading' });
    Promise.all([api.invoke('documents.model', { assetId: asset.id }), api.invoke('reviews.list', { jobId: asset.jobId, assetId: asset.id })])
      .then(([model, { reviews }]) => live && setLoaded({ s: 'ready', model, reviews }))
      .catch((e: unknown) => live && setLoaded({ s: 'failed', message: e instanceof Error ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, [api, asset.id, asset.jobId]);

  if (loaded.s === 'loading') return <Loader aria-label="Reading the document" />;
  if (loaded.s === 'failed') return <Alert color="red" role="alert" title="This document cannot be shown">{loaded.message}</Alert>;
  const { model, reviews } = loaded;
  const ocred = model.pages.filter((p) => p.textSource === 'ocr').map((p) => p.page);
  return (
    <Stack gap="xs" style={{ position: 'absolute', inset: 0 }}>
      <Group gap="md" wrap="wrap">
        <Text size="sm">{model.pageCount} page{model.pageCount === 1 ? '' : 's'}</Text>
        {ocred.length > 0 && <Text size="sm" c="dimmed">text read by OCR on page{ocred.length === 1 ? '' : 's'} {ocred.join(', ')}</Text>}
        {model.unreadablePages.length > 0 && <Text size="sm" c="red">unreadable: {model.unreadablePages.map((p) => `p. ${p.page} (${p.reason})`).join('; ')}</Text>}
        {reviews.length === 0
          ? <Text size="sm" c="dimmed">Not reviewed against a checklist yet (start a review from the job).</Text>
          : reviews.map((r) => (
            <Anchor key={r.id} size="sm" href={routeHref({ screen: 'document-review', jobId: asset.jobId, reviewId: r.id })}>
              {r.status === 'done' ? `Review: ${r.framework.title} (${r.decided}/${r.total} decided)` : `Review failed: ${r.message ?? r.errorCode}`}
            </Anchor>
          ))}
      </Group>
      {model.warnings.map((w) => <Text key={w} size="xs" c="dimmed">{w}</Text>)}
      <div style={{ flex: 1, minHeight: 0, position: 'relative' }}>
        <DocumentViewer assetId={asset.id} model={model} onSelection={NO_SELECTION} />
      </div>
    </Stack>
  );
}
