import { useEffect, useReducer, useRef, type PointerEvent as ReactPointerEvent } from 'react';
import { elementPoint, pointerToImage, type ImageSize, type Point, type ViewMapping } from './edit-geometry.ts';
import type { Tool } from './ToolBar.tsx';

export interface Line {
  from: Point;
  to: Point;
}

export type LineKind = 'measure' | 'profile';

export interface MeasureLayerProps {
  view: ViewMapping;
  size: ImageSize;
  tool: Tool;
  measure: Line | null;
  /** The measurement's length as shown beside it ("123.4 px · 45.6 mm"). */
  measureLabel: string | null;
  profile: Line | null;
  /** The profile sample under the chart's cursor, marked on the line. */
  profileMark: Point | null;
  /** A line drawn or moved (`done`: the pointer let go, or a key moved it); null: cleared. */
  onLine: (kind: LineKind, line: Line | null, done: boolean) => void;
  /** A window/level drag (W tool, or the right button anywhere over the image): screen pixels moved since it started. */
  onWindowDrag: (phase: 'start' | 'move' | 'end', dx: number, dy: number) => void;
  /** False while a dialog has the keys. */
  keysEnabled: boolean;
}

const GRAB = 8; // a press this near a line's end moves that end
const MEASURE = '#ffd43b';
const PROFILE = '#22b8cf';
/** The viewer's own elements: a right-drag that starts on them is a window drag (not on the toolbar or panels). */
const OVER_IMAGE = '[data-testid="tile-viewer"], [data-testid="tool-layer"], [data-testid="imaging-layer"]';

type Drag =
  | { kind: 'line'; line: LineKind; end: 'from' | 'to'; fixed: Point; moving: Point }
  | { kind: 'window'; start: Point };

const round = ([x, y]: Point): Point => [Math.round(x * 100) / 100, Math.round(y * 100) / 100];
const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
const ARROWS: Record<string, Point> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** Keys typed into a field or pressed in a dialog are not the layer's. */
function notForLayer(e: KeyboardEvent): boolean {
  const t = e.target instanceof HTMLElement ? e.target : null;
  return t !== null && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || t.closest('[role="dialog"]') !== null);
}

/**
 * The imaging tools' layer over OpenSeadragon: draws the measurement and the
 * profile line (in screen pixels, following every pan and zoom) and, while
 * the window, measure or profile tool is active, takes the pointer: a drag
 * draws a line (or moves the end it starts on), or moves the window. The
 * right button drags the window in any tool. From the keyboard (measure and
 * profile tools): Enter draws a line across the middle of the view, arrows
 * move its end B (Alt: its start A; Shift: 10 pixels), Delete clears it.
 */
export function MeasureLayer(props: MeasureLayerProps) {
  const { view, size, tool, measure, profile, profileMark, measureLabel } = props;
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<Drag | null>(null);
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  useEffect(() => view.subscribe(redraw), [view]);
  const active = tool === 'window' || tool === 'measure' || tool === 'profile';
  const lineKind: LineKind | null = tool === 'measure' || tool === 'profile' ? tool : null;
  // The latest props for listeners registered once.
  const live = useRef(props);
  live.current = props;

  // Right-drag over the image moves the window whatever the tool; the context menu is not shown there.
  useEffect(() => {
    const host = svg.current?.parentElement;
    if (!host) return;
    let start: Point | null = null;
    const move = (e: PointerEvent) => {
      if (start) live.current.onWindowDrag('move', e.clientX - start[0], e.clientY - start[1]);
    };
    const up = (e: PointerEvent) => {
      if (!start) return;
      live.current.onWindowDrag('end', e.clientX - start[0], e.clientY - start[1]);
      start = null;
      window.removeEventListener('pointermove', move, true);
      window.removeEventListener('pointerup', up, true);
    };
    const down = (e: PointerEvent) => {
      if (e.button !== 2 || !(e.target instanceof Element) || !e.target.closest(OVER_IMAGE)) return;
      e.preventDefault();
      e.stopPropagation();
      start = [e.clientX, e.clientY];
      live.current.onWindowDrag('start', 0, 0);
      window.addEventListener('pointermove', move, true);
      window.addEventListener('pointerup', up, true);
    };
    const menu = (e: MouseEvent) => {
      if (e.target instanceof Element && e.target.closest(OVER_IMAGE)) e.preventDefault();
    };
    host.addEventListener('pointerdown', down, true);
    host.addEventListener('contextmenu', menu, true);
    return () => {
      host.removeEventListener('pointerdown', down, true);
      host.removeEventListener('contextmenu', menu, true);
      window.removeEventListener('pointermove', move, true);
      window.removeEventListener('pointerup', up, true);
    };
  }, []);

  // Scroll zooms around the pointer while the layer has it, as OpenSeadragon does in the pan tool.
  useEffect(() => {
    const el = svg.current;
    if (!el || !active) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      view.zoomAt(e.deltaY < 0 ? 1.2 : 1 / 1.2, elementPoint(e.clientX, e.clientY, el.getBoundingClientRect()));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [view, active]);

  // Keys for the measure and profile tools, taken before the viewer's own (arrows would pan).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const p = live.current;
      const kind = p.tool === 'measure' || p.tool === 'profile' ? p.tool : null;
      if (!kind || !p.keysEnabled || notForLayer(e) || e.ctrlKey || e.metaKey) return;
      const line = kind === 'measure' ? p.measure : p.profile;
      const clamp = ([x, y]: Point): Point => [Math.min(p.size.width, Math.max(0, x)), Math.min(p.size.height, Math.max(0, y))];
      let handled = true;
      if (e.key === 'Enter' && !line) {
        const r = svg.current?.getBoundingClientRect();
        if (!r) return;
        p.onLine(kind, { from: round(clamp(p.view.toImage([r.width * 0.25, r.height / 2]))), to: round(clamp(p.view.toImage([r.width * 0.75, r.height / 2]))) }, true);
      } else if ((e.key === 'Delete' || e.key === 'Backspace') && line) {
        p.onLine(kind, null, true);
      } else if (ARROWS[e.key] && line) {
        const [dx, dy] = ARROWS[e.key]!;
        const by = e.shiftKey ? 10 : 1;
        const end = e.altKey ? 'from' : 'to';
        p.onLine(kind, { ...line, [end]: round(clamp([line[end][0] + dx * by, line[end][1] + dy * by])) }, true);
      } else {
        handled = false;
      }
      if (handled) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const imageAt = (e: ReactPointerEvent) => pointerToImage(e.clientX, e.clientY, svg.current!.getBoundingClientRect(), view, size);

  const onPointerDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (e.button !== 0 || !active) return;
    if (tool === 'window') {
      drag.current = { kind: 'window', start: [e.clientX, e.clientY] };
      props.onWindowDrag('start', 0, 0);
    } else if (lineKind) {
      const p = round(imageAt(e));
      const line = lineKind === 'measure' ? measure : profile;
      const here = elementPoint(e.clientX, e.clientY, svg.current!.getBoundingClientRect());
      // Pressed on an end of the line: move that end; anywhere else: a new line from here.
      if (line && distance(view.toElement(line.to), here) <= GRAB) drag.current = { kind: 'line', line: lineKind, end: 'to', fixed: line.from, moving: line.to };
      else if (line && distance(view.toElement(line.from), here) <= GRAB) drag.current = { kind: 'line', line: lineKind, end: 'from', fixed: line.to, moving: line.from };
      else drag.current = { kind: 'line', line: lineKind, end: 'to', fixed: p, moving: p };
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
  };

  const lineOf = (d: Extract<Drag, { kind: 'line' }>): Line => (d.end === 'to' ? { from: d.fixed, to: d.moving } : { from: d.moving, to: d.fixed });

  const onPointerMove = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d) return;
    if (d.kind === 'window') {
      props.onWindowDrag('move', e.clientX - d.start[0], e.clientY - d.start[1]);
    } else {
      d.moving = round(imageAt(e));
      props.onLine(d.line, lineOf(d), false);
    }
  };

  const onPointerUp = (e: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    drag.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    if (d?.kind === 'window') props.onWindowDrag('end', e.clientX - d.start[0], e.clientY - d.start[1]);
    if (d?.kind === 'line') {
      const line = lineOf(d);
      // A click without a drag draws nothing (and clears the old line).
      props.onLine(d.line, distance(line.from, line.to) > 0 ? line : null, true);
    }
  };

  const el = (p: Point) => view.toElement(p);
  const cursor = tool === 'window' ? 'ns-resize' : lineKind ? 'crosshair' : 'default';
  return (
    <svg
      ref={svg}
      data-testid="imaging-layer"
      data-tool={tool}
      aria-hidden="true"
      style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', zIndex: 4, cursor, touchAction: 'none', pointerEvents: active ? 'auto' : 'none' }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      {measure && <DrawnLine line={measure} colour={MEASURE} toElement={el} label={measureLabel} testId="measure-line" />}
      {profile && <DrawnLine line={profile} colour={PROFILE} toElement={el} ends={['A', 'B']} testId="profile-line" />}
      {profileMark && (() => {
        const [x, y] = el(profileMark);
        return <circle cx={x} cy={y} r={5} fill="none" stroke="#fff" strokeWidth={2} data-testid="profile-mark" />;
      })()}
    </svg>
  );
}

function DrawnLine({ line, colour, toElement, label = null, ends, testId }: {
  line: Line;
  colour: string;
  toElement: (p: Point) => Point;
  label?: string | null;
  ends?: [string, string];
  testId: string;
}) {
  const [ax, ay] = toElement(line.from);
  const [bx, by] = toElement(line.to);
  const text = { fill: '#fff', fontSize: 13, stroke: 'rgba(0,0,0,0.85)', strokeWidth: 3, paintOrder: 'stroke' } as const;
  return (
    <g data-testid={testId}>
      <line x1={ax} y1={ay} x2={bx} y2={by} stroke="rgba(0,0,0,0.6)" strokeWidth={4} />
      <line x1={ax} y1={ay} x2={bx} y2={by} stroke={colour} strokeWidth={2} />
      <circle cx={ax} cy={ay} r={4} fill={colour} stroke="#000" />
      <circle cx={bx} cy={by} r={4} fill={colour} stroke="#000" />
      {ends && <text x={ax - 14} y={ay - 8} {...text}>{ends[0]}</text>}
      {ends && <text x={bx + 8} y={by - 8} {...text}>{ends[1]}</text>}
      {label && <text x={(ax + bx) / 2 + 8} y={(ay + by) / 2 - 10} {...text} data-testid={`${testId}-label`}>{label}</text>}
    </g>
  );
}
