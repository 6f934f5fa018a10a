import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChittiError } from '../../src/core/app/errors.ts';
import { createOcrEngine, type OcrEngine, type PageImage } from '../../src/core/ocr/index.ts';
import type { TextRun } from '../../src/core/parse/types.ts';
import { renderPage, scorePage, textLayerLines, type TruthWord } from '../helpers/ocr-score.ts';
import { REPO, SHARED_DATA, tempDir } from '../helpers/workspace.ts';

const run = promisify(execFile);
const REPORTS = path.join(SHARED_DATA, 'reports');
const MSDS = path.join(REPORTS, 'msds-scanned-image-only.pdf');
const API510 = path.join(REPORTS, 'api510-vessel-54-11-001-inservice.pdf');
const TREC = path.join(REPORTS, 'trec-home-inspection-filled.pdf');

/**
 * CER floors for these pages rendered at 300 dpi, from tools/bench/ocr.ts
 * (docs/adr/0009-ocr-engine.md): tesseract measured 0.45 % (TREC p2) and
 * 0.16 % (API 510 p5), PaddleOCR 0.41 % (API 510 p5). The margin is for
 * another poppler's anti-aliasing; a wrong box conversion, decoding or
 * dictionary gives tens of percent.
 */
const FLOOR = { tesseract: { trec2: 0.01, api510p5: 0.006 }, paddle: { api510p5: 0.01 } };

const text = (runs: TextRun[]) => runs.map((r) => r.text).join(' ');

async function ocrFailure(engine: OcrEngine, image: PageImage): Promise<string> {
  try {
    await engine.recognize(image);
  } catch (e) {
    expect(isChittiError(e), String(e)).toBe(true);
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  throw new Error('recognize() succeeded on a bad image');
}

describe('local OCR (tesseract.js, the default engine)', () => {
  let engine: OcrEngine;
  beforeAll(() => {
    engine = createOcrEngine();
  });
  afterAll(() => engine.close());

  it('reads the title of an image-only scanned safety data sheet', async () => {
    const page = await renderPage(MSDS, 1, 300);
    expect((await run('pdftotext', ['-f', '1', '-l', '1', MSDS, '-'])).stdout.trim()).toBe(''); // truly no text layer
    const { runs, confidence } = await engine.recognize(page);
    const all = text(runs);
    expect(all).toContain('SAFETY DATA SHEET');
    expect(all).toContain('METHYL CHLORIDE, TECHNICAL GRADE');
    expect(all).toContain('Occidental Chemical Corporation');
    expect(confidence).toBeGreaterThan(0.8);
    expect(confidence).toBeLessThanOrEqual(1);
    // The title is the page's top line, centred: its box is in points, not pixels.
    const safety = runs.find((r) => r.text === 'SAFETY')!;
    expect(safety.bbox[3]).toBeLessThan(60);
    expect((safety.bbox[0] + safety.bbox[2]) / 2).toBeGreaterThan(200);
    expect(safety.bbox[2]).toBeLessThan(612 / 2);
    expect(safety.fontSize).toBeGreaterThan(8);
    expect(safety.fontSize).toBeLessThan(24);
    expect(runs.every((r) => !r.bold && !r.italic)).toBe(true);
  });

  it('a rendered text page reads with a character error rate under the measured floor', async () => {
    const truth = await textLayerLines(TREC, 2);
    const { runs } = await engine.recognize(await renderPage(TREC, 2, 300));
    const score = scorePage(truth, runs);
    expect(score.truthChars).toBeGreaterThan(2000);
    expect(score.errors / score.truthChars).toBeLessThan(FLOOR.tesseract.trec2);
    expect(score.extraChars).toBeLessThan(20);

    const prose = await textLayerLines(API510, 5);
    const s5 = scorePage(prose, (await engine.recognize(await renderPage(API510, 5, 300))).runs);
    expect(s5.errors / s5.truthChars).toBeLessThan(FLOOR.tesseract.api510p5);
  });

  it('word boxes land on the words pdftotext places, at 300 and at 150 dpi', async () => {
    const truth = (await textLayerLines(API510, 3)).flatMap((l) => l.words);
    const once = (w: string) => truth.filter((t) => t.text === w);
    const words = ['EXECUTIVE', 'SUMMARY', 'CLEBURNE,', 'Recommendations.', 'mechanical', 'Governing'].map((w) => {
      expect(once(w), w).toHaveLength(1);
      return once(w)[0]!;
    });
    for (const dpi of [300, 150]) {
      const { runs } = await engine.recognize(await renderPage(API510, 3, dpi));
      for (const t of words) {
        const got = runs.filter((r) => r.text === t.text);
        expect(got, `${t.text} at ${dpi} dpi`).toHaveLength(1);
        expectSameBox(got[0]!.bbox, t);
      }
    }
  });

  it('a corrupt or empty page image is OCR_FAILED, a blank or noisy one is not a crash', async () => {
    const white = (w: number, h: number): PageImage => ({ width: w, height: h, channels: 1, data: new Uint8Array(w * h).fill(255), dpi: 300 });
    expect(await ocrFailure(engine, { width: 0, height: 0, channels: 1, data: new Uint8Array(0), dpi: 300 })).toMatch(/^OCR_FAILED: .*0×0 pixels/);
    expect(await ocrFailure(engine, { ...white(400, 300), data: new Uint8Array(1000) })).toMatch(/^OCR_FAILED: .*holds 1000 bytes/);
    expect(await ocrFailure(engine, { ...white(400, 300), channels: 3 as 1 })).toMatch(/^OCR_FAILED: .*3 channels/);
    expect(await ocrFailure(engine, { ...white(400, 300), dpi: Number.NaN })).toMatch(/^OCR_FAILED: .*dpi/);
    expect(await ocrFailure(engine, { ...white(1, 1), width: 20_000, height: 20_000 })).toMatch(/^OCR_FAILED: .*lower resolution/);

    expect(await engine.recognize(white(1700, 2200))).toEqual({ runs: [], confidence: 0 });
    let seed = 7;
    const noise = white(800, 600);
    noise.data = noise.data.map(() => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 255);
    const garbage = await engine.recognize(noise);
    for (const r of garbage.runs) {
      expect(r.bbox[0]).toBeGreaterThanOrEqual(0);
      expect(r.bbox[3]).toBeLessThanOrEqual((600 * 72) / 300 + 0.01);
    }
    // RGBA works as well as grey, and the engine is still usable after the failures above.
    const grey = await renderPage(API510, 3, 150);
    const rgba = new Uint8Array(grey.data.length * 4);
    grey.data.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
    expect(text((await engine.recognize({ ...grey, channels: 4, data: rgba })).runs)).toContain('EXECUTIVE SUMMARY');
  });

  it('a replaced worker reads as the first one did (workers are recycled to bound memory)', async () => {
    const recycling = createOcrEngine({ tesseract: { recycleAfter: 1 } });
    try {
      const page = await renderPage(API510, 7, 150);
      const first = await recycling.recognize(page);
      const second = await recycling.recognize(page);
      expect(text(first.runs)).toContain('RECOMMENDATIONS');
      expect(second).toEqual(first);
    } finally {
      await recycling.close();
    }
  });

  it('a closed engine refuses pages with OCR_FAILED', async () => {
    const closed = createOcrEngine();
    await closed.close();
    expect(await ocrFailure(closed, (await renderPage(API510, 3, 150)))).toMatch(/^OCR_FAILED: .*closed/);
  });
});

/** Horizontal edges within 1.5 pt; vertical centres within 2.5 pt (pdftotext boxes span the font's ascent and descent, OCR boxes the ink). */
function expectSameBox(bbox: TextRun['bbox'], t: TruthWord): void {
  expect(Math.abs(bbox[0] - t.box[0]), `${t.text} x0`).toBeLessThan(1.5);
  expect(Math.abs(bbox[2] - t.box[2]), `${t.text} x1`).toBeLessThan(1.5);
  expect(Math.abs((bbox[1] + bbox[3]) / 2 - (t.box[1] + t.box[3]) / 2), `${t.text} y`).toBeLessThan(2.5);
}

describe('local OCR is offline', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    tmp = await tempDir('chitti-ocr-');
    execFileSync('strace', ['-V']); // strace must be installed: a missing tool fails this test, it does not skip it
  });
  afterAll(() => tmp.cleanup());

  it('a recognition with either engine opens no network connection and writes no cache file', async () => {
    const page = await renderPage(API510, 3, 150);
    const cwd = path.join(tmp.dir, 'cwd');
    await mkdir(cwd);
    await writeFile(path.join(cwd, 'page.gray'), page.data);
    const script = path.join(cwd, 'ocr.mts');
    await writeFile(script, [
      `import { readFileSync } from 'node:fs';`,
      `import { createOcrEngine } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'src/core/ocr/index.ts')).href)};`,
      `const data = new Uint8Array(readFileSync('page.gray'));`,
      `for (const kind of ['tesseract', 'paddle']) {`,
      `  const engine = createOcrEngine({ engine: kind });`,
      `  const r = await engine.recognize({ width: ${page.width}, height: ${page.height}, channels: 1, data, dpi: 150 });`,
      `  await engine.close();`,
      `  console.log(kind + ': ' + r.runs.map((w) => w.text).join(' '));`,
      `}`,
    ].join('\n'));
    const trace = path.join(tmp.dir, 'connect.trace');
    const tsx = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
    // Run from the temporary folder: tesseract.js would write a traineddata cache into the working folder.
    const { stdout } = await run('strace', ['-f', '-qq', '-e', 'trace=connect', '-o', trace, process.execPath, '--import', tsx, script], { cwd });
    expect(stdout).toMatch(/^tesseract: .*EXECUTIVE SUMMARY/m);
    expect(stdout).toMatch(/^paddle: .*EXECUTIVE SUMMARY/m);
    const connects = (await readFile(trace, 'utf8')).split('\n').filter((l) => /connect\(/.test(l) && /AF_INET6?\b/.test(l));
    expect(connects).toEqual([]);
    expect((await readdir(cwd)).sort()).toEqual(['ocr.mts', 'page.gray']);
  });
});

describe('local OCR with PaddleOCR PP-OCRv4 (the measured alternative)', () => {
  let engine: OcrEngine;
  beforeAll(() => {
    engine = createOcrEngine({ engine: 'paddle' });
  });
  afterAll(() => engine.close());

  it('reads the scanned safety data sheet title and a text page within its floor, with boxes on the words', async () => {
    const { runs, confidence } = await engine.recognize(await renderPage(MSDS, 1, 300));
    expect(text(runs)).toContain('SAFETY DATA SHEET');
    expect(text(runs)).toContain('Occidental Chemical Corporation');
    expect(confidence).toBeGreaterThan(0.8);

    const truth = await textLayerLines(API510, 5);
    const score = scorePage(truth, (await engine.recognize(await renderPage(API510, 5, 300))).runs);
    expect(score.errors / score.truthChars).toBeLessThan(FLOOR.paddle.api510p5);
    expect(score.boxOffsets.length).toBeGreaterThan(200);
    expect(score.boxOffsets.filter((d) => d < 3).length / score.boxOffsets.length).toBeGreaterThan(0.95);
  });

  it('a corrupt page image is OCR_FAILED', async () => {
    expect(await ocrFailure(engine, { width: 10, height: 10, channels: 1, data: new Uint8Array(3), dpi: 300 })).toMatch(/^OCR_FAILED/);
  });
});
