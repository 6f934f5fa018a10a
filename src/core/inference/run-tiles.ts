import type { ModelManifest } from './manifest.ts';
import { decodeFcos } from './decode-fcos.ts';
import { maskFindings, stitchMasks, type MaskCanvas } from './decode-mask.ts';
import type { Pixels } from './preprocess.ts';
import { writeTile } from './preprocess.ts';
import type { RawFinding } from './protocol.ts';
import type { Tile } from './tiling.ts';
import type { ort } from './session.ts';

type Session = ort.InferenceSession;

/** Four 256×256 inputs. */
const MAX_BATCH_PIXELS = 4 * 256 * 256;
type TensorCtor = typeof ort.Tensor;

/** Runs `tiles` through the session `batch` at a time; calls `each` with every tile's outputs. */
async function forEachOutput(
  session: Session, Tensor: TensorCtor, manifest: ModelManifest, px: Pixels, tiles: Tile[], batch: number,
  each: (tile: Tile, outputs: Float32Array[], index: number) => void,
): Promise<void> {
  for (let start = 0; start < tiles.length;) {
    // A batch holds tiles of one input size (all of them, except a whole-image pass).
    const first = tiles[start]!;
    // Batches are capped in pixels too: a batch of large tiles only adds activation memory.
    const most = Math.max(1, Math.min(batch, Math.floor(MAX_BATCH_PIXELS / (first.inW * first.inH))));
    let end = start + 1;
    while (end < tiles.length && end - start < most && tiles[end]!.inW === first.inW && tiles[end]!.inH === first.inH) end++;
    const group = tiles.slice(start, end);
    const per = 3 * first.inW * first.inH;
    const input = new Float32Array(group.length * per);
    group.forEach((t, i) => writeTile(px, t, manifest, input, i * per));
    const result = await session.run({ [manifest.input.name]: new Tensor('float32', input, [group.length, 3, first.inH, first.inW]) });
    const outs = manifest.outputs.names.map((n) => {
      const t = result[n];
      if (!t || t.type !== 'float32') throw new Error(`output ${n} is missing or not float32`);
      return t.data as Float32Array;
    });
    group.forEach((tile, i) => {
      each(tile, outs.map((o) => {
        const len = o.length / group.length;
        return o.subarray(i * len, (i + 1) * len);
      }), start + i);
    });
    start = end;
  }
}

const inCore = (t: Tile, box: readonly number[]) => {
  const cx = (box[0]! + box[2]!) / 2;
  const cy = (box[1]! + box[3]!) / 2;
  return cx >= t.core.x1 && cx < t.core.x2 && cy >= t.core.y1 && cy < t.core.y2;
};

/** Detection: each tile's candidates in source pixels, keeping those whose centre is in the tile's core. */
export async function detectTiles(session: Session, Tensor: TensorCtor, manifest: ModelManifest, px: Pixels, tiles: Tile[], batch: number): Promise<RawFinding[]> {
  if (manifest.outputs.decoder !== 'fcos') throw new Error('not a detection model');
  const o = manifest.outputs;
  const p = manifest.postprocess;
  const base = {
    numClasses: manifest.classes.length, strides: o.strides, anchorSizes: o.anchor_sizes,
    candidateThreshold: p.candidate_threshold, topk: p.topk_candidates, nmsIou: p.nms_iou, maxDetections: p.max_detections,
  };
  const found: RawFinding[] = [];
  await forEachOutput(session, Tensor, manifest, px, tiles, batch, (tile, [cls, reg, ctr]) => {
    for (const c of decodeFcos({ cls: cls!, reg: reg!, ctr: ctr! }, { ...base, inputW: tile.inW, inputH: tile.inH })) {
      const s = tile.scale;
      const box: [number, number, number, number] = [
        Math.min(tile.x + tile.w, tile.x + c.box[0] / s), Math.min(tile.y + tile.h, tile.y + c.box[1] / s),
        Math.min(tile.x + tile.w, tile.x + c.box[2] / s), Math.min(tile.y + tile.h, tile.y + c.box[3] / s),
      ];
      if (box[2] - box[0] <= 0 || box[3] - box[1] <= 0) continue; // entirely in the padding
      if (inCore(tile, box)) found.push({ cls: c.cls, score: c.score, box });
    }
  });
  return found;
}

/** Segmentation: per-pixel classes stitched over the tiles' cores, then one finding per connected component. */
export async function segmentTiles(
  session: Session, Tensor: TensorCtor, manifest: ModelManifest, px: Pixels, tiles: Tile[], batch: number, threshold: number | ((cls: string) => number),
): Promise<{ findings: RawFinding[]; defectScore: number }> {
  const canvas: MaskCanvas = { width: px.width, height: px.height, label: new Uint8Array(px.width * px.height), prob: new Float32Array(px.width * px.height), defectScore: 0 };
  await forEachOutput(session, Tensor, manifest, px, tiles, batch, (tile, [probs]) => {
    stitchMasks(canvas, tile, probs!);
  });
  return { findings: maskFindings(canvas, manifest, threshold, tiles[0]?.scale ?? 1), defectScore: canvas.defectScore };
}
