import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { disableOnnxRuntimeTelemetry } from './ort-environment.ts';
import { ChittiError } from '../app/errors.ts';
import { MODEL_FILE, integrityError } from './catalog.ts';
import type { ModelManifest } from './manifest.ts';

const invalid = (m: ModelManifest, why: string) => new ChittiError('MODEL_INVALID', `Model ${m.id} ${m.version} cannot be used: ${why}.`);

const dimOk = (actual: unknown, expected: number) => typeof actual !== 'number' || actual < 0 || actual === expected;

/**
 * Reads the ONNX file once, checks its sha256 against the manifest on those
 * very bytes (no window between check and load), opens the session and checks
 * its inputs and outputs are the ones the manifest declares.
 */
export async function openSession(model: { dir: string; manifest: ModelManifest }, intraOpThreads: number): Promise<ort.InferenceSession> {
  const { manifest } = model;
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(model.dir, MODEL_FILE));
  } catch {
    throw invalid(manifest, `its ${MODEL_FILE} cannot be read`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== manifest.sha256) throw integrityError(model, sha);
  let session: ort.InferenceSession;
  try {
    disableOnnxRuntimeTelemetry(); // effective on the main thread (tools, tests); the engine sets it for workers
    session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    const detail = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
    throw invalid(manifest, `onnxruntime cannot load it (${detail})`);
  }
  const input = session.inputMetadata.find((i) => i.name === manifest.input.name);
  if (!input) throw invalid(manifest, `it has no input "${manifest.input.name}" (it has ${session.inputNames.join(', ')})`);
  if (input.isTensor) {
    const [, c, h, w] = input.shape;
    const [size] = manifest.input.size;
    if (input.shape.length !== 4 || !dimOk(c, manifest.input.channels) || !dimOk(h, size) || !dimOk(w, size)) {
      throw invalid(manifest, `its input has shape [${input.shape.join(', ')}], the manifest declares [N, ${manifest.input.channels}, ${size}, ${size}]`);
    }
  }
  const missing = manifest.outputs.names.filter((n) => !session.outputNames.includes(n));
  if (missing.length > 0) throw invalid(manifest, `it has no output ${missing.join(', ')}`);
  return session;
}

export { ort };
