import { ActionIcon, Alert, Anchor, Badge, Box, Breadcrumbs, Group, Kbd, Loader, Stack, Text, Tooltip } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Asset, Finding, ImageInfo } from '../../../../shared/contract/index.ts';
import { useApi, useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { neighbours, selectAssets, selectFindings } from '../../store/selectors.ts';
import { classColour } from '../findings/colours.ts';
import type { DrawnFinding } from './finding-overlays.ts';
import { FindingsPanel } from './FindingsPanel.tsx';
import type { TileViewerHandle } from './TileViewer.tsx';

// OpenSeadragon is large; load it only when an image is opened.
const TileViewer = lazy(() => import('./TileViewer.tsx').then((m) => ({ default: m.TileViewer })));

type Loaded = { s: 'loading' } | { s: 'image'; asset: Asset; info: ImageInfo } | { s: 'document'; asset: Asset } | { s: 'failed'; message: string; asset?: Asset };

const go = (href: string) => {
  window.location.hash = href;
};

/** One file, full screen: zoom and pan an image, step to the next or previous one, all from the keyboard. */
export function ViewerScreen({ jobId, assetId }: { jobId: string; assetId: string }) {
  const api = useApi();
  const assets = useAppStore(selectAssets(jobId));
  const loadAssets = useAppStore((s) => s.loadAssets);
  const [loaded, setLoaded] = useState<Loaded>({ s: 'loading' });
  const [zoom, setZoom] = useState<number | null>(null);
  const viewer = useRef<TileViewerHandle>(null);
  const { previous, next, index, count } = neighbours(assets, assetId);
  const found = useAppStore(selectFindings(assetId));
  const findingsError = useAppStore((s) => s.findingsError[assetId]);
  const loadFindings = useAppStore((s) => s.loadFindings);
  const showFindings = useAppStore((s) => s.findingsVisible);
  const setShowFindings = useAppStore((s) => s.setFindingsVisible);
  const models = useAppStore((s) => s.models);
  const loadModels = useAppStore((s) => s.loadModels);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  useEffect(() => {
    if (models === null) void loadModels();
  }, [models, loadModels]);

  useEffect(() => {
    if (!assets) void loadAssets(jobId);
  }, [assets, jobId, loadAssets]);

  useEffect(() => {
    let live = true;
    setLoaded({ s: 'loading' });
    setZoom(null);
    setSelectedId(null);
    (async () => {
      const asset = await api.invoke('assets.get', { assetId });
      if (asset.kind === 'document') return { s: 'document', asset } as const;
      try {
        return { s: 'image', asset, info: await api.invoke('assets.imageInfo', { assetId }) } as const;
      } catch (e) {
        return { s: 'failed', asset, message: e instanceof Error ? e.message : String(e) } as const;
      }
    })().then(
      (r) => live && setLoaded(r),
      (e: unknown) => live && setLoaded({ s: 'failed', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [api, assetId]);

  const isImage = loaded.s === 'image';
  useEffect(() => {
    // Read each time the image is opened; analysis.added events keep it fresh while it is shown.
    if (isImage) void loadFindings(assetId);
  }, [isImage, assetId, loadFindings]);

  // Colours follow the class order of the model that made the findings.
  const classes = useMemo(
    () => models?.models.find((m) => m.id === found?.analysis?.modelId)?.classes ?? [],
    [models, found?.analysis?.modelId],
  );
  const drawn = useMemo<DrawnFinding[]>(
    () => (found?.findings ?? []).map((finding) => ({ finding, colour: classColour(finding.class, classes) })),
    [found, classes],
  );
  const goToFinding = (f: Finding) => {
    setSelectedId(f.id);
    if (!showFindings) setShowFindings(true);
    viewer.current?.showFinding(f);
  };

  const back = () => go(routeHref({ screen: 'job', jobId }));
  const step = (a: Asset | undefined) => a && go(routeHref({ screen: 'viewer', jobId, assetId: a.id }));
  useHotkeys([
    ['Escape', back],
    ['0', () => viewer.current?.fit()],
    ['1', () => viewer.current?.actualSize()],
    ['ArrowLeft', () => viewer.current?.panBy(-0.2, 0)],
    ['ArrowRight', () => viewer.current?.panBy(0.2, 0)],
    ['ArrowUp', () => viewer.current?.panBy(0, -0.2)],
    ['ArrowDown', () => viewer.current?.panBy(0, 0.2)],
    ['PageDown', () => step(next)],
    ['PageUp', () => step(previous)],
    [']', () => step(next)],
    ['[', () => step(previous)],
    ['f', () => setShowFindings(!showFindings)],
  ]);
  // '+' cannot be written in a Mantine hotkey (it is the separator), and its key
  // differs by layout ('+' or '=' unshifted): read the character typed instead.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || (e.target as HTMLElement | null)?.closest('input, textarea')) return;
      if (e.key === '+' || e.key === '=') viewer.current?.zoomBy(1.5);
      else if (e.key === '-' || e.key === '_') viewer.current?.zoomBy(1 / 1.5);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const onZoom = useCallback((z: number) => setZoom(z), []);
  const asset = loaded.s === 'loading' ? undefined : loaded.asset;

  return (
    <Stack h="calc(100vh - 100px)" gap="xs">
      <Group justify="space-between" wrap="nowrap">
        <Breadcrumbs>
          <Anchor href={routeHref({ screen: 'jobs' })}>Jobs</Anchor>
          <Anchor href={routeHref({ screen: 'job', jobId })}>Job</Anchor>
          <Text truncate="end" maw={360}>{asset?.originalName ?? '…'}</Text>
        </Breadcrumbs>
        <Group gap={6} wrap="nowrap">
          {loaded.s === 'image' && (
            <>
              <Badge variant="light">{loaded.info.width}×{loaded.info.height}</Badge>
              <Badge variant="light">{loaded.info.bitsPerSample}-bit{loaded.info.channels === 1 ? ' grey' : ''}</Badge>
              {loaded.info.displayWindow && (
                <Tooltip label="16-bit values shown between these levels (automatic window)">
                  <Badge variant="light">window {Math.round(loaded.info.displayWindow.low)}–{Math.round(loaded.info.displayWindow.high)}</Badge>
                </Tooltip>
              )}
              <Text size="sm" aria-live="polite" data-testid="zoom-level" miw={90} ta="right">
                {zoom === null ? '' : `Zoom ${Math.round(zoom * 100)}%`}
              </Text>
              <Tooltip label={<>Zoom out <Kbd>-</Kbd></>}><ActionIcon variant="default" aria-label="Zoom out" onClick={() => viewer.current?.zoomBy(1 / 1.5)}>−</ActionIcon></Tooltip>
              <Tooltip label={<>Zoom in <Kbd>+</Kbd></>}><ActionIcon variant="default" aria-label="Zoom in" onClick={() => viewer.current?.zoomBy(1.5)}>+</ActionIcon></Tooltip>
              <Tooltip label={<>Fit to window <Kbd>0</Kbd></>}><ActionIcon variant="default" aria-label="Fit to window" onClick={() => viewer.current?.fit()}>⤢</ActionIcon></Tooltip>
              <Tooltip label={<>Actual pixels <Kbd>1</Kbd></>}><ActionIcon variant="default" aria-label="Actual pixels" onClick={() => viewer.current?.actualSize()}>1:1</ActionIcon></Tooltip>
            </>
          )}
          <Tooltip label={<>Previous image <Kbd>[</Kbd></>}><ActionIcon variant="default" aria-label="Previous image" disabled={!previous} onClick={() => step(previous)}>‹</ActionIcon></Tooltip>
          <Text size="sm" c="dimmed">{index >= 0 ? `${index + 1} / ${count}` : ''}</Text>
          <Tooltip label={<>Next image <Kbd>]</Kbd></>}><ActionIcon variant="default" aria-label="Next image" disabled={!next} onClick={() => step(next)}>›</ActionIcon></Tooltip>
          <Tooltip label={<>Back to the job <Kbd>Esc</Kbd></>}><ActionIcon variant="default" aria-label="Back to the job" onClick={back}>✕</ActionIcon></Tooltip>
        </Group>
      </Group>
      <Group align="stretch" wrap="nowrap" gap="sm" style={{ flex: 1, minHeight: 0 }}>
        <Box pos="relative" style={{ flex: 1, minHeight: 300, minWidth: 0 }} role="img" aria-label={asset ? `Image ${asset.originalName}` : 'Image'}>
          {loaded.s === 'loading' && <Loader aria-label="Loading image" />}
          {loaded.s === 'failed' && <Alert color="red" role="alert" title="This file cannot be shown">{loaded.message}</Alert>}
          {loaded.s === 'document' && (
            <Alert title={loaded.asset.originalName}>
              {loaded.asset.mime} · {loaded.asset.size} bytes. Documents open in document review; there is no page view here yet.
            </Alert>
          )}
          {loaded.s === 'image' && (
            <Suspense fallback={<Loader aria-label="Loading viewer" />}>
              <TileViewer
                ref={viewer}
                api={api}
                info={loaded.info}
                onZoom={onZoom}
                findings={drawn}
                showFindings={showFindings}
                selectedId={selectedId}
              />
            </Suspense>
          )}
        </Box>
        {loaded.s === 'image' && (
          <Box w={300} style={{ flex: 'none', minHeight: 0 }}>
            <FindingsPanel
              state={found}
              error={findingsError}
              classes={classes}
              visible={showFindings}
              onVisibleChange={setShowFindings}
              selectedId={selectedId}
              onSelect={goToFinding}
            />
          </Box>
        )}
      </Group>
    </Stack>
  );
}
