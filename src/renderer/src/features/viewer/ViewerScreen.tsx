import { ActionIcon, Alert, Anchor, Badge, Box, Breadcrumbs, Button, Group, Kbd, Loader, Stack, Text, Tooltip } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Asset, Finding, ImageInfo } from '../../../../shared/contract/index.ts';
import { useApi, useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { neighbours, selectAssets, selectFindings } from '../../store/selectors.ts';
import { classColour, className, scoreLabel } from '../findings/colours.ts';
import { DocumentPreview } from '../documents/DocumentPreview.tsx';
import { BulkDialog, type BulkRequest } from '../review/BulkDialog.tsx';
import { DecisionCard } from '../review/DecisionCard.tsx';
import { FindingFilters } from '../review/FindingFilters.tsx';
import { RejectDialog } from '../review/RejectDialog.tsx';
import { filterFindings, NO_FILTER, type FindingFilter } from '../review/review.ts';
import type { DecideAction, DecideExtra } from '../../store/review-slice.ts';
import { DEFAULT_OVERLAY_STYLE, type DrawnFinding, type OverlayStyle } from './finding-overlays.ts';
import { FindingsPanel } from './FindingsPanel.tsx';
import { OverlayControls } from './OverlayControls.tsx';
import type { TileViewerHandle } from './TileViewer.tsx';
import { ToolBar, type Tool } from './ToolBar.tsx';
import { useFindingTools } from './use-finding-tools.tsx';
import { useImaging } from './use-imaging.tsx';

// OpenSeadragon is large; load it only when an image is opened.
const TileViewer = lazy(() => import('./TileViewer.tsx').then((m) => ({ default: m.TileViewer })));

type Loaded = { s: 'loading' } | { s: 'image'; asset: Asset; info: ImageInfo } | { s: 'document'; asset: Asset } | { s: 'failed'; message: string; asset?: Asset };

const go = (href: string) => {
  window.location.hash = href;
};

/** One file, full screen: zoom and pan an image, step to the next or previous one, all from the keyboard. */
export function ViewerScreen({ jobId, assetId, findingId }: { jobId: string; assetId: string; findingId?: string | undefined }) {
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
  const [filter, setFilter] = useState<FindingFilter>(NO_FILTER);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [rejecting, setRejecting] = useState<Finding | null>(null);
  const [bulk, setBulk] = useState<BulkRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const [bulkDone, setBulkDone] = useState<string | null>(null);
  // How the findings are drawn: view state of this screen (kept from image to image), never stored.
  const [hiddenClasses, setHiddenClasses] = useState<ReadonlySet<string>>(new Set());
  const [overlayStyle, setOverlayStyle] = useState<OverlayStyle>(DEFAULT_OVERLAY_STYLE);
  // What the pointer does over the image (ToolBar): pan, edit the selected finding, draw a missing one.
  const [tool, setTool] = useState<Tool>('pan');
  const decide = useAppStore((s) => s.decide);
  const undo = useAppStore((s) => s.undo);
  const redo = useAppStore((s) => s.redo);
  const canUndo = useAppStore((s) => s.undoStack.length > 0);
  const canRedo = useAppStore((s) => s.redoStack.length > 0);
  const notice = useAppStore((s) => s.reviewNotice);
  const dismissNotice = useAppStore((s) => s.dismissReviewNotice);

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
    setTool('pan');
    setChecked(new Set());
    setBulkDone(null);
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
    () => (found?.findings ?? [])
      .filter((finding) => !hiddenClasses.has(finding.class))
      .map((finding) => ({ finding, colour: classColour(finding.class, classes) })),
    [found, classes, hiddenClasses],
  );
  // The classes on this image, in the model's order (others after, by name).
  const present = useMemo(() => {
    const rank = (c: string) => (classes.includes(c) ? classes.indexOf(c) : classes.length);
    return [...new Set((found?.findings ?? []).map((f) => f.class))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  }, [found, classes]);
  const toggleClass = (cls: string, shown: boolean) => setHiddenClasses((h) => {
    const n = new Set(h);
    if (shown) n.delete(cls);
    else n.add(cls);
    return n;
  });
  const goToFinding = (f: Finding) => {
    setSelectedId(f.id);
    if (!showFindings) setShowFindings(true);
    viewer.current?.showFinding(f);
  };
  // Opened on one finding (`?finding=`, from the job's findings list): selected as soon as the
  // findings are read, zoomed to once the image is open (its first zoom report), once per finding.
  const openedOn = useRef<{ id: string; zoomed: boolean } | null>(null);
  const viewerOpen = zoom !== null;
  useEffect(() => {
    const f = findingId ? found?.findings.find((x) => x.id === findingId) : undefined;
    if (!f) return;
    if (openedOn.current?.id !== f.id) {
      openedOn.current = { id: f.id, zoomed: false };
      setSelectedId(f.id);
    }
    if (viewerOpen && !openedOn.current.zoomed) {
      openedOn.current.zoomed = true;
      viewer.current?.showFinding(f);
    }
  }, [findingId, viewerOpen, found]);

  // Review: the list as filtered, the selected finding, and the decisions on it (each also a key).
  const listed = useMemo(() => filterFindings(found?.findings ?? [], filter), [found, filter]);
  const selected = found?.findings.find((f) => f.id === selectedId) ?? null;
  const modalOpen = rejecting !== null || bulk !== null;
  // A drawn finding takes the classes of the image's model, else those of the first detection model installed.
  const drawClasses = classes.length > 0 ? classes : (models?.models.find((m) => m.task === 'detect')?.classes ?? []);
  const tools = useFindingTools({
    assetId, tool, setTool, selected,
    colour: selected ? classColour(selected.class, classes) : '#fff',
    size: loaded.s === 'image' ? { width: loaded.info.width, height: loaded.info.height } : null,
    classes: drawClasses,
    enabled: !modalOpen,
    onAdded: (f) => {
      setSelectedId(f.id);
      if (!showFindings) setShowFindings(true);
    },
  });
  // Window/level, measure and line profile (ImagingControls, MeasureLayer): view state of this image.
  const imaging = useImaging({ api, assetId, jobId, info: loaded.s === 'image' ? loaded.info : null, tool, setTool, enabled: !modalOpen });
  // While the selected finding is edited, the tool layer draws it (with its handles) instead of its overlay.
  const overlaid = useMemo(() => (tools.hidesSelected ? drawn.filter((d) => d.finding.id !== selectedId) : drawn), [tools.hidesSelected, drawn, selectedId]);
  const moveFinding = (delta: number) => {
    if (listed.length === 0) return;
    const at = listed.findIndex((f) => f.id === selectedId);
    const target = at < 0 ? listed[delta > 0 ? 0 : listed.length - 1] : listed[Math.min(listed.length - 1, Math.max(0, at + delta))];
    if (target) goToFinding(target);
  };
  const decideOn = async (f: Finding, action: DecideAction, extra?: DecideExtra) => {
    // Accepting or rejecting moves on to the next finding of the list, as a reviewer goes through them.
    const at = listed.findIndex((x) => x.id === f.id);
    const after = action === 'accept' || action === 'reject' ? listed[at + 1] : undefined;
    setBusy(true);
    try {
      const now = await decide(f, action, extra);
      if (now && after && selectedId === f.id) goToFinding(after);
    } finally {
      setBusy(false);
    }
  };
  const reclass = (f: Finding, cls: string) => {
    if (cls !== f.class) void decideOn(f, 'reclass', { class: cls });
  };
  /** Keys pressed in a dialog (the reasons, the bulk confirmation) are the dialog's, not the viewer's. */
  const inDialog = (e: KeyboardEvent) => modalOpen || (e.target instanceof Element && e.target.closest('[role="dialog"]') !== null);
  const review = (run: (f: Finding) => void) => (e: KeyboardEvent) => {
    if (!inDialog(e) && selected && !busy) run(selected);
  };
  const classKeys = Array.from({ length: 9 }, (_, i): [string, (e: KeyboardEvent) => void] => [String(i + 1), (e) => {
    if (inDialog(e)) return;
    const cls = classes[i];
    if (selected && cls) reclass(selected, cls);
    else if (i === 0 && !selected) viewer.current?.actualSize();
  }]);
  const label = (f: Finding) => `${className(f.class)}, score ${scoreLabel(f.score)}`;
  const controls = (
    <Stack gap={6}>
      <FindingFilters value={filter} onChange={setFilter} classes={classes.length > 0 ? classes : [...new Set(found?.findings.map((f) => f.class))]} />
      <Group gap={6}>
        <Button size="compact-xs" variant="default" onClick={() => setBulk({ kind: 'threshold', action: 'accept', class: filter.class })}>By threshold…</Button>
        <Button size="compact-xs" variant="default" disabled={checked.size === 0} onClick={() => setBulk({ kind: 'selection', action: 'accept', findings: (found?.findings ?? []).filter((f) => checked.has(f.id)) })}>
          {`Decide selected (${checked.size})`}
        </Button>
      </Group>
      {bulkDone && <Text size="xs" role="status">{bulkDone}</Text>}
      {notice && (
        <Alert color={notice.kind === 'conflict' ? 'orange' : 'red'} role="alert" title={notice.kind === 'conflict' ? 'Changed meanwhile' : 'Not done'} withCloseButton onClose={dismissNotice} p="xs">
          {notice.message}
        </Alert>
      )}
      {selected && (
        <DecisionCard
          finding={selected}
          classes={classes}
          busy={busy}
          canUndo={canUndo}
          onAccept={() => void decideOn(selected, 'accept')}
          onReject={() => setRejecting(selected)}
          onReclass={(cls) => reclass(selected, cls)}
          onNote={(note) => void decideOn(selected, 'note', { note })}
          onUndo={() => void undo()}
          canRedo={canRedo}
          onRedo={() => void redo()}
        />
      )}
    </Stack>
  );

  const back = () => go(routeHref({ screen: 'job', jobId }));
  const step = (a: Asset | undefined) => a && go(routeHref({ screen: 'viewer', jobId, assetId: a.id }));
  useHotkeys([
    ['Escape', back],
    ['0', () => viewer.current?.fit()],
    ...classKeys,
    ['ArrowLeft', () => viewer.current?.panBy(-0.2, 0)],
    ['ArrowRight', () => viewer.current?.panBy(0.2, 0)],
    ['ArrowUp', () => (listed.length > 0 ? !modalOpen && moveFinding(-1) : viewer.current?.panBy(0, -0.2))],
    ['ArrowDown', () => (listed.length > 0 ? !modalOpen && moveFinding(1) : viewer.current?.panBy(0, 0.2))],
    ['j', (e) => !inDialog(e) && moveFinding(1)],
    ['k', (e) => !inDialog(e) && moveFinding(-1)],
    ['n', (e) => !inDialog(e) && step(next)],
    ['p', (e) => !inDialog(e) && step(previous)],
    ['a', review((f) => void decideOn(f, 'accept'))],
    ['r', review((f) => setRejecting(f))],
    ['z', review((f) => goToFinding(f))],
    ['mod+z', (e) => !inDialog(e) && void undo()],
    ['mod+shift+z', (e) => !inDialog(e) && void redo()],
    ['mod+y', (e) => !inDialog(e) && void redo()],
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
        <Box pos="relative" style={{ flex: 1, minHeight: 300, minWidth: 0 }} role="region" aria-label={asset ? `Image ${asset.originalName}` : 'Image'}>
          {loaded.s === 'loading' && <Loader aria-label="Loading image" />}
          {loaded.s === 'failed' && <Alert color="red" role="alert" title="This file cannot be shown">{loaded.message}</Alert>}
          {loaded.s === 'document' && <DocumentPreview asset={loaded.asset} />}
          {loaded.s === 'image' && (
            <Suspense fallback={<Loader aria-label="Loading viewer" />}>
              <TileViewer
                ref={viewer}
                api={api}
                info={loaded.info}
                onZoom={onZoom}
                findings={overlaid}
                showFindings={showFindings}
                selectedId={selectedId}
                overlayStyle={overlayStyle}
                tool={tool}
                layer={(v) => <>{tools.layer(v)}{imaging.layer(v)}</>}
                display={imaging.display}
              />
            </Suspense>
          )}
          {loaded.s === 'image' && <ToolBar tool={tool} onTool={setTool} hasSelection={selected !== null} />}
          {tools.picker}
          {tools.status}
          {imaging.panel}
          {imaging.chart}
          {imaging.status}
          {imaging.dialog}
        </Box>
        {loaded.s === 'image' && (
          <Box w={340} style={{ flex: 'none', minHeight: 0 }}>
            <FindingsPanel
              state={found}
              error={findingsError}
              classes={classes}
              visible={showFindings}
              onVisibleChange={setShowFindings}
              selectedId={selectedId}
              onSelect={goToFinding}
              listed={listed}
              controls={controls}
              hiddenClasses={hiddenClasses}
              overlayControls={
                <OverlayControls
                  present={present}
                  classes={classes}
                  hidden={hiddenClasses}
                  onToggleClass={toggleClass}
                  style={overlayStyle}
                  onStyleChange={setOverlayStyle}
                />
              }
              checked={checked}
              onCheck={(f, on) => setChecked((c) => {
                const n = new Set(c);
                if (on) n.add(f.id);
                else n.delete(f.id);
                return n;
              })}
            />
          </Box>
        )}
      </Group>
      <RejectDialog
        opened={rejecting !== null}
        label={rejecting ? label(rejecting) : ''}
        onClose={() => setRejecting(null)}
        onReject={(reason) => {
          const f = rejecting && (found?.findings.find((x) => x.id === rejecting.id) ?? rejecting);
          setRejecting(null);
          if (f) void decideOn(f, 'reject', { reason });
        }}
      />
      <BulkDialog
        request={bulk}
        jobId={jobId}
        assetId={assetId}
        onClose={() => setBulk(null)}
        onDone={(n, action) => {
          setBulk(null);
          setChecked(new Set());
          setBulkDone(`${action === 'accept' ? 'Accepted' : 'Rejected'} ${n} finding${n === 1 ? '' : 's'}.`);
          void loadFindings(assetId);
        }}
      />
    </Stack>
  );
}
