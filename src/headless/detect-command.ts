import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ChittiError } from '../core/app/errors.ts';
import type { DetectionEngine, ImageFindings } from '../core/inference/engine.ts';
import { SNIFF_BYTES, sniffContent } from '../core/ingest/sniff.ts';
import { expandPaths } from '../core/ingest/walk.ts';
import { EXIT } from './exit-codes.ts';

export interface DetectOptions {
  model?: string;
  format: 'json' | 'coco';
  out?: string;
  threshold?: string;
  workers?: string;
}

/** One line of `--format json`: the task's JSON-lines schema (README). */
export function jsonLine(file: string, r: ImageFindings) {
  return {
    file,
    width: r.width,
    height: r.height,
    model: `${r.model.id}@${r.model.version}`,
    detections: r.findings.map((f) => ({
      class: f.class,
      score: round(f.score, 5),
      box: f.box.map((v) => round(v, 2)),
      ...(f.polygon ? { polygon: f.polygon } : {}),
      ...(f.rle ? { rle: f.rle } : {}),
    })),
    ...(r.defectScore !== undefined ? { defect_score: round(r.defectScore, 5) } : {}),
  };
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** COCO results entries (bbox as [x, y, w, h]); image_id is the file's 1-based position in the input order. */
function cocoEntries(imageId: number, r: ImageFindings, classes: string[]) {
  return r.findings.map((f) => ({
    image_id: imageId,
    category_id: classes.indexOf(f.class) + 1,
    bbox: [f.box[0], f.box[1], f.box[2] - f.box[0], f.box[3] - f.box[1]].map((v) => round(v, 2)),
    score: round(f.score, 5),
    ...(f.rle ? { segmentation: f.rle } : {}),
  }));
}

async function readImage(file: string): Promise<{ bytes: Buffer; mime: string }> {
  const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new ChittiError('NOT_FOUND', e.code === 'ENOENT' ? 'No such file.' : `The file cannot be read (${e.code ?? 'error'}).`);
  });
  try {
    const bytes = await handle.readFile();
    const sniff = await sniffContent(bytes.subarray(0, SNIFF_BYTES));
    if (!sniff.ok) throw new ChittiError('NOT_AN_IMAGE', sniff.message);
    if (sniff.kind !== 'image') throw new ChittiError('NOT_AN_IMAGE', `This is a ${sniff.label}, not an image.`);
    return { bytes, mime: sniff.mime };
  } finally {
    await handle.close();
  }
}

function progress(done: number, total: number, name: string) {
  if (!process.stderr.isTTY) return;
  const width = 24;
  const filled = Math.round((done / Math.max(1, total)) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${name.slice(-40).padEnd(40)}`);
  if (done === total) process.stderr.write('\n');
}

/**
 * `chitti detect <paths...>`: files outside any job, for scripts and
 * evaluation. Images run in parallel (the engine's pool); output keeps the
 * input order. A file that fails gets an error line and the rest go on; a
 * problem with the model itself stops the run.
 */
export async function detectFiles(engine: DetectionEngine, paths: string[], o: DetectOptions): Promise<number> {
  const threshold = o.threshold === undefined ? undefined : Number(o.threshold);
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) throw new ChittiError('INVALID_INPUT', '--threshold must be a number from 0 to 1.');
  const model = await engine.resolveModel(o.model);
  const files = (await expandPaths(paths)).map((f) => f.source);
  const sink = o.out ? createWriteStream(o.out) : process.stdout;
  const write = (s: string) => new Promise<void>((resolve, reject) => sink.write(s, (e) => (e ? reject(e) : resolve())));
  const results: Array<Promise<ImageFindings>> = [];
  let failed = 0;
  let done = 0;
  const coco: unknown[] = [];
  // Keep the pool busy: start up to 2 × workers images ahead of the one being written.
  const ahead = engine.poolSize * 2;
  const start = (i: number) => {
    const file = files[i]!;
    results[i] = readImage(file).then(({ bytes, mime }) => engine.detectWith(bytes, mime, model, { threshold }));
    results[i].catch(() => {}); // settled below, in order
  };
  for (let i = 0; i < Math.min(ahead, files.length); i++) start(i);
  for (let i = 0; i < files.length; i++) {
    if (i + ahead < files.length) start(i + ahead);
    const file = files[i]!;
    try {
      const r = await results[i]!;
      if (o.format === 'coco') coco.push(...cocoEntries(i + 1, r, model.manifest.classes));
      else await write(JSON.stringify(jsonLine(file, r)) + '\n');
    } catch (e) {
      if (!(e instanceof ChittiError)) throw e;
      if (e.code.startsWith('MODEL_')) throw e;
      failed++;
      if (o.format === 'json') await write(JSON.stringify({ file, error: { code: e.code, message: e.message } }) + '\n');
      else process.stderr.write(`chitti: ${path.basename(file)}: ${e.code}: ${e.message}\n`);
    }
    progress(++done, files.length, path.basename(file));
  }
  if (o.format === 'coco') await write(JSON.stringify(coco) + '\n');
  if (o.out) await new Promise<void>((r) => (sink as NodeJS.WritableStream).end(r));
  return failed > 0 ? EXIT.PARTIAL : EXIT.OK;
}

export function detectCommandOptions(cmd: Command): Command {
  return cmd
    .option('--model <id>', 'model id (default: the first detection model; see `chitti models list`)')
    .option('--format <format>', 'json (JSON lines, one per image) or coco (COCO results list)', 'json')
    .option('--out <file>', 'write results to a file instead of stdout')
    .option('--threshold <score>', 'report findings scoring at least this (0..1), instead of the model\'s per-class thresholds')
    .option('--workers <n>', 'inference worker threads (default: one per core)');
}
