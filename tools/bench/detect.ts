/**
 * Detection benchmark: `npm run bench` (or `node --import tsx tools/bench/detect.ts`).
 *
 * On the NEU-DET val images (../shared/data) with the shipped detector:
 * 1. throughput of `chitti detect` (the engine with its worker pool, JSON
 *    lines written) against a minimal reference measured in the same run:
 *    sharp decode + letterbox + one session.run per image + decode/NMS on the
 *    calling thread, onnxruntime using every core. Ratio = chitti / reference.
 * 2. scaling: the engine with 2 workers against 1 worker.
 * 3. latency per 200×200 image, warm, one at a time: p50 and p95.
 * 4. a generated 8000×2000 16-bit radiograph, in a fresh process: time to
 *    findings and peak RSS.
 * 5. tiled against one whole-image pass on a 640×256 image: same boxes within 1 px.
 * It prints numbers and asserts nothing.
 */
import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os, { availableParallelism } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ModelCatalog } from '../../src/core/inference/catalog.ts';
import { decodeFcos } from '../../src/core/inference/decode-fcos.ts';
import { openSession, ort } from '../../src/core/inference/session.ts';
import { planTiles } from '../../src/core/inference/tiling.ts';
import { writeTile } from '../../src/core/inference/preprocess.ts';
import { detectFiles } from '../../src/headless/detect-command.ts';
import { BUILT_IN_MODELS, headlessEngine } from '../../src/headless/models.ts';
import { radiographTiff } from '../../tests/helpers/radiograph.ts';

const NEU = path.resolve(import.meta.dirname, '../../../shared/data/neu-det');
const MODELS = process.env.CHITTI_MODELS_DIR ? path.resolve(process.env.CHITTI_MODELS_DIR) : BUILT_IN_MODELS;
const ids = (await readFile(path.join(NEU, 'val.txt'), 'utf8')).split('\n').map((s) => s.trim()).filter(Boolean);
const files = ids.map((id) => path.join(NEU, 'images', `${id}.jpg`));
const catalog = new ModelCatalog([{ dir: MODELS, origin: 'built-in' }]);
const model = await catalog.defaultFor('detect');
const m = model.manifest;
if (m.outputs.decoder !== 'fcos') throw new Error('expected an FCOS detector');
const cores = availableParallelism();
console.log(`model ${m.id} ${m.version}; ${files.length} val images; ${cores} cores`);

/** The minimal reference: everything on this thread, one run per image. */
async function reference(): Promise<number> {
  const session = await openSession(model, cores);
  const [size] = m.input.size;
  const out = m.outputs as Extract<typeof m.outputs, { decoder: 'fcos' }>;
  const start = performance.now();
  for (const f of files) {
    const { data, info } = await sharp(f).greyscale().raw().toBuffer({ resolveWithObject: true });
    const px = { width: info.width, height: info.height, channels: 1 as const, bitsPerSample: 8 as const, samples: data };
    const [tile] = planTiles(info.width, info.height, size, m.tiling);
    const input = new Float32Array(3 * size * size);
    writeTile(px, tile!, m, input, 0);
    const r = await session.run({ [m.input.name]: new ort.Tensor('float32', input, [1, 3, size, size]) });
    const [cls, reg, ctr] = out.names.map((n) => r[n]!.data as Float32Array);
    decodeFcos({ cls: cls!, reg: reg!, ctr: ctr! }, {
      inputW: size, inputH: size, numClasses: m.classes.length, strides: out.strides, anchorSizes: out.anchor_sizes,
      candidateThreshold: m.postprocess.candidate_threshold, topk: m.postprocess.topk_candidates, nmsIou: m.postprocess.nms_iou, maxDetections: m.postprocess.max_detections,
    });
  }
  return files.length / ((performance.now() - start) / 1000);
}

async function chitti(workers: number): Promise<number> {
  const engine = headlessEngine(catalog, { workers });
  try {
    await engine.detect(await readFile(files[0]!), 'image/jpeg'); // warm: workers started, model loaded
    const start = performance.now();
    await detectFiles(engine, files, { format: 'json', out: '/dev/null' });
    return files.length / ((performance.now() - start) / 1000);
  } finally {
    await engine.close();
  }
}

const ref = await reference();
const two = await chitti(Math.max(2, cores));
const one = await chitti(1);
console.log(`reference (one thread, ort ${cores} threads)  ${ref.toFixed(1)} images/s  1.000`);
console.log(`chitti detect, ${Math.max(2, cores)} workers              ${two.toFixed(1)} images/s  ${(two / ref).toFixed(3)}  (goal >= 0.9)`);
console.log(`chitti detect, 1 worker               ${one.toFixed(1)} images/s  scaling 2 vs 1: ${(two / one).toFixed(2)}x (goal >= 1.6)`);

// Latency, warm, one image at a time.
{
  const engine = headlessEngine(catalog, { workers: 1 });
  const times: number[] = [];
  for (const f of files.slice(0, 80)) {
    const bytes = await readFile(f);
    const t = performance.now();
    await engine.detect(bytes, 'image/jpeg');
    times.push(performance.now() - t);
  }
  await engine.close();
  const warm = times.slice(5).sort((a, b) => a - b);
  const pct = (p: number) => warm[Math.min(warm.length - 1, Math.floor((p / 100) * warm.length))]!;
  console.log(`latency per 200x200 image (warm, 1 worker): p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms`);
}

// Tiled vs one whole-image pass.
{
  const engine = headlessEngine(catalog, { workers: cores });
  let same = 0;
  let total = 0;
  // Not scratches: mirroring would extend a scratch across the whole image.
  for (const id of ['patches_105', 'inclusion_111', 'pitted_surface_103', 'rolled-in_scale_100']) {
    const bytes = await sharp(path.join(NEU, 'images', `${id}.jpg`)).greyscale().extend({ left: 120, right: 320, top: 28, bottom: 28, extendWith: 'mirror' }).png().toBuffer();
    const tiled = await engine.detect(bytes, 'image/png', { tiling: { above: 256, tile: 256, overlap: 64, input: 256 } });
    const whole = await engine.detect(bytes, 'image/png', { whole: true });
    for (const f of whole.findings) {
      total++;
      if (tiled.findings.some((g) => g.class === f.class && g.box.every((v, i) => Math.abs(v - f.box[i]!) <= 1))) same++;
    }
  }
  await engine.close();
  console.log(`tiled (256 px tiles, 3 per image) vs whole-image pass, 4 images 640x256: ${same}/${total} findings equal within 1 px, same class`);
}

// The radiograph, in a fresh process so its peak RSS is its own.
const tiffPath = path.join(os.tmpdir(), `chitti-bench-radiograph-${process.pid}.tif`);
await writeFile(tiffPath, await radiographTiff(8000, 2000));
try {
  const child = execFileSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'detect-radiograph.ts'), tiffPath], { env: { ...process.env, CHITTI_MODELS_DIR: MODELS }, encoding: 'utf8' });
  process.stdout.write(child);
} finally {
  await rm(tiffPath, { force: true });
}
