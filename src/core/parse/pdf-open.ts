import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ChittiError } from '../app/errors.ts';
import { reasonOf } from './context.ts';
import type { ParseLimits } from './limits.ts';
import { resolvePdfAssets } from './pdf-assets.ts';

export type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsModule: Promise<PdfJs> | null = null;

/**
 * pdf.js's legacy build: the one meant for Node (the modern build assumes a
 * browser's DOM, Path2D and ImageDecoder). Loaded on first use, since it is a
 * few MiB of JavaScript that most of the app never needs. In Node pdf.js runs
 * its own "worker" in this thread; our isolation is the worker_threads worker
 * the whole parse runs in (parse-worker.ts).
 */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

export interface OpenedPdf {
  doc: PDFDocumentProxy;
  /** The file was cut short and reopened with a trailer added, so some pages may be missing. */
  repaired: boolean;
}

const nameOf = (e: unknown) => (typeof e === 'object' && e !== null && 'name' in e ? String((e).name) : '');

function encrypted(): ChittiError {
  return new ChittiError('DOCUMENT_ENCRYPTED',
    'This PDF is password-protected; Chitti does not ask for or keep document passwords. Save a copy without the password and import that.');
}

async function load(pdfjs: PdfJs, data: Uint8Array, limits: ParseLimits): Promise<PDFDocumentProxy> {
  const task = pdfjs.getDocument({
    // pdf.js may detach what it is given: it gets its own copy.
    data: data.slice(),
    ...resolvePdfAssets(),
    cMapPacked: true,
    // No PostScript functions compiled to JavaScript, no system fonts, no fetches of any kind.
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    maxImageSize: limits.pdfMaxImagePixels,
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (e) {
    await task.destroy().catch(() => {});
    throw e;
  }
}

/**
 * A file that ends early (a download cut off, a writer that crashed) has no
 * trailer, and pdf.js cannot find the document's root without one. When the
 * catalog object is among the bytes that did arrive, appending an end to the
 * last stream and a trailer naming the catalog lets pdf.js index the objects
 * that are there, and the pages whose objects arrived can be read.
 */
export function withSyntheticTrailer(data: Uint8Array): Uint8Array | null {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  if (!text.slice(0, 1024).includes('%PDF-')) return null;
  let catalog: RegExpExecArray | null = null;
  const objects = /(\d+)\s+(\d+)\s+obj\b/g;
  for (let m = objects.exec(text); m; m = objects.exec(text)) {
    const body = text.slice(m.index, m.index + 600);
    const end = body.indexOf('endobj');
    if (/\/Type\s*\/Catalog\b/.test(end >= 0 ? body.slice(0, end) : body)) catalog = m;
  }
  if (!catalog) return null;
  const tail = Buffer.from(`\nendstream\nendobj\ntrailer\n<< /Root ${catalog[1]} ${catalog[2]} R >>\n%%EOF\n`, 'latin1');
  const out = new Uint8Array(data.length + tail.length);
  out.set(data);
  out.set(tail, data.length);
  return out;
}

/**
 * Opens a PDF: DOCUMENT_ENCRYPTED for a password, DOCUMENT_UNREADABLE with
 * pdf.js's reason when the structure cannot be read even after the repair above.
 */
export async function openPdf(bytes: Uint8Array, limits: ParseLimits): Promise<OpenedPdf> {
  const pdfjs = await loadPdfJs();
  try {
    return { doc: await load(pdfjs, bytes, limits), repaired: false };
  } catch (e) {
    if (nameOf(e) === 'PasswordException') throw encrypted();
    if (nameOf(e) !== 'InvalidPDFException') {
      throw new ChittiError('DOCUMENT_UNREADABLE', `This PDF cannot be read: ${reasonOf(e)}.`, { cause: e });
    }
    const repaired = withSyntheticTrailer(bytes);
    if (repaired) {
      try {
        return { doc: await load(pdfjs, repaired, limits), repaired: true };
      } catch (again) {
        if (nameOf(again) === 'PasswordException') throw encrypted();
      }
    }
    const structure = reasonOf(e).toLowerCase();
    throw new ChittiError('DOCUMENT_UNREADABLE',
      `This PDF cannot be read: ${structure} (its cross-reference table and trailer are missing or damaged, and its pages could not be found without them).`,
      { cause: e });
  }
}
