import type { ModelManifest } from './manifest.ts';

/** One model input cut from a source image: `x, y, w, h` in source pixels, scaled by `scale` into the model's input. */
export interface Tile {
  x: number;
  y: number;
  w: number;
  h: number;
  scale: number;
  /** The model input this tile is written into (pixels): the manifest's size, or the padded whole image for `wholeImage`. */
  inW: number;
  inH: number;
  /**
   * The part of the image this tile answers for: a finding whose centre lies
   * here is kept from this tile, and from no other. The cores of all tiles
   * partition the image, cutting each overlap in the middle, so a defect no
   * larger than the overlap is seen whole by the tile that reports it, once.
   */
  core: { x1: number; y1: number; x2: number; y2: number };
}

export interface TilingRule {
  tile: number;
  overlap: number;
  above: number;
  /** Model pixels per tile side (default: the model's input size). */
  input?: number;
}

/** Tile origins along one axis: every `tile - overlap`, the last one flush with the end. */
function origins(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const step = tile - overlap;
  const out: number[] = [];
  for (let o = 0; o + tile < length; o += step) out.push(o);
  out.push(length - tile);
  return out;
}

/** Where each tile's core starts and ends along one axis (midpoints of the overlaps). */
function cores(starts: number[], tile: number, length: number): Array<[number, number]> {
  return starts.map((s, i) => {
    const prev = starts[i - 1];
    const next = starts[i + 1];
    const lo = prev === undefined ? 0 : (s + prev + tile) / 2;
    const hi = next === undefined ? length : (next + s + tile) / 2;
    return [lo, hi];
  });
}

/**
 * How an image of `width` × `height` is fed to a model of input size `input`:
 * whole (letterboxed) when small enough, otherwise in overlapping tiles.
 */
export function planTiles(width: number, height: number, input: number, rule: TilingRule): Tile[] {
  if (Math.max(width, height) <= rule.above) {
    return [{ x: 0, y: 0, w: width, h: height, scale: input / Math.max(width, height), inW: input, inH: input, core: { x1: 0, y1: 0, x2: width, y2: height } }];
  }
  const tileInput = rule.input ?? input;
  const xs = origins(width, rule.tile, rule.overlap);
  const ys = origins(height, rule.tile, rule.overlap);
  const cx = cores(xs, rule.tile, width);
  const cy = cores(ys, rule.tile, height);
  const tiles: Tile[] = [];
  ys.forEach((y, j) => {
    xs.forEach((x, i) => {
      const w = Math.min(rule.tile, width - x);
      const h = Math.min(rule.tile, height - y);
      const [x1, x2] = cx[i]!;
      const [y1, y2] = cy[j]!;
      tiles.push({ x, y, w, h, scale: tileInput / rule.tile, inW: tileInput, inH: tileInput, core: { x1, y1, x2, y2 } });
    });
  });
  return tiles;
}

export const tilingFor = (m: ModelManifest, override?: Partial<TilingRule>): TilingRule => ({ ...m.tiling, ...override });

/**
 * The whole image in one pass at the tiles' scale (models exported with a
 * dynamic input size only), padded to a multiple of `multiple` (the largest
 * stride) so every feature level has whole cells. Used to check that tiling
 * changes nothing, and for evaluation.
 */
export function wholeImage(width: number, height: number, input: number, rule: TilingRule, multiple: number): Tile {
  const scale = (rule.input ?? input) / rule.tile;
  const up = (v: number) => Math.max(multiple, Math.ceil((v * scale) / multiple) * multiple);
  return { x: 0, y: 0, w: width, h: height, scale, inW: up(width), inH: up(height), core: { x1: 0, y1: 0, x2: width, y2: height } };
}
