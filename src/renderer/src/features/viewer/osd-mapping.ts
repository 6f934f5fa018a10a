import OpenSeadragon from 'openseadragon';
import type { Point, ViewMapping } from './edit-geometry.ts';

/** The events a view mapping listens to: a viewer's, or none (a viewport on its own, in tests). */
type Events = Pick<OpenSeadragon.Viewer, 'addHandler' | 'removeHandler'>;

/**
 * Image pixels ⇄ viewer-element pixels through OpenSeadragon's own viewport
 * (the current, animated position: what is on screen now), so a drawn box
 * lands exactly where the pointer was at any zoom and pan. Lives beside
 * TileViewer so that OpenSeadragon stays in the lazily loaded chunk.
 */
export function viewportMapping(viewport: OpenSeadragon.Viewport, events: Events | null = null): ViewMapping {
  const pt = ([x, y]: Point) => new OpenSeadragon.Point(x, y);
  return {
    toImage: (p) => {
      const q = viewport.viewerElementToImageCoordinates(pt(p));
      return [q.x, q.y];
    },
    toElement: (p) => {
      const q = viewport.imageToViewerElementCoordinates(pt(p));
      return [q.x, q.y];
    },
    zoomAt: (factor, p) => {
      viewport.zoomBy(factor, viewport.pointFromPixel(pt(p), true));
      viewport.applyConstraints();
    },
    panBy: (dx, dy) => {
      viewport.panBy(viewport.deltaPointsFromPixels(pt([-dx, -dy]), true), true);
    },
    subscribe: (onChange) => {
      if (!events) return () => {};
      events.addHandler('update-viewport', onChange);
      return () => events.removeHandler('update-viewport', onChange);
    },
  };
}

export const viewerMapping = (viewer: OpenSeadragon.Viewer): ViewMapping => viewportMapping(viewer.viewport, viewer);
