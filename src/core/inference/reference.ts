import type { InstalledModel } from './catalog.ts';
import { decodeFcos } from './decode-fcos.ts';
import { iou } from './nms.ts';
import { openSession, ort } from './session.ts';

/** Largest tolerated difference between onnxruntime and PyTorch outputs (float32, different kernels). */
export const MAX_ABS_DIFF = 1e-3;

interface ReferenceJson {
  ids: string[];
  shape: number[];
  output_shapes: Record<string, number[]>;
  detections?: Array<{ boxes: number[][]; scores: number[]; labels: number[] }>;
}

const floats = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));

export interface ReferenceReport {
  ok: boolean;
  maxAbsDiff: Record<string, number>;
  /** Detectors: reference detections (score ≥ 0.05) matched by ours (same class, IoU ≥ 0.99, |Δscore| ≤ 1e-3). */
  detections?: { reference: number; matched: number };
}

/**
 * Runs the exported ONNX model on the reference input saved by the training
 * script and compares: raw outputs, and for FCOS detectors the decoded boxes
 * against torchvision's post-processing of the same outputs.
 */
export async function compareWithReference(model: InstalledModel, read: (file: string) => Promise<Buffer>): Promise<ReferenceReport> {
  const m = model.manifest;
  const ref = JSON.parse((await read('reference.json')).toString('utf8')) as ReferenceJson;
  const session = await openSession(model, 1);
  const input = floats(await read('input.f32'));
  const result = await session.run({ [m.input.name]: new ort.Tensor('float32', input, ref.shape) });
  const maxAbsDiff: Record<string, number> = {};
  const outs: Record<string, Float32Array> = {};
  for (const name of m.outputs.names) {
    const expected = floats(await read(`${name}.f32`));
    const got = result[name]!.data as Float32Array;
    outs[name] = got;
    let d = got.length === expected.length ? 0 : Infinity;
    for (let i = 0; i < Math.min(got.length, expected.length); i++) d = Math.max(d, Math.abs(got[i]! - expected[i]!));
    maxAbsDiff[name] = d;
  }
  let ok = Object.values(maxAbsDiff).every((d) => d <= MAX_ABS_DIFF);
  const report: ReferenceReport = { ok, maxAbsDiff };
  if (m.outputs.decoder === 'fcos' && ref.detections) {
    const [cls, reg, ctr] = m.outputs.names.map((n) => outs[n]!);
    const n = ref.shape[0]!;
    let total = 0;
    let matched = 0;
    for (let b = 0; b < n; b++) {
      const slice = (a: Float32Array) => a.subarray((a.length / n) * b, (a.length / n) * (b + 1));
      const ours = decodeFcos({ cls: slice(cls!), reg: slice(reg!), ctr: slice(ctr!) }, {
        inputW: ref.shape[3]!, inputH: ref.shape[2]!, numClasses: m.classes.length, strides: m.outputs.strides, anchorSizes: m.outputs.anchor_sizes,
        candidateThreshold: 0.01, topk: 1000, nmsIou: 0.6, maxDetections: 100,
      });
      const theirs = ref.detections[b]!;
      theirs.scores.forEach((score, i) => {
        if (score < 0.05) return;
        total++;
        const box = theirs.boxes[i]!;
        if (ours.some((o) => o.cls === theirs.labels[i] && Math.abs(o.score - score) <= 1e-3 && iou(o.box, box) >= 0.99)) matched++;
      });
    }
    report.detections = { reference: total, matched };
    ok &&= matched === total;
    report.ok = ok;
  }
  return report;
}
