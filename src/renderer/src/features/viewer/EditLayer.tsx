import { useEffect, useReducer, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import {
  BOX_HANDLES, boxFromDrag, dragGrip, elementPoint, handlePoint, pointerToImage, sameShape,
  type Box, type BoxHandle, type Grip, type ImageSize, type Point, type Shape, type ViewMapping,
} from './edit-geometry.ts';
import type { Tool } from './ToolBar.tsx';

export interface EditLayerProps {
  view: ViewMapping;
  size: ImageSize;
  tool: Tool;
  /** The edit tool's finding: its shape as edited now (or as stored), and its class colour. */
  editing: { shape: Shape; colour: string } | null;
  /** While a handle, a vertex or the body is dragged: the shape as it would be. */
  onEditDrag: (shape: Shape) => void;
  /** The pointer let go after changing the shape: save it. */
  onEditRelease: (shape: Shape) => void;
  /** The outline being drawn (draw-polygon): its corners so far, in image pixels. */
  points: readonly Point[];
  onPoints: (points: Point[]) => void;
  /** Double-click, or a click on the first corner: the outline is done. */
  onClosePolygon: () => void;
  /** A box drawn by dragging (draw-box). */
  onBoxDrawn: (box: Box) => void;
  /** A drawn shape waiting for its class. */
  pending: Shape | null;
}

const HANDLE = 10; // side of a box handle, screen pixels
const VERTEX = 5; // radius of an outline's vertex handle
const CLOSE_DISTANCE = 8; // a click this near the first corner closes the outline
const SAME_POINT = 3; // a second click this near the last corner (a double-click) adds nothing
const CURSOR: Record<BoxHandle, string> = { nw: 'nwse-resize', se: 'nwse-resize', ne: 'nesw-resize', sw: 'nesw-resize', n: 'ns-resize', s: 'ns-resize', e: 'ew-resize', w: 'ew-resize' };

type Drag =
  | { kind: 'grip'; grip: Grip; start: Shape; from: Point; now: Shape }
  | { kind: 'pan'; last: Point }
  | { kind: 'box'; from: Point; to: Point };

const gripOf = (target: EventTarget | null): Grip | null => {
  const el = target instanceof Element ? target.closest('[data-grip]') : null;
  const grip = el?.getAttribute('data-grip');
  if (!grip) return null;
  if (grip === 'move') return { kind: 'move' };
  if (grip.startsWith('vertex-')) return { kind: 'vertex', index: Number(grip.slice(7)) };
  return { kind: 'handle', handle: grip as BoxHandle };
};

const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const points = (ps: readonly Point[]) => ps.map(([x, y]) => `${x},${y}`).join(' ');

/**
 * The viewer's tool layer: an SVG over OpenSeadragon that takes the pointer
 * while a tool other than pan is active, converts each position to image
 * pixels through OpenSeadragon's viewport, and draws what is being edited or
 * drawn in screen pixels (so handles keep their size at any zoom). Scrolling
 * still zooms around the pointer; in the edit tool, dragging off the finding
 * pans. Hidden from screen readers: every action here has its keys (the
 * hint under the image says which).
 */
export function EditLayer(props: EditLayerProps) {
  const { view, size, tool, editing, points: corners, pending } = props;
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<Drag | null>(null);
  const [boxDraft, setBoxDraft] = useState<Box | null>(null);
  const [hover, setHover] = useState<Point | null>(null);
  // Redrawn on every frame the view pans or zooms: what is drawn is in screen pixels.
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => view.subscribe(redraw), [view]);

  // Scroll zooms around the pointer, as it does in the pan tool (a native listener: React's wheel listener cannot prevent the page's scroll).
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      view.zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, elementPoint(e.clientX, e.clientY, el.getBoundingClientRect()));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [view]);

  useEffect(() => {
    drag.current = null;
    setBoxDraft(null);
    setHover(null);
  }, [tool]);

  const at = (e: ReactPointerEvent) => {
    const rect = svg.current!.getBoundingClientRect();
    return { element: elementPoint(e.clientX, e.clientY, rect), image: pointerToImage(e.clientX, e.clientY, rect, view, size), raw: view.toImage(elementPoint(e.clientX, e.clientY, rect)) };
  };
  const whole = ([x, y]: Point): Point => [Math.round(x), Math.round(y)];

  const onPointerDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (e.button !== 0 || pending) return;
    const p = at(e);
    if (tool === 'edit') {
      const grip = editing ? gripOf(e.target) : null;
      drag.current = grip && editing ? { kind: 'grip', grip, start: editing.shape, from: p.raw, now: editing.shape } : { kind: 'pan', last: p.element };
    } else if (tool === 'draw-box') {
      const from = whole(p.image);
      drag.current = { kind: 'box', from, to: from };
    } else if (tool === 'draw-polygon') {
      const first = corners[0];
      const last = corners.at(-1);
      if (first && corners.length >= 3 && distance(view.toElement(first), p.element) <= CLOSE_DISTANCE) props.onClosePolygon();
      else if (!last || distance(view.toElement(last), p.element) > SAME_POINT) props.onPoints([...corners, whole(p.image)]);
      return;
    } else {
      return;
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
  };

  const onPointerMove = (e: ReactPointerEvent<SVGSVGElement>) => {
    const p = at(e);
    const d = drag.current;
    if (tool === 'draw-polygon') setHover(whole(p.image));
    if (!d) return;
    if (d.kind === 'pan') {
      view.panBy(p.element[0] - d.last[0], p.element[1] - d.last[1]);
      d.last = p.element;
    } else if (d.kind === 'box') {
      d.to = whole(p.image);
      setBoxDraft(boxFromDrag(d.from, d.to, size));
    } else {
      // Whole image pixels: the shape moves in steps a reviewer can count, at any zoom.
      d.now = dragGrip(d.start, d.grip, Math.round(p.raw[0] - d.from[0]), Math.round(p.raw[1] - d.from[1]), size);
      props.onEditDrag(d.now);
    }
  };

  const onPointerUp = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    drag.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    if (d?.kind === 'grip' && !sameShape(d.now, d.start)) props.onEditRelease(d.now);
    if (d?.kind === 'box') {
      setBoxDraft(null);
      const box = boxFromDrag(d.from, whole(at(e).image), size);
      if (box) props.onBoxDrawn(box);
    }
  };

  const el = (p: Point) => view.toElement(p);
  const rectOf = ([x1, y1, x2, y2]: Box) => {
    const [ax, ay] = el([x1, y1]);
    const [bx, by] = el([x2, y2]);
    return { x: ax, y: ay, width: Math.max(1, bx - ax), height: Math.max(1, by - ay) };
  };
  const cursor = tool === 'draw-box' || tool === 'draw-polygon' ? 'crosshair' : tool === 'edit' ? 'grab' : 'default';

  return (
    <svg
      ref={svg}
      data-testid="tool-layer"
      data-tool={tool}
      aria-hidden="true"
      style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', zIndex: 3, cursor, touchAction: 'none' }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onPointerLeave={() => setHover(null)}
      onDoubleClick={() => tool === 'draw-polygon' && corners.length >= 3 && props.onClosePolygon()}
    >
      <rect width="100%" height="100%" fill="transparent" />
      {tool === 'edit' && editing && <EditHandles shape={editing.shape} colour={editing.colour} toElement={el} rectOf={rectOf} />}
      {boxDraft && <rect {...rectOf(boxDraft)} fill="rgba(255,255,255,0.1)" stroke="#fff" strokeWidth={2} strokeDasharray="6 4" data-testid="draft-box" />}
      {tool === 'draw-polygon' && corners.length > 0 && (
        <g data-testid="draft-outline">
          <polyline points={points([...corners, ...(hover ? [hover] : [])].map(el))} fill="none" stroke="#fff" strokeWidth={2} strokeDasharray="6 4" />
          {corners.map((c, i) => {
            const [x, y] = el(c);
            return <circle key={i} cx={x} cy={y} r={i === 0 && corners.length >= 3 ? VERTEX + 2 : VERTEX - 1} fill={i === 0 ? '#fff' : '#222'} stroke="#fff" strokeWidth={1.5} />;
          })}
        </g>
      )}
      {pending && (
        pending.polygon
          ? <polygon points={points(pending.polygon.map(el))} fill="rgba(255,255,255,0.2)" stroke="#fff" strokeWidth={2} data-testid="pending-shape" />
          : <rect {...rectOf(pending.box)} fill="rgba(255,255,255,0.2)" stroke="#fff" strokeWidth={2} data-testid="pending-shape" />
      )}
    </svg>
  );
}

/** The edited finding: its box (the body moves it) with eight handles, or its outline with a handle on each vertex. */
function EditHandles({ shape, colour, toElement, rectOf }: {
  shape: Shape;
  colour: string;
  toElement: (p: Point) => Point;
  rectOf: (b: Box) => { x: number; y: number; width: number; height: number };
}) {
  const body = rectOf(shape.box);
  return (
    <g data-testid="edit-handles">
      {/* White under the class colour: the edited box stands out among overlapping findings of its class. */}
      <rect {...body} fill="none" stroke="#fff" strokeWidth={4} opacity={shape.polygon ? 0.5 : 0.9} pointerEvents="none" />
      <rect {...body} data-grip="move" fill={shape.polygon ? 'transparent' : 'rgba(255,255,255,0.12)'} stroke={colour} strokeWidth={2} strokeDasharray={shape.polygon ? '4 4' : undefined} style={{ cursor: 'move' }} />
      {shape.polygon && (
        <polygon points={points(shape.polygon.map(toElement))} data-grip="move" fill={colour} fillOpacity={0.2} stroke={colour} strokeWidth={2} style={{ cursor: 'move' }} />
      )}
      {shape.polygon
        ? shape.polygon.map((v, i) => {
          const [x, y] = toElement(v);
          return <circle key={i} data-grip={`vertex-${i}`} cx={x} cy={y} r={VERTEX} fill="#fff" stroke="#111" strokeWidth={1.5} style={{ cursor: 'crosshair' }} />;
        })
        : BOX_HANDLES.map((h) => {
          const [x, y] = toElement(handlePoint(shape.box, h));
          return <rect key={h} data-grip={h} x={x - HANDLE / 2} y={y - HANDLE / 2} width={HANDLE} height={HANDLE} fill="#fff" stroke="#111" strokeWidth={1.5} style={{ cursor: CURSOR[h] }} />;
        })}
    </g>
  );
}
