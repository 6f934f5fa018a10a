import type { Finding } from '../../../../shared/contract/index.ts';
import { className, scoreLabel } from '../findings/colours.ts';

/** A finding as the viewer draws it. */
export interface DrawnFinding {
  finding: Finding;
  colour: string;
}

/** How findings are drawn: the user's view settings, never stored. */
export interface OverlayStyle {
  /** 0.1 to 1, applied on top of each finding's own opacity. */
  opacity: number;
  /** 'hover': a label shows only while the pointer is over its box (and on the selected finding). */
  labels: 'always' | 'hover';
}

export const DEFAULT_OVERLAY_STYLE: OverlayStyle = { opacity: 1, labels: 'always' };

export interface ViewportRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A rectangle in image pixels as OpenSeadragon viewport coordinates: with one
 * image placed at the origin, the image's width is 1 in viewport units.
 */
export function imageToViewport(x: number, y: number, width: number, height: number, imageWidth: number): ViewportRect {
  return { x: x / imageWidth, y: y / imageWidth, width: width / imageWidth, height: height / imageWidth };
}

/** Where a finding's box lies, in viewport coordinates (at least one image pixel wide and high). */
export function findingRect(f: Finding, imageWidth: number): ViewportRect {
  const [x1, y1, x2, y2] = f.box;
  return imageToViewport(x1, y1, Math.max(1, x2 - x1), Math.max(1, y2 - y1), imageWidth);
}

/**
 * The region to show when the user goes to a finding: the box in the middle
 * with room around it (three times its size, at least 96 image pixels), so
 * the defect is seen in its surroundings.
 */
export function focusRect(f: Finding, imageWidth: number): ViewportRect {
  const [x1, y1, x2, y2] = f.box;
  const side = Math.max(96, 3 * Math.max(x2 - x1, y2 - y1));
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  return imageToViewport(cx - side / 2, cy - side / 2, side, side, imageWidth);
}

const SVG = 'http://www.w3.org/2000/svg';
const REJECTED_GREY = '#9e9e9e';
const STATUS_MARK: Record<Finding['status'], string> = { proposed: '', accepted: '✓ ', edited: '✓ ', rejected: '✗ ' };

/**
 * The element OpenSeadragon places over a finding's box (it sets the size on
 * each frame): the box's outline, its polygon when the model gave one (in an
 * SVG whose coordinates are the box's image pixels, so it scales with the
 * image while the lines stay thin), and a label with the class and score that
 * keeps its size at any zoom (finding-overlays.css hides it on boxes too small
 * on screen to carry one, and, with labels on hover, shows it only under the
 * pointer). Hidden from screen readers: the findings list
 * next to the image says the same, and can be used with the keyboard.
 */
export function findingElement({ finding, colour: classColour }: DrawnFinding, selected: boolean, view: OverlayStyle = DEFAULT_OVERLAY_STYLE): HTMLElement {
  const [x1, y1, x2, y2] = finding.box;
  // Decided ones say so: accepted (or edited) solid with a tick, rejected dashed grey with a cross; proposed as the model drew them.
  const rejected = finding.status === 'rejected';
  const colour = rejected ? REJECTED_GREY : classColour;
  const mark = STATUS_MARK[finding.status];
  const el = document.createElement('div');
  el.className = 'chitti-finding';
  if (selected) el.dataset.selected = '';
  el.dataset.testid = 'finding-overlay';
  el.dataset.findingId = finding.id;
  el.dataset.status = finding.status;
  el.dataset.labels = view.labels;
  el.setAttribute('aria-hidden', 'true');
  const hasPolygon = !!finding.polygon && finding.polygon.length >= 3;
  Object.assign(el.style, {
    position: 'relative',
    boxSizing: 'border-box',
    // On hover the box must receive the pointer; the events still bubble to OpenSeadragon, so dragging pans as before.
    pointerEvents: view.labels === 'hover' ? 'auto' : 'none',
    border: `${selected ? 3 : 2}px ${rejected || (hasPolygon && finding.status === 'proposed') ? 'dashed' : 'solid'} ${colour}`,
    opacity: String(Math.round((rejected && !selected ? 0.7 : 1) * view.opacity * 100) / 100),
    outline: selected ? '2px solid #fff' : '1px solid rgba(0, 0, 0, 0.6)',
    zIndex: selected ? '2' : '1',
  } satisfies Partial<CSSStyleDeclaration>);

  if (hasPolygon) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `0 0 ${Math.max(1, x2 - x1)} ${Math.max(1, y2 - y1)}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    Object.assign(svg.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', overflow: 'visible' });
    const polygon = document.createElementNS(SVG, 'polygon');
    polygon.setAttribute('points', finding.polygon!.map(([x, y]) => `${x - x1},${y - y1}`).join(' '));
    polygon.setAttribute('fill', colour);
    polygon.setAttribute('fill-opacity', '0.25');
    polygon.setAttribute('stroke', colour);
    polygon.setAttribute('stroke-width', selected ? '3' : '2');
    polygon.setAttribute('vector-effect', 'non-scaling-stroke');
    svg.appendChild(polygon);
    el.appendChild(svg);
  }

  const label = document.createElement('div');
  label.className = 'chitti-finding-label';
  label.textContent = `${mark}${className(finding.class)} ${scoreLabel(finding.score)}`;
  Object.assign(label.style, {
    position: 'absolute',
    left: `-${selected ? 3 : 2}px`,
    bottom: '100%',
    padding: '0 4px',
    background: colour,
    color: '#111',
    font: '600 12px/16px system-ui, sans-serif',
    whiteSpace: 'nowrap',
    borderRadius: '2px 2px 0 0',
    outline: selected ? '2px solid #fff' : 'none',
  } satisfies Partial<CSSStyleDeclaration>);
  el.appendChild(label);
  return el;
}
