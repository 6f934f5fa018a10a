// @vitest-environment jsdom
import OpenSeadragon from 'openseadragon';
import { describe, expect, it } from 'vitest';
import {
  boxFromDrag, closePolygon, dragGrip, handlePoint, moveShape, pointerToImage, resizeShape, sameShape, shapeInput, shapeOf, type Shape,
} from '../../../src/renderer/src/features/viewer/edit-geometry.ts';
import { viewportMapping } from '../../../src/renderer/src/features/viewer/osd-mapping.ts';

/**
 * The edit layer's maths: pointer positions to image pixels through a real
 * OpenSeadragon viewport (as the viewer has it, on its own here: jsdom has
 * no canvas to draw tiles on), handle drags, keyboard moves and clamping to
 * the image. The pointer itself is driven in Chromium by the e2e test.
 */

const SIZE = { width: 200, height: 100 };

/** A viewer element of 800×600 showing a 200×100 image fitted to its width (4 screen pixels per image pixel, centred vertically). */
function fittedViewport() {
  const defaults = (OpenSeadragon as unknown as { DEFAULT_SETTINGS: Record<string, unknown> }).DEFAULT_SETTINGS;
  const viewport = new OpenSeadragon.Viewport({ ...defaults, containerSize: new OpenSeadragon.Point(800, 600), margins: {}, viewer: null } as never);
  viewport.resetContentSize(new OpenSeadragon.Point(SIZE.width, SIZE.height));
  viewport.goHome(true);
  return viewport;
}

const box = (b: [number, number, number, number]): Shape => ({ box: b, polygon: null });

describe('pointer to image pixels', () => {
  it('maps through the viewport: fitted, zoomed and panned, and back', () => {
    const viewport = fittedViewport();
    const view = viewportMapping(viewport);
    // The viewer element sits at (100, 50) on the page.
    const rect = { left: 100, top: 50 };
    // Fitted: the image spans x 0…800 and y 100…500 of the element.
    expect(pointerToImage(100, 150, rect, view, SIZE)).toEqual([0, 0]);
    expect(pointerToImage(500, 350, rect, view, SIZE)).toEqual([100, 50]);
    expect(pointerToImage(900, 550, rect, view, SIZE)).toEqual([200, 100]);
    // Off the image, the point is clamped to its edge.
    expect(pointerToImage(50, 60, rect, view, SIZE)).toEqual([0, 0]);
    expect(view.toImage([0, 0])).toEqual([0, -25]);

    // Zoomed ×2 about the centre: 8 screen pixels per image pixel, the centre stays put.
    viewport.zoomBy(2, undefined, true);
    expect(pointerToImage(500, 350, rect, view, SIZE).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([100, 50]);
    expect(pointerToImage(500 + 80, 350 - 40, rect, view, SIZE).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([110, 45]);
    // Panned by 40 screen pixels to the right: the image follows the pointer, 5 image pixels.
    view.panBy(40, 0);
    viewport.update();
    expect(pointerToImage(500, 350, rect, view, SIZE).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([95, 50]);
    // And back: image to element is the inverse.
    const [ex, ey] = view.toElement([95, 50]);
    expect([Math.round(ex), Math.round(ey)]).toEqual([400, 300]);
  });
});

describe('dragging a handle, the body or a vertex', () => {
  const start = box([50, 20, 100, 60]);

  it('puts the eight handles on the corners and edge midpoints', () => {
    expect(handlePoint(start.box, 'nw')).toEqual([50, 20]);
    expect(handlePoint(start.box, 'n')).toEqual([75, 20]);
    expect(handlePoint(start.box, 'e')).toEqual([100, 40]);
    expect(handlePoint(start.box, 'se')).toEqual([100, 60]);
    expect(handlePoint(start.box, 'sw')).toEqual([50, 60]);
  });

  it('moves the edges a handle holds, and only those', () => {
    expect(dragGrip(start, { kind: 'handle', handle: 'se' }, 10, 5, SIZE).box).toEqual([50, 20, 110, 65]);
    expect(dragGrip(start, { kind: 'handle', handle: 'nw' }, -10, -5, SIZE).box).toEqual([40, 15, 100, 60]);
    expect(dragGrip(start, { kind: 'handle', handle: 'n' }, 30, 7, SIZE).box).toEqual([50, 27, 100, 60]);
    expect(dragGrip(start, { kind: 'handle', handle: 'w' }, 3, 30, SIZE).box).toEqual([53, 20, 100, 60]);
  });

  it('keeps the box in the image and at least a pixel wide and high', () => {
    expect(dragGrip(start, { kind: 'handle', handle: 'se' }, 500, 500, SIZE).box).toEqual([50, 20, 200, 100]);
    expect(dragGrip(start, { kind: 'handle', handle: 'nw' }, -500, -500, SIZE).box).toEqual([0, 0, 100, 60]);
    // Dragged past the opposite edge, the edge stops a pixel short of it.
    expect(dragGrip(start, { kind: 'handle', handle: 'e' }, -80, 0, SIZE).box).toEqual([50, 20, 51, 60]);
    expect(dragGrip(start, { kind: 'handle', handle: 'n' }, 0, 80, SIZE).box).toEqual([50, 59, 100, 60]);
  });

  it('moves the whole box by its body, stopping at the image edge with its size kept', () => {
    expect(dragGrip(start, { kind: 'move' }, 10, -5, SIZE).box).toEqual([60, 15, 110, 55]);
    expect(dragGrip(start, { kind: 'move' }, 1000, 1000, SIZE).box).toEqual([150, 60, 200, 100]);
    expect(moveShape(start, -70, -30, SIZE).box).toEqual([0, 0, 50, 40]);
  });

  it('scales an outline with its box, and moves a vertex alone with the box following the outline', () => {
    const outlined = shapeOf({ box: [0, 0, 1, 1], polygon: [[10, 10], [30, 10], [20, 30]] });
    expect(outlined.box).toEqual([10, 10, 30, 30]); // the box is the outline's bounds
    const wider = dragGrip(outlined, { kind: 'handle', handle: 'e' }, 20, 0, SIZE);
    expect(wider).toEqual({ box: [10, 10, 50, 30], polygon: [[10, 10], [50, 10], [30, 30]] });
    // Scaled by a third, the vertices inside are kept to a hundredth of a pixel; those on the edges stay on them.
    expect(dragGrip(outlined, { kind: 'handle', handle: 'se' }, -14, 0, SIZE).polygon).toEqual([[10, 10], [16, 10], [13, 30]]);
    expect(dragGrip(outlined, { kind: 'handle', handle: 'e' }, -13, 0, SIZE).polygon).toEqual([[10, 10], [17, 10], [13.5, 30]]);
    expect(dragGrip(shapeOf({ box: [0, 0, 1, 1], polygon: [[0, 0], [3, 0], [1, 3]] }), { kind: 'handle', handle: 'e' }, 4, 0, SIZE).polygon).toEqual([[0, 0], [7, 0], [2.33, 3]]);
    const moved = dragGrip(outlined, { kind: 'vertex', index: 2 }, 5, 40, SIZE);
    expect(moved).toEqual({ box: [10, 10, 30, 70], polygon: [[10, 10], [30, 10], [25, 70]] });
    // A vertex dragged off the image stays on its edge.
    expect(dragGrip(outlined, { kind: 'vertex', index: 0 }, -50, -50, SIZE).polygon![0]).toEqual([0, 0]);
    // Onto the line of the others (no area left): the shape stays as it was.
    const flat = shapeOf({ box: [0, 0, 1, 1], polygon: [[10, 10], [30, 10], [20, 11]] });
    expect(dragGrip(flat, { kind: 'vertex', index: 2 }, 0, -1, SIZE)).toBe(flat);
    // Moving the body moves every vertex.
    expect(moveShape(outlined, 5, 5, SIZE).polygon).toEqual([[15, 15], [35, 15], [25, 35]]);
    // What an edit saves: the outline alone (the core sets the box to its bounds), or the box.
    expect(shapeInput(moved)).toEqual({ polygon: moved.polygon });
    expect(shapeInput(start)).toEqual({ box: start.box });
  });
});

describe('keyboard edits', () => {
  it('resizes from the bottom-right edge, never past the image nor under a pixel', () => {
    const s = box([50, 20, 100, 60]);
    expect(resizeShape(s, 10, 0, SIZE).box).toEqual([50, 20, 110, 60]);
    expect(resizeShape(s, 0, -10, SIZE).box).toEqual([50, 20, 100, 50]);
    expect(resizeShape(s, 500, 500, SIZE).box).toEqual([50, 20, 200, 100]);
    expect(resizeShape(s, -500, -500, SIZE).box).toEqual([50, 20, 51, 21]);
  });

  it('keeps what the keys do not move exactly as stored (a model box is in fractions of a pixel)', () => {
    const model = box([50.95602869987488, 6.214660406112671, 90.5, 40.25]);
    expect(moveShape(model, 1, 0, SIZE).box).toEqual([51.95602869987488, 6.214660406112671, 91.5, 40.25]);
    expect(resizeShape(model, -10, 0, SIZE).box).toEqual([50.95602869987488, 6.214660406112671, 80.5, 40.25]);
    expect(dragGrip(model, { kind: 'handle', handle: 'se' }, -3, -4, SIZE).box).toEqual([50.95602869987488, 6.214660406112671, 87.5, 36.25]);
  });

  it('compares shapes', () => {
    expect(sameShape(box([1, 2, 3, 4]), box([1, 2, 3, 4]))).toBe(true);
    expect(sameShape(box([1, 2, 3, 4]), box([1, 2, 3, 5]))).toBe(false);
    expect(sameShape(box([1, 2, 3, 4]), { box: [1, 2, 3, 4], polygon: [[1, 2], [3, 2], [2, 4]] })).toBe(false);
  });
});

describe('drawing a missing finding', () => {
  it('a box from a drag either way, clamped to the image; a click draws nothing', () => {
    expect(boxFromDrag([120, 80], [100, 40], SIZE)).toEqual([100, 40, 120, 80]);
    expect(boxFromDrag([190, 90], [260, 140], SIZE)).toEqual([190, 90, 200, 100]);
    expect(boxFromDrag([10, 10], [10.5, 40], SIZE)).toBeNull();
  });

  it('an outline needs three corners enclosing an area; the double-click that closes it adds no corner', () => {
    expect(closePolygon([[10, 10], [40, 10]], SIZE)).toBeNull();
    expect(closePolygon([[10, 10], [20, 10], [30, 10]], SIZE)).toBeNull();
    expect(closePolygon([[10, 10], [40, 10], [25, 30], [25, 30]], SIZE)).toEqual({ box: [10, 10, 40, 30], polygon: [[10, 10], [40, 10], [25, 30]] });
    // Back on the first corner: the same outline.
    expect(closePolygon([[10, 10], [40, 10], [25, 30], [10, 10]], SIZE)?.polygon).toHaveLength(3);
    expect(closePolygon([[-5, 10], [40, -3], [25, 300]], SIZE)).toEqual({ box: [0, 0, 40, 100], polygon: [[0, 10], [40, 0], [25, 100]] });
  });
});
