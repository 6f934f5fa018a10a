import { ocrFailed } from './failure.ts';
import type { OcrEngine, OcrResult, PageImage } from './types.ts';

/**
 * Wraps an engine's page function so pages run one at a time: both engines
 * hold one native session or worker thread that is not safe to call
 * concurrently. A failed page does not block the next one, and close() waits
 * for the page in progress before `release` frees the engine's resources.
 */
export function serialOcrEngine(id: string, run: (image: PageImage) => Promise<OcrResult>, release: () => Promise<void>): OcrEngine {
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    id,
    recognize(image) {
      if (closed) return Promise.reject(ocrFailed('the OCR engine was closed'));
      const job = queue.then(() => run(image));
      queue = job.catch(() => {});
      return job;
    },
    async close() {
      closed = true;
      await queue;
      await release();
    },
  };
}
