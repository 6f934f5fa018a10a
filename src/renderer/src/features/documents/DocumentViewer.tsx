import { ActionIcon, Group, Kbd, Loader, Text, Tooltip } from '@mantine/core';
import { Fragment, memo, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type Ref } from 'react';
import type { DocumentModelWire, Evidence } from '../../../../shared/contract/index.ts';
import { useApi } from '../../store/context.tsx';
import { anchorFromSelection, boxStyle, evidenceBox, fontSizeFor, pickDpi, pxPerPoint, textSpans, type BBox, type PageDpi } from './page-geometry.ts';
import './documents.css';

export interface DocumentViewerHandle {
  /** Scrolls to the evidence's page and highlights its box (or the page, when it has none). */
  showEvidence: (evidence: Evidence) => void;
  zoomBy: (factor: number) => void;
  fitWidth: () => void;
}

interface Highlight {
  evidence: Evidence;
  box: BBox | undefined;
  /** Each request scrolls, even to the same evidence again. */
  seq: number;
}

const MIN_ZOOM = 0.25;
const MAX_ZOOM = 4;
/** Pages this far outside the visible area are fetched ahead (and released beyond it). */
const NEAR_MARGIN = '1200px 0px';

/**
 * The document's pages, one under the other, fetched as images only when
 * near the visible area; over each, a transparent text layer placed from the
 * document model so text can be selected (and feedback anchored to it).
 */
export function DocumentViewer({ assetId, model, onSelection, ref }: {
  assetId: string;
  model: DocumentModelWire;
  /** A new text selection in the pages, as an anchor; null when it was cleared there. */
  onSelection: (anchor: Evidence | null) => void;
  ref?: Ref<DocumentViewerHandle>;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const pageEls = useRef(new Map<number, HTMLElement>());
  const [zoom, setZoom] = useState<number | null>(null);
  const [near, setNear] = useState<ReadonlySet<number>>(new Set([1, 2]));
  const [highlight, setHighlight] = useState<Highlight | null>(null);
  const [current, setCurrent] = useState(1);
  const widest = Math.max(1, ...model.pages.map((p) => p.width));

  const fitZoom = useCallback(() => {
    const width = scroller.current?.clientWidth ?? 0;
    // jsdom (and a hidden panel) has no layout: 100 %.
    return width > 0 ? clamp((width - 40) / pxPerPoint(1) / widest) : 1;
  }, [widest]);
  useLayoutEffect(() => setZoom(fitZoom()), [fitZoom]);

  useImperativeHandle(ref, () => ({
    showEvidence: (evidence) => {
      setNear((n) => new Set([...n, evidence.page]));
      setHighlight((h) => ({ evidence, box: evidenceBox(model, evidence), seq: (h?.seq ?? 0) + 1 }));
    },
    zoomBy: (factor) => setZoom((z) => clamp((z ?? 1) * factor)),
    fitWidth: () => setZoom(fitZoom()),
  }), [model, fitZoom]);

  // Which pages are near the visible area (fetched), and which one is on screen.
  useEffect(() => {
    const root = scroller.current;
    if (!root) return;
    const observer = new IntersectionObserver((entries) => {
      setNear((before) => {
        const next = new Set(before);
        for (const e of entries) {
          const page = Number((e.target as HTMLElement).dataset.page);
          if (e.isIntersecting) next.add(page);
          else next.delete(page);
        }
        return next;
      });
    }, { root, rootMargin: NEAR_MARGIN });
    for (const el of pageEls.current.values()) observer.observe(el);
    return () => observer.disconnect();
  }, [model]);

  const onScroll = () => {
    const root = scroller.current;
    if (!root) return;
    const middle = root.getBoundingClientRect().top + root.clientHeight / 3;
    for (const [page, el] of pageEls.current) {
      const r = el.getBoundingClientRect();
      if (r.top <= middle && r.bottom >= middle) {
        setCurrent(page);
        break;
      }
    }
  };

  // A new highlight: bring it (or its page) into the middle of the view once it is laid out.
  useEffect(() => {
    if (!highlight) return;
    const page = pageEls.current.get(highlight.evidence.page);
    const mark = page?.querySelector('.chitti-evidence-highlight');
    (mark ?? page)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    setCurrent(highlight.evidence.page);
  }, [highlight]);

  // The selection, as an anchor, whenever it changes inside the pages. A selection
  // elsewhere (a click on a button, typing in a dialog) leaves the last anchor as it was.
  useEffect(() => {
    const update = () => {
      const anchor = selectionAnchor(scroller.current);
      if (anchor !== undefined) onSelection(anchor);
    };
    document.addEventListener('selectionchange', update);
    return () => document.removeEventListener('selectionchange', update);
  }, [onSelection]);

  const scale = pxPerPoint(zoom ?? 1);
  const dpi = pickDpi(zoom ?? 1, window.devicePixelRatio || 1);
  const setPageEl = useCallback((page: number, el: HTMLElement | null) => {
    if (el) pageEls.current.set(page, el);
    else pageEls.current.delete(page);
  }, []);

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Group justify="space-between" gap={6} py={4} wrap="nowrap">
        <Text size="sm" c="dimmed" aria-live="polite">
          Page {current} of {model.pageCount}
        </Text>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" data-testid="document-zoom" miw={80} ta="right">{zoom === null ? '' : `Zoom ${Math.round(zoom * 100)}%`}</Text>
          <Tooltip label={<>Zoom out <Kbd>-</Kbd></>}><ActionIcon variant="default" aria-label="Zoom out" onClick={() => setZoom((z) => clamp((z ?? 1) / 1.25))}>−</ActionIcon></Tooltip>
          <Tooltip label={<>Zoom in <Kbd>+</Kbd></>}><ActionIcon variant="default" aria-label="Zoom in" onClick={() => setZoom((z) => clamp((z ?? 1) * 1.25))}>+</ActionIcon></Tooltip>
          <Tooltip label={<>Fit width <Kbd>0</Kbd></>}><ActionIcon variant="default" aria-label="Fit width" onClick={() => setZoom(fitZoom())}>⤢</ActionIcon></Tooltip>
        </Group>
      </Group>
      <div
        ref={scroller}
        className="chitti-doc-scroll"
        style={{ flex: 1, minHeight: 0 }}
        onScroll={onScroll}
        role="document"
        aria-label={`Pages of ${model.metadata.title ?? 'the document'}`}
        data-testid="document-pages"
      >
        {model.pages.map((p) => (
          <PageView
            key={p.page}
            assetId={assetId}
            model={model}
            page={p}
            scale={scale}
            dpi={dpi}
            near={near.has(p.page)}
            highlight={highlight?.evidence.page === p.page ? highlight : null}
            setEl={setPageEl}
          />
        ))}
      </div>
    </div>
  );
}

const clamp = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

/** The current selection as an anchor: null when it was cleared inside the pages, undefined when it is not in them. */
function selectionAnchor(root: HTMLElement | null): Evidence | null | undefined {
  const selection = window.getSelection();
  if (!root || !selection || selection.rangeCount === 0) return undefined;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer)) return undefined;
  if (selection.isCollapsed) return null;
  const spans = [...root.querySelectorAll<HTMLElement>('[data-page][data-bbox]')]
    .filter((el) => range.intersectsNode(el))
    .map((el) => ({ page: Number(el.dataset.page), bbox: el.dataset.bbox!.split(',').map(Number) as BBox }));
  const start = range.startContainer instanceof Element ? range.startContainer : range.startContainer.parentElement;
  const fallback = start?.closest<HTMLElement>('[data-page]')?.dataset.page;
  return anchorFromSelection(selection.toString(), spans, fallback ? Number(fallback) : undefined);
}

type PageInfo = DocumentModelWire['pages'][number];

const PageView = memo(function PageView({ assetId, model, page, scale, dpi, near, highlight, setEl }: {
  assetId: string;
  model: DocumentModelWire;
  page: PageInfo;
  scale: number;
  dpi: PageDpi;
  near: boolean;
  highlight: Highlight | null;
  setEl: (page: number, el: HTMLElement | null) => void;
}) {
  const [failed, setFailed] = useState<string | null>(null);
  const spans = textSpans(model, page.page);
  return (
    <section
      ref={(el) => setEl(page.page, el)}
      className="chitti-doc-page"
      data-page={page.page}
      data-highlighted={highlight && !highlight.box ? 'true' : undefined}
      aria-label={`Page ${page.page}`}
      style={{ width: page.width * scale, height: page.height * scale }}
    >
      {near && <PageImage assetId={assetId} page={page.page} dpi={dpi} onError={setFailed} />}
      {failed !== null || spans.length === 0 ? (
        <div className="chitti-doc-page-text" data-page={page.page}>
          {failed !== null && <Text size="xs" c="red" mb="xs">This page could not be shown as an image: {failed}</Text>}
          {spans.length === 0 && model.blocks.filter((b) => b.page === page.page).map((b) => <p key={b.id}>{b.text}</p>)}
        </div>
      ) : null}
      {spans.length > 0 && (
        <div className="chitti-text-layer">
          {spans.map((s) => (
            <Fragment key={s.key}>
              <span
                data-page={page.page}
                data-bbox={s.bbox.join(',')}
                style={{ ...boxStyle(s.bbox, page), fontSize: fontSizeFor(s.text, s.bbox) * scale }}
              >
                {s.text}
              </span>
              {/* A separator, so text selected across spans does not run words together. */}
              {'\n'}
            </Fragment>
          ))}
        </div>
      )}
      {highlight?.box && (
        <div
          className="chitti-evidence-highlight"
          role="mark"
          aria-label={`Evidence highlighted on page ${page.page}`}
          style={boxStyle(highlight.box, page)}
        />
      )}
    </section>
  );
});

/** One page image at one resolution, fetched while mounted and released after. */
function PageImage({ assetId, page, dpi, onError }: { assetId: string; page: number; dpi: PageDpi; onError: (message: string | null) => void }) {
  const api = useApi();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let release = () => {};
    api.loadImage('document.page', { assetId, page, dpi }).then(
      (handle) => {
        if (!live) return handle.release();
        release = handle.release;
        // The sharper image replaces the one shown only once it is here: no blank page while zooming.
        setUrl(handle.url);
        onError(null);
      },
      (e: unknown) => live && onError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
      release();
    };
  }, [api, assetId, page, dpi, onError]);
  return url ? <img src={url} alt="" draggable={false} /> : <Loader size="sm" aria-label={`Loading page ${page}`} m="md" />;
}
