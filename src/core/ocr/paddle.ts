import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { ChittiError } from '../app/errors.ts';
import { disableOnnxRuntimeTelemetry } from '../inference/ort-environment.ts';
import { firstMissing, resolveOcrAssets } from './assets.ts';
import { atLeastDpi, checkPageImage, toGrey, toTextRun, type PixelBox } from './page-image.ts';
import { cropLine, REC_HEIGHT, spanBox, type LineCrop } from './paddle/crop.ts';
import { ctcClasses, ctcDecode, type DecodedChar } from './paddle/ctc.ts';
import { dbBoxes, type DbOptions } from './paddle/db-postprocess.ts';
import { failureReason, ocrFailed } from './failure.ts';
import { serialOcrEngine } from './serial-engine.ts';
import type { OcrEngine, OcrResult, PageImage } from './types.ts';
import type { TextRun } from '../parse/types.ts';

export interface PaddleOptions {
  /** The page is scaled down so its longer side is at most this many pixels for text detection (PaddleOCR's det_limit_side_len). */
  detMaxSide?: number;
  /** onnxruntime threads per session. */
  threads?: number;
  /** Lines recognised per model run. */
  recBatch?: number;
  /** Lines read with a lower mean probability are dropped (PaddleOCR's drop_score). */
  dropScore?: number;
  db?: Partial<DbOptions>;
  /** Pages below this resolution are scaled up to it first (0: never); the recogniser drops spaces and confuses letters on 150 dpi crops. */
  minDpi?: number;
}

/**
 * recBatch 1: the recogniser's cost grows faster than linearly with a line's
 * width, so padding short lines to the longest in a batch costs more than the
 * batch saves (measured: 3.2 against 4.8 CPU seconds for a page, batch 1 and 8).
 */
export const PADDLE_DEFAULTS = { detMaxSide: 1920, threads: 2, recBatch: 1, dropScore: 0.5, minDpi: 300 } as const;

/** ImageNet mean and std, as the PP-OCR detector was trained. */
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];


interface Models {
  det: ort.InferenceSession;
  rec: ort.InferenceSession;
  classes: string[];
}

async function loadModels(threads: number): Promise<Models> {
  const { paddle } = resolveOcrAssets();
  const missing = firstMissing([paddle.det, paddle.rec, paddle.dict]);
  if (missing) throw ocrFailed(`the PaddleOCR model file ${missing} is not installed`);
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    // No busy-waiting between runs: OCR is background work beside the UI and other workers.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  try {
    disableOnnxRuntimeTelemetry(); // see ort-environment.ts
    const [det, rec, keys] = await Promise.all([
      ort.InferenceSession.create(paddle.det, options),
      ort.InferenceSession.create(paddle.rec, options),
      readFile(paddle.dict, 'utf8'),
    ]);
    return { det, rec, classes: ctcClasses(keys) };
  } catch (e) {
    throw ocrFailed(`the PaddleOCR models could not be loaded (${failureReason(e)})`, e);
  }
}

/** Text probability map of the page, scaled so its longer side is at most `maxSide` and both sides are multiples of 32. */
async function detect(models: Models, grey: Uint8Array, width: number, height: number, maxSide: number) {
  const s = Math.min(1, maxSide / Math.max(width, height));
  const dw = Math.max(32, Math.round((width * s) / 32) * 32);
  const dh = Math.max(32, Math.round((height * s) / 32) * 32);
  const small = await sharp(grey, { raw: { width, height, channels: 1 } }).resize(dw, dh, { fit: 'fill' }).greyscale().raw().toBuffer();
  const plane = dw * dh;
  const input = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = MEAN[c]!;
    const sd = STD[c]!;
    for (let i = 0; i < plane; i++) input[c * plane + i] = (small[i]! / 255 - m) / sd;
  }
  const out = await models.det.run({ [models.det.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, dh, dw]) });
  const prob = out[models.det.outputNames[0]!]!.data as Float32Array;
  return { prob, dw, dh, sx: width / dw, sy: height / dh };
}

interface ReadLine {
  crop: LineCrop;
  chars: DecodedChar[];
  confidence: number;
  /** Crop pixels (at REC_HEIGHT) per output time step. */
  stepWidth: number;
}

async function recognizeLines(models: Models, crops: LineCrop[], batch: number): Promise<ReadLine[]> {
  const lines: ReadLine[] = [];
  // Similar widths together: less padding per batch.
  const order = crops.map((_, i) => i).sort((a, b) => crops[a]!.width - crops[b]!.width);
  for (let start = 0; start < order.length; start += batch) {
    const group = order.slice(start, start + batch).map((i) => crops[i]!);
    // At least 320 wide, as PaddleOCR's recogniser input (3×48×320) is at its narrowest.
    const width = Math.max(320, ...group.map((c) => c.width));
    const plane = REC_HEIGHT * width;
    const input = new Float32Array(group.length * 3 * plane); // zero = mid grey after normalisation, PaddleOCR's padding
    group.forEach((c, b) => {
      for (let y = 0; y < REC_HEIGHT; y++) {
        for (let x = 0; x < c.width; x++) {
          const v = c.pixels[y * c.width + x]! / 127.5 - 1;
          const at = y * width + x;
          for (let ch = 0; ch < 3; ch++) input[(b * 3 + ch) * plane + at] = v;
        }
      }
    });
    const out = await models.rec.run({ [models.rec.inputNames[0]!]: new ort.Tensor('float32', input, [group.length, 3, REC_HEIGHT, width]) });
    const t = out[models.rec.outputNames[0]!]!;
    const steps = t.dims[1]!;
    group.forEach((crop, b) => {
      const d = ctcDecode(t.data as Float32Array, b, steps, models.classes);
      lines.push({ crop, chars: d.chars, confidence: d.confidence, stepWidth: width / steps });
    });
  }
  return lines;
}

/** Splits a read line at its spaces into words, each boxed by the time steps its characters were read at. */
function lineWords(line: ReadLine): Array<{ text: string; box: PixelBox; conf: number }> {
  const words: Array<{ text: string; box: PixelBox; conf: number }> = [];
  const { crop, stepWidth } = line;
  const toRect = crop.rect.w / crop.width; // crop pixels → page pixels along the line
  let current: DecodedChar[] = [];
  const flush = () => {
    if (current.length === 0) return;
    // NFKC: the Chinese+Latin dictionary has full-width punctuation (！，：) that means the ASCII one in a Latin line.
    const text = current.map((c) => c.char).join('').normalize('NFKC').trim();
    // A character is read about one step after its left edge: half a step of margin each side.
    const u0 = Math.max(0, (current[0]!.step - 0.5) * stepWidth) * toRect;
    const u1 = Math.min(crop.width, (current.at(-1)!.step + 1.5) * stepWidth) * toRect;
    const conf = current.reduce((s, c) => s + c.prob, 0) / current.length;
    if (text) words.push({ text, box: spanBox(crop.rect, u0, u1), conf });
    current = [];
  };
  for (const c of line.chars) {
    if (c.char === ' ') flush();
    else current.push(c);
  }
  flush();
  return words;
}

/** PaddleOCR PP-OCRv4 (DB text detection + SVTR/CTC recognition) on onnxruntime-node; sessions are created once and reused. */
export function createPaddleEngine(options: PaddleOptions = {}): OcrEngine {
  const opts = { ...PADDLE_DEFAULTS, ...options };
  let models: Promise<Models> | null = null;

  async function run(image: PageImage): Promise<OcrResult> {
    checkPageImage(image);
    models ??= loadModels(opts.threads);
    const m = await models.catch((e: unknown) => {
      models = null;
      throw e;
    });
    try {
      const page = await atLeastDpi({ grey: toGrey(image), width: image.width, height: image.height, dpi: image.dpi }, opts.minDpi);
      const { grey, width, height } = page;
      const { prob, dw, dh, sx, sy } = await detect(m, grey, width, height, opts.detMaxSide);
      const rects = dbBoxes(prob, dw, dh, opts.db).map((r) => ({ ...r, cx: r.cx * sx, cy: r.cy * sy, w: r.w * sx, h: r.h * sy }));
      const crops = rects.map((r) => cropLine(grey, width, height, r));
      const lines = (await recognizeLines(m, crops, opts.recBatch)).filter((l) => l.chars.length > 0 && l.confidence >= opts.dropScore);
      // Reading order: top to bottom, then left to right.
      lines.sort((a, b) => a.crop.rect.cy - a.crop.rect.h / 2 - (b.crop.rect.cy - b.crop.rect.h / 2) || a.crop.rect.cx - b.crop.rect.cx);
      const runs: TextRun[] = [];
      let confSum = 0;
      for (const line of lines) {
        for (const w of lineWords(line)) {
          runs.push(toTextRun(w.text, w.box, line.crop.rect.h, page.dpi));
          confSum += w.conf;
        }
      }
      return { runs, confidence: runs.length > 0 ? confSum / runs.length : 0 };
    } catch (e) {
      if (e instanceof ChittiError) throw e;
      throw ocrFailed(`PaddleOCR could not read the page (${failureReason(e)})`, e);
    }
  }

  return serialOcrEngine(`paddleocr-ppocrv4-det${opts.detMaxSide}`, run, async () => {
    const m = models;
    models = null;
    if (m) await m.then(async (x) => { await x.det.release(); await x.rec.release(); }, () => {});
  });
}
