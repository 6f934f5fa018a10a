import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * pdf.js's local data folders: the 14 standard fonts (for PDFs that use them
 * without embedding), the CMaps (CJK encodings), its WebAssembly decoders
 * (JBIG2, JPEG 2000, colour management) and ICC profiles. pdf.js in Node reads
 * them with `fs.readFile`, so these are file paths, never URLs: nothing is
 * ever fetched.
 */
export interface PdfAssets {
  standardFontDataUrl: string;
  cMapUrl: string;
  wasmUrl: string;
  iccUrl: string;
}

let cached: PdfAssets | null = null;

/**
 * Resolved from `pdfjs-dist/package.json` by module resolution relative to
 * this module, so it works from source (tsx, vitest), from the bundled
 * Electron main process (out/main/*.js: dependencies stay external and resolve
 * from the app's node_modules) and from a packaged app, where files read by
 * path come from `app.asar.unpacked`. pdf.js wants each folder to end in '/'
 * (a forward slash also works on Windows).
 */
export function resolvePdfAssets(): PdfAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const root = path.dirname(require.resolve('pdfjs-dist/package.json')).replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  const folder = (name: string) => `${path.join(root, name)}/`;
  cached = {
    standardFontDataUrl: folder('standard_fonts'),
    cMapUrl: folder('cmaps'),
    wasmUrl: folder('wasm'),
    iccUrl: folder('iccs'),
  };
  return cached;
}
