import type { Worker as ThreadWorker } from 'node:worker_threads';
import Tesseract from 'tesseract.js';
import { ChittiError } from '../app/errors.ts';
import { firstMissing, resolveOcrAssets } from './assets.ts';
import { atLeastDpi, checkPageImage, toGrey, toPgm, toTextRun, type PixelBox } from './page-image.ts';
import { failureReason, ocrFailed } from './failure.ts';
import { serialOcrEngine } from './serial-engine.ts';
import type { OcrEngine, OcrResult, PageImage } from './types.ts';

export interface TesseractOptions {
  /** Tesseract page segmentation mode (3 = automatic, 4 = one column, 6 = one block, 11 = sparse text). */
  psm?: number;
  /** `best-int`: LSTM-only integer "best" model (default); `standard`: the tessdata model (LSTM + legacy). */
  model?: 'best-int' | 'standard';
  /** `lstm` (default): the LSTM recogniser alone; `combined`: LSTM and the legacy recogniser together (needs the standard model; measured no better, with less telling confidences). */
  engineMode?: 'lstm' | 'combined';
  /** Let tesseract measure the page's skew and straighten it before recognition (boxes are mapped back). */
  deskew?: boolean;
  /**
   * Replace the worker after this many pages: its WebAssembly heap only ever
   * grows, so a long batch would otherwise keep the largest page's memory.
   */
  recycleAfter?: number;
  /**
   * Drop a word whose box lies mostly (over half) on a more confident word's:
   * on tight forms tesseract sometimes reads one printed line twice, as parts
   * of two text lines.
   */
  dropOverlaps?: boolean;
  /** Pages below this resolution are scaled up to it first (0: never). */
  minDpi?: number;
}

export const TESSERACT_DEFAULTS: Required<TesseractOptions> = { psm: 3, model: 'best-int', deskew: false, recycleAfter: 100, dropOverlaps: true, engineMode: 'lstm', minDpi: 300 };

type TessWorker = Tesseract.Worker & { worker?: ThreadWorker | null };


/** Starts a worker thread that reads its language data from node_modules and never touches the network or a cache folder. */
async function startWorker(langPath: string, combined: boolean): Promise<TessWorker> {
  const missing = firstMissing([`${langPath}/eng.traineddata.gz`]);
  if (missing) throw ocrFailed(`the tesseract language data ${missing} is not installed`);
  try {
    return await Tesseract.createWorker('eng', combined ? Tesseract.OEM.TESSERACT_LSTM_COMBINED : Tesseract.OEM.LSTM_ONLY, {
      langPath,
      ...(combined ? { legacyCore: true, legacyLang: true } : {}),
      gzip: true,
      cacheMethod: 'none', // never read or write a traineddata cache in the working folder
      logger: () => {},
      // tesseract.js throws from its message handler when no handler is given,
      // which would be an uncaught exception; failures reach us as rejections.
      errorHandler: () => {},
    });
  } catch (e) {
    throw ocrFailed(`the tesseract engine could not start (${failureReason(e)})`, e);
  }
}

/**
 * Rejects when the worker thread dies (WebAssembly abort, out of memory):
 * tesseract.js would otherwise leave the job's promise pending forever.
 */
function whenThreadDies(w: TessWorker): { promise: Promise<never>; dispose: () => void } {
  const thread = w.worker;
  let dispose = () => {};
  const promise = new Promise<never>((_, reject) => {
    if (!thread) return;
    const onExit = (code: number) => reject(ocrFailed(`the tesseract worker stopped (exit code ${code})`));
    const onError = (e: Error) => reject(ocrFailed(`the tesseract worker crashed (${failureReason(e)})`, e));
    thread.once('exit', onExit);
    thread.once('error', onError);
    dispose = () => {
      thread.off('exit', onExit);
      thread.off('error', onError);
    };
  });
  promise.catch(() => {});
  return { promise, dispose };
}

interface TsvWord {
  text: string;
  box: PixelBox;
  conf: number;
  lineHeight: number;
}

/**
 * Words from tesseract's TSV (level, page, block, par, line, word, left, top,
 * width, height, conf, text). TSV is the lightest output that has word boxes
 * and confidences (the JSON `blocks` tree carries every symbol). Each word
 * gets its line's height as font size.
 */
export function parseTsv(tsv: string): TsvWord[] {
  const words: TsvWord[] = [];
  let lineHeight = 0;
  for (const row of tsv.split('\n')) {
    const f = row.split('\t');
    if (f.length < 12) continue;
    const level = Number(f[0]);
    const [left, top, width, height, conf] = f.slice(6, 11).map(Number) as [number, number, number, number, number];
    if (level === 4) lineHeight = height;
    if (level !== 5) continue;
    const text = f.slice(11).join('\t').trim();
    if (!text || conf < 0) continue;
    words.push({ text, box: [left, top, left + width, top + height], conf: conf / 100, lineHeight: lineHeight || height });
  }
  return words;
}

/** Keeps the more confident of two words whose boxes overlap by more than half of the smaller one; order is kept. */
export function dropOverlapping<W extends { box: PixelBox; conf: number }>(words: W[]): W[] {
  const area = (b: PixelBox) => Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
  const byConfidence = words.map((w, i) => ({ w, i })).sort((a, b) => b.w.conf - a.w.conf);
  const kept: PixelBox[] = [];
  const keep = new Set<number>();
  for (const { w, i } of byConfidence) {
    const b = w.box;
    const clash = kept.some((k) => {
      const inter = Math.max(0, Math.min(b[2], k[2]) - Math.max(b[0], k[0])) * Math.max(0, Math.min(b[3], k[3]) - Math.max(b[1], k[1]));
      return inter > 0.5 * Math.min(area(b), area(k));
    });
    if (clash) continue;
    kept.push(b);
    keep.add(i);
  }
  return words.filter((_, i) => keep.has(i));
}

/** Maps a box found on the image rotated by `radians` about its centre back to the original image (the rotated box's hull). */
export function unrotateBox(box: PixelBox, radians: number, width: number, height: number): PixelBox {
  if (radians === 0) return box;
  const cx = width / 2;
  const cy = height / 2;
  const cos = Math.cos(-radians);
  const sin = Math.sin(-radians);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [[box[0], box[1]], [box[2], box[1]], [box[0], box[3]], [box[2], box[3]]] as const) {
    xs.push(cx + (x - cx) * cos - (y - cy) * sin);
    ys.push(cy + (x - cx) * sin + (y - cy) * cos);
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** tesseract.js (Tesseract 5 LSTM in WebAssembly) with one reused worker thread; pages are recognised one at a time. */
export function createTesseractEngine(options: TesseractOptions = {}): OcrEngine {
  const opts = { ...TESSERACT_DEFAULTS, ...options };
  const assets = resolveOcrAssets();
  const combined = opts.engineMode === 'combined';
  const langPath = opts.model === 'standard' || combined ? assets.tesseract.standard : assets.tesseract.bestInt;
  let worker: Promise<TessWorker> | null = null;
  let pages = 0;

  const retire = async () => {
    const w = worker;
    worker = null;
    pages = 0;
    if (w) await w.then((x) => x.terminate(), () => {});
  };

  async function run(image: PageImage): Promise<OcrResult> {
    checkPageImage(image);
    const page = await atLeastDpi({ grey: toGrey(image), width: image.width, height: image.height, dpi: image.dpi }, opts.minDpi).catch((e: unknown) => {
      throw ocrFailed(`the page image could not be scaled (${failureReason(e)})`, e);
    });
    const pgm = toPgm(page.grey, page.width, page.height);
    if (pages >= opts.recycleAfter) await retire();
    worker ??= startWorker(langPath, combined);
    const w = await worker.catch((e: unknown) => {
      worker = null; // a failed start is retried on the next page
      throw e;
    });
    pages++;
    const death = whenThreadDies(w);
    try {
      const { data } = await Promise.race([
        w.recognize(Buffer.from(pgm.buffer, pgm.byteOffset, pgm.byteLength), {
          tessedit_pageseg_mode: String(opts.psm),
          user_defined_dpi: String(Math.round(page.dpi)),
          ...(opts.deskew ? { rotateAuto: true } : {}),
        } as Partial<Tesseract.RecognizeOptions>, { text: false, tsv: true }),
        death.promise,
      ]);
      const radians = data.rotateRadians ?? 0;
      const read = parseTsv(data.tsv ?? '');
      const words = opts.dropOverlaps ? dropOverlapping(read) : read;
      const runs = words.map((wd) => toTextRun(wd.text, unrotateBox(wd.box, radians, page.width, page.height), wd.lineHeight, page.dpi));
      const confidence = words.length > 0 ? words.reduce((s, wd) => s + wd.conf, 0) / words.length : 0;
      return { runs, confidence };
    } catch (e) {
      await retire(); // its state after a failure is unknown: the next page gets a fresh worker
      if (e instanceof ChittiError) throw e;
      throw ocrFailed(`tesseract could not read the page (${failureReason(e)})`, e);
    } finally {
      death.dispose();
    }
  }

  const id = `tesseract.js-5-${combined ? 'lstm+legacy' : 'lstm'}-${combined ? 'standard' : opts.model}-psm${opts.psm}${opts.deskew ? '-deskew' : ''}`;
  return serialOcrEngine(id, run, retire);
}
