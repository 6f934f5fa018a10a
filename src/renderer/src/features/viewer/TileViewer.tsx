import OpenSeadragon from 'openseadragon';
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type ReactNode, type Ref } from 'react';
import type { Finding, ImageInfo } from '../../../../shared/contract/index.ts';
import type { ApiClient } from '../../api/client.ts';
import './finding-overlays.css';
import type { ViewMapping } from './edit-geometry.ts';
import { DEFAULT_OVERLAY_STYLE, findingElement, findingRect, focusRect, type DrawnFinding, type OverlayStyle } from './finding-overlays.ts';
import { viewerMapping } from './osd-mapping.ts';
import { DisplaySwapper, tileSourceFor, type TileDisplay } from './osd-window.ts';
import { takesPointer, type Tool } from './ToolBar.tsx';

export interface TileViewerHandle {
  zoomBy(factor: number): void;
  fit(): void;
  actualSize(): void;
  panBy(dx: number, dy: number): void;
  /** Pans and zooms so the finding fills about a third of the view. */
  showFinding(finding: Finding): void;
}

export interface TileViewerProps {
  api: ApiClient;
  info: ImageInfo;
  onZoom: (imagePixelsPerScreenPixel: number) => void;
  /** Drawn over the image in its own pixel coordinates, while `showFindings`. */
  findings?: DrawnFinding[];
  showFindings?: boolean;
  selectedId?: string | null;
  /** Opacity of the drawings and when their labels show. */
  overlayStyle?: OverlayStyle;
  /** The active tool: any but `pan` turns OpenSeadragon's mouse navigation off (the tool layer takes the pointer). */
  tool?: Tool;
  /** The tool layer drawn over the image, given the image ⇄ screen mapping (EditLayer). */
  layer?: (view: ViewMapping) => ReactNode;
  /** Window/level and inversion the tiles are asked for (ImagingControls); null: the image's default. */
  display?: TileDisplay | null;
  ref: Ref<TileViewerHandle>;
}

const NO_FINDINGS: DrawnFinding[] = [];

/**
 * Deep-zoom viewer: OpenSeadragon draws only the tiles on screen at the
 * resolution the zoom needs, from the core's tile pyramid, so an 8000×2000
 * radiograph pans and zooms as smoothly as a phone photo. Tiles come through
 * the same ApiClient as everything else (token header over HTTP, the app's
 * own protocol in Electron).
 */
export function TileViewer({ api, info, onZoom, findings = NO_FINDINGS, showFindings = true, selectedId = null, overlayStyle = DEFAULT_OVERLAY_STYLE, tool = 'pan', layer, display = null, ref }: TileViewerProps) {
  const host = useRef<HTMLDivElement>(null);
  const viewer = useRef<OpenSeadragon.Viewer | null>(null);
  // Also as state, so the overlays are drawn once the viewer exists.
  const [ready, setReady] = useState<OpenSeadragon.Viewer | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const headers = api.resourceRequest('asset.tile', { assetId: info.assetId, level: 0, x: 0, y: 0 }).headers;
    const v = OpenSeadragon({
      element: host.current,
      tileSources: {
        width: info.width,
        height: info.height,
        tileSize: info.tileSize,
        tileOverlap: 0,
        minLevel: 0,
        maxLevel: info.levels - 1,
        getTileUrl: (level: number, x: number, y: number) => api.resourceRequest('asset.tile', { assetId: info.assetId, level, x, y }).url,
      },
      loadTilesWithAjax: api.transport === 'http',
      ajaxHeaders: headers,
      drawer: 'canvas',
      showNavigationControl: false,
      showNavigator: true,
      navigatorPosition: 'BOTTOM_RIGHT',
      maxZoomPixelRatio: 8,
      visibilityRatio: 0.5,
      animationTime: 0.25,
      keyboardNavEnabled: false, // the screen's own shortcuts work wherever focus is
      gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true, scrollToZoom: true },
      imageSmoothingEnabled: false, // inspectors judge pixels: no blur when zoomed past 1:1
    });
    const report = () => {
      const item = v.world.getItemAt(0);
      if (item) onZoom(item.viewportToImageZoom(v.viewport.getZoom(true)));
    };
    v.addHandler('animation', report);
    v.addHandler('open', report);
    v.addHandler('resize', report);
    viewer.current = v;
    setReady(v);
    return () => {
      viewer.current = null;
      setReady(null);
      v.destroy();
    };
  }, [api, info, onZoom]);

  // A drawing or editing tool takes the pointer: OpenSeadragon neither pans nor zooms on it meanwhile.
  const pointerTaken = takesPointer(tool);
  useEffect(() => {
    ready?.setMouseNavEnabled(!pointerTaken);
  }, [ready, pointerTaken]);
  const view = useMemo(() => (ready ? viewerMapping(ready) : null), [ready]);

  // Another window: the visible tiles are asked for through it (the core maps them, ADR 0011), swapped in without a flash.
  const swapper = useRef<DisplaySwapper | null>(null);
  useEffect(() => {
    if (!ready) return;
    const s = new DisplaySwapper(ready, (d) => tileSourceFor(api, info, d));
    swapper.current = s;
    return () => {
      s.dispose();
      swapper.current = null;
    };
  }, [ready, api, info]);
  useEffect(() => swapper.current?.set(display), [ready, api, info, display]);

  const { opacity, labels } = overlayStyle;
  // Findings as OpenSeadragon overlays: placed in image coordinates, they follow every pan and zoom.
  useEffect(() => {
    if (!ready) return;
    ready.clearOverlays();
    if (!showFindings) return;
    // The selected one last, so it is drawn on top of the others.
    const ordered = [...findings.filter((d) => d.finding.id !== selectedId), ...findings.filter((d) => d.finding.id === selectedId)];
    for (const d of ordered) {
      const r = findingRect(d.finding, info.width);
      ready.addOverlay({ element: findingElement(d, d.finding.id === selectedId, { opacity, labels }), location: new OpenSeadragon.Rect(r.x, r.y, r.width, r.height) });
    }
  }, [ready, findings, showFindings, selectedId, info.width, opacity, labels]);

  useImperativeHandle(ref, () => ({
    zoomBy: (factor) => {
      viewer.current?.viewport.zoomBy(factor);
      viewer.current?.viewport.applyConstraints();
    },
    fit: () => viewer.current?.viewport.goHome(),
    actualSize: () => {
      const v = viewer.current;
      const item = v?.world.getItemAt(0);
      if (v && item) v.viewport.zoomTo(item.imageToViewportZoom(1));
    },
    panBy: (dx, dy) => {
      const v = viewer.current;
      if (!v) return;
      const bounds = v.viewport.getBounds();
      v.viewport.panBy(new OpenSeadragon.Point(bounds.width * dx, bounds.height * dy));
    },
    showFinding: (finding) => {
      const r = focusRect(finding, info.width);
      viewer.current?.viewport.fitBounds(new OpenSeadragon.Rect(r.x, r.y, r.width, r.height));
    },
  }), [info.width]);

  return (
    <>
      <div ref={host} data-testid="tile-viewer" style={{ position: 'absolute', inset: 0, background: '#000' }} />
      {view && layer?.(view)}
    </>
  );
}
