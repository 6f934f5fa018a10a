import { parentPort, workerData } from 'node:worker_threads';
import { toErrorShape } from '../app/errors.ts';
import type { OcrEngine, OcrResult, PageImage } from '../ocr/types.ts';
import { parseDocument, renderPage } from './parse-document.ts';
import type { ParseRequest, ParseResponse, ParseWorkerData } from './parse-protocol.ts';

/**
 * Worker thread entry ('parse'): runs parseDocument / renderPage away from the
 * app's thread, under the heap limit the host sets. OCR is asked of the host
 * (its engine is not transferable), one page image at a time, transferred
 * rather than copied.
 */
const data = workerData as ParseWorkerData;
const port = parentPort!;
const pendingOcr = new Map<number, { resolve: (r: OcrResult) => void; reject: (e: Error) => void }>();
let nextOcrId = 1;

const send = (message: ParseResponse, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/** A page image's buffer moves to the other thread when it owns the whole buffer (never a slice of Node's shared pool). */
const movable = (image: PageImage): ArrayBuffer[] =>
  image.data.byteOffset === 0 && image.data.byteLength === image.data.buffer.byteLength && image.data.byteLength > 4096
    ? [image.data.buffer as ArrayBuffer] : [];

/** An OCR engine that forwards each page image to the host's engine. */
function hostOcr(requestId: number): OcrEngine {
  return {
    id: 'host',
    recognize(image: PageImage): Promise<OcrResult> {
      const ocrId = nextOcrId++;
      return new Promise((resolve, reject) => {
        pendingOcr.set(ocrId, { resolve, reject });
        send({ type: 'ocr', id: requestId, ocrId, image }, movable(image));
      });
    },
    close: () => Promise.resolve(),
  };
}

async function handle(req: Exclude<ParseRequest, { type: 'ocr-result' }>): Promise<void> {
  try {
    if (req.type === 'parse') {
      const document = await parseDocument(req.bytes, {
        ocr: req.ocr ? hostOcr(req.id) : null,
        limits: data.limits,
        ...(req.maxPages !== undefined ? { maxPages: req.maxPages } : {}),
        onProgress: (page, pages) => send({ type: 'progress', id: req.id, page, pages }),
      });
      send({ type: 'parsed', id: req.id, document });
    } else {
      const image = await renderPage(req.bytes, req.page, req.dpi, { grey: req.grey, limits: data.limits });
      send({ type: 'rendered', id: req.id, image }, movable(image));
    }
  } catch (e) {
    const { code, message } = toErrorShape(e);
    // An unexpected error's own text goes to the host's log, not to the caller (it may hold paths or data).
    const detail = code === 'INTERNAL' ? (e instanceof Error ? e.stack ?? e.message : String(e)).slice(0, 2000) : undefined;
    send({ type: 'failed', id: req.id, code, message, ...(detail ? { detail } : {}) });
  }
}

port.on('message', (req: ParseRequest) => {
  if (req.type === 'ocr-result') {
    const pending = pendingOcr.get(req.ocrId);
    pendingOcr.delete(req.ocrId);
    if (req.ok) pending?.resolve(req.result);
    else pending?.reject(new Error(req.message));
    return;
  }
  void handle(req);
});
