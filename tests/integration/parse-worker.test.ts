import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDocumentParser, parseDocument, type DocumentParser } from '../../src/core/parse/index.ts';
import { sourceWorkers } from '../../src/headless/workers.ts';
import { HOSTILE, inkOcr, report } from '../helpers/documents.ts';

/**
 * The parser the app and the CLI use: parsing in 'parse' worker threads with
 * a heap limit, a watchdog and cancellation; OCR asked of the host's engine.
 */

const read = async (file: string) => new Uint8Array(await readFile(file));
const parsers: DocumentParser[] = [];
const parserWith = (...args: Parameters<typeof createDocumentParser> extends [unknown, ...infer R] ? R : never) => {
  const p = createDocumentParser({ workers: sourceWorkers }, ...args);
  parsers.push(p);
  return p;
};

afterEach(async () => {
  await Promise.all(parsers.splice(0).map((p) => p.close()));
});

describe('createDocumentParser (worker threads)', () => {
  it('gives what parseDocument gives in this thread, and reports progress', async () => {
    const bytes = await read(report('ut-thickness-readings-2025.pdf'));
    const progress: string[] = [];
    const parser = parserWith();
    const inWorker = await parser.parse(bytes, { onProgress: (page, pages) => progress.push(`${page}/${pages}`) });
    expect(inWorker).toEqual(await parseDocument(bytes));
    expect(progress).toEqual(['1/2', '2/2']);
    expect(parser.version).toMatch(/^parse-\d+$/);
    const image = await parser.render(bytes, 1, 72);
    expect(image).toMatchObject({ width: 612, height: 792, channels: 4 });
    expect(image.data.length).toBe(612 * 792 * 4);
  });

  it("sends pages without a text layer to the host's OCR engine", async () => {
    const ocr = inkOcr();
    const parser = parserWith({ ocr });
    const doc = await parser.parse(await read(report('msds-scanned-image-only.pdf')), { maxPages: 2 });
    expect(doc.pages.map((p) => p.textSource)).toEqual(['ocr', 'ocr']);
    expect(ocr.images.map((i) => [i.width, i.height, i.dpi, i.channels])).toEqual([[2550, 3300, 300, 1], [2550, 3300, 300, 1]]);
    expect(doc.pages[0]!.runs[0]!.text).toBe('ink');
  });

  it('refuses hostile files with their codes and keeps working', async () => {
    const parser = parserWith({ concurrency: 1 });
    await expect(parser.parse(await read(path.join(HOSTILE, 'pdf/password-protected.pdf')))).rejects.toMatchObject({ code: 'DOCUMENT_ENCRYPTED' });
    await expect(parser.parse(await read(path.join(HOSTILE, 'archive/docx-bomb-1gb.docx')))).rejects.toMatchObject({ code: 'DOCUMENT_TOO_LARGE' });
    await expect(parser.parse(await read(path.join(HOSTILE, 'pdf/poppler-937-0-fuzzed.pdf')))).rejects.toMatchObject({ code: 'DOCUMENT_UNREADABLE' });
    const doc = await parser.parse(await read(report('bridge-element-inspection-synthetic.pdf')));
    expect(doc.pageCount).toBe(4);
  });

  it('stops a worker that runs out of its heap, refuses the file, and starts a fresh one for the next', async () => {
    // 40 MB of text in 400 000 paragraphs: far more objects than a 48 MiB heap holds.
    const text = Array.from({ length: 400_000 }, (_, i) => `Paragraph ${i}: reading ${i % 997} mm at CML ${i % 31}.`).join('\n\n');
    const parser = parserWith({ maxHeapMb: 48, concurrency: 1 });
    await expect(parser.parse(new Uint8Array(Buffer.from(text)))).rejects.toMatchObject({
      code: 'DOCUMENT_TOO_LARGE', message: expect.stringMatching(/more than the 48 MiB of memory/),
    });
    const small = await parser.parse(new Uint8Array(Buffer.from('Report No: 54-11-001\n\nAll readings acceptable.')));
    expect(small.flow).toEqual([
      { kind: 'paragraph', text: 'Report No: 54-11-001' },
      { kind: 'paragraph', text: 'All readings acceptable.' },
    ]);
  });

  it('stops a worker that makes no progress within the watchdog time', async () => {
    // No worker starts, loads pdf.js and reads a page of the manual within 50 ms.
    const parser = parserWith({ stallMs: 50, concurrency: 1 });
    await expect(parser.parse(await read(report('txdot-elements-field-inspection-manual.pdf')))).rejects.toMatchObject({
      code: 'DOCUMENT_UNREADABLE', message: expect.stringMatching(/without progress/),
    });
  });

  it('stops at once when the caller aborts, and the next parse works', async () => {
    const parser = parserWith({ concurrency: 1 });
    const controller = new AbortController();
    const parsing = parser.parse(await read(report('txdot-elements-field-inspection-manual.pdf')), {
      signal: controller.signal,
      onProgress: (page) => { if (page === 2) controller.abort(new Error('the user closed the document')); },
    });
    await expect(parsing).rejects.toThrow('the user closed the document');
    const doc = await parser.parse(await read(report('ut-thickness-readings-2025.pdf')));
    expect(doc.pageCount).toBe(2);
  });
});
