/**
 * Document parsing benchmark: `node --import tsx tools/bench/parse.ts`.
 *
 * Text extraction from the TxDOT Elements Field Inspection & Coding Manual
 * (74 pages, ../shared/data/reports) in pages per second:
 *  - baseline (= 1.0), measured in the same run: plain pdf.js, getDocument and
 *    a getTextContent loop over the pages, the least any PDF text extraction does;
 *  - parseDocument in this thread: runs with fonts, boxes and merged
 *    fragments, the text-layer check, form fields (it also asks pdf.js for
 *    each page's operator list, for real font names and images);
 *  - createDocumentParser: the same in a worker thread, as the app runs it,
 *    including the copy of the file to the worker (a warm worker: the first
 *    parse, which starts it, is the warm-up).
 * Each is run 5 times after a warm-up, in turn; the median is reported.
 * Asserts nothing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import { createDocumentParser, parseDocument } from '../../src/core/parse/index.ts';
import { resolvePdfAssets } from '../../src/core/parse/pdf-assets.ts';
import { sourceWorkers } from '../../src/headless/workers.ts';

const FILE = path.resolve(import.meta.dirname, '../../../shared/data/reports/txdot-elements-field-inspection-manual.pdf');
const RUNS = 5;

async function baseline(bytes: Uint8Array): Promise<number> {
  const doc = await pdfjs.getDocument({ data: bytes.slice(), ...resolvePdfAssets(), isEvalSupported: false, verbosity: 0 }).promise;
  let chars = 0;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    for (const item of content.items) if ('str' in item) chars += item.str.length;
    page.cleanup();
  }
  await doc.destroy();
  return chars;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const bytes = new Uint8Array(await readFile(FILE));
  const parser = createDocumentParser({ workers: sourceWorkers }, { concurrency: 1 });
  try {
    const contenders: Record<string, () => Promise<number>> = {
      'pdf.js getTextContent loop (baseline)': async () => { await baseline(bytes); return 74; },
      'parseDocument (this thread)': async () => (await parseDocument(bytes)).pages.length,
      'createDocumentParser (worker)': async () => (await parser.parse(bytes)).pages.length,
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
    let pages = 0;
    for (const run of Object.values(contenders)) pages = await run(); // warm-up: modules, fonts, the worker
    for (let i = 0; i < RUNS; i++) {
      for (const [name, run] of Object.entries(contenders)) {
        const t0 = performance.now();
        await run();
        times[name]!.push(performance.now() - t0);
      }
    }
    const base = median(times['pdf.js getTextContent loop (baseline)']!);
    console.log(`Text extraction, ${path.basename(FILE)} (${pages} pages), median of ${RUNS} runs:`);
    for (const [name, ts] of Object.entries(times)) {
      const ms = median(ts);
      console.log(`  ${name.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ${(pages / (ms / 1000)).toFixed(1).padStart(6)} pages/s  ratio ${(base / ms).toFixed(2)}`);
    }
    console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (this process)`);
  } finally {
    await parser.close();
  }
}

await main();
