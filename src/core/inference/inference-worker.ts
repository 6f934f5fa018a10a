import { parentPort, workerData } from 'node:worker_threads';
import { toErrorShape } from '../app/errors.ts';
import { thresholdFor } from './manifest.ts';
import type { Pixels } from './preprocess.ts';
import type { InferenceRequest, InferenceResponse, InferenceWorkerData } from './protocol.ts';
import { detectTiles, segmentTiles } from './run-tiles.ts';
import { openSession, ort } from './session.ts';

/**
 * A worker thread of the inference pool: each model is loaded once per worker
 * (on first use, sha256-checked) and kept; requests are one image's tiles.
 */
const data = workerData as InferenceWorkerData;
const sessions = new Map<string, Promise<ort.InferenceSession>>();

function sessionFor(req: InferenceRequest): Promise<ort.InferenceSession> {
  const key = `${req.model.dir}\0${req.model.manifest.sha256}`;
  let s = sessions.get(key);
  if (!s) {
    s = openSession(req.model, data.intraOpThreads);
    // A failed load is not cached: the file may be fixed while the app runs.
    s.catch(() => sessions.delete(key));
    sessions.set(key, s);
  }
  return s;
}

function pixels(req: InferenceRequest): Pixels {
  const { width, height, channels, bitsPerSample, buffer } = req.image;
  const samples = bitsPerSample === 16 ? new Uint16Array(buffer) : new Uint8Array(buffer);
  return { width, height, channels, bitsPerSample, samples };
}

async function handle(req: InferenceRequest): Promise<InferenceResponse> {
  const crash = data.crashOnSize;
  if (crash && req.image.width === crash.width && req.image.height === crash.height) process.exit(70);
  const session = await sessionFor(req);
  const { manifest } = req.model;
  const px = pixels(req);
  const started = performance.now();
  try {
    if (manifest.task === 'detect') {
      const findings = await detectTiles(session, ort.Tensor, manifest, px, req.tiles, data.batch);
      return { id: req.id, ok: true, findings, runMs: performance.now() - started };
    }
    const threshold = req.threshold ?? ((cls: string) => thresholdFor(manifest, cls));
    const { findings, defectScore } = await segmentTiles(session, ort.Tensor, manifest, px, req.tiles, data.batch, threshold);
    return { id: req.id, ok: true, findings, defectScore, runMs: performance.now() - started };
  } catch (e) {
    const detail = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
    return { id: req.id, ok: false, code: 'INFERENCE_FAILED', message: `Model ${manifest.id} failed on this image: ${detail}.` };
  }
}

parentPort!.on('message', (req: InferenceRequest) => {
  handle(req).then(
    (res) => parentPort!.postMessage(res),
    (e: unknown) => {
      const { code, message } = toErrorShape(e);
      parentPort!.postMessage({ id: req.id, ok: false, code, message } satisfies InferenceResponse);
    },
  );
});
