/**
 * OCR benchmark: `node --import tsx tools/bench/ocr.ts [--quick] [--only a,b] [--json out.json]`.
 *
 * Renders a fixed list of text pages of real reports (../shared/data/reports)
 * with poppler at 150 and 300 dpi, clean and "scan-like" (grey paper and
 * ink, 0.7° skew, slight blur, noise), OCRs them with each engine setting and
 * scores the result against the page's own text layer (tests/helpers/ocr-score.ts:
 * CER and WER per text-layer line, independent of reading order). Speed is OCR alone
 * (rendering excluded), one page at a time: CPU seconds per page (this
 * process's user + system time, worker threads included), which stays
 * meaningful on a shared, busy machine, the pages per minute two cores give
 * at that cost (120 / CPU s: two tesseract workers, or onnxruntime on two
 * threads), and wall-clock pages per minute with the load average beside it.
 * It prints numbers and asserts nothing; docs/adr/0009-ocr-engine.md records a run.
 */
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { createPaddleEngine, type PaddleOptions } from '../../src/core/ocr/paddle.ts';
import { createTesseractEngine, type TesseractOptions } from '../../src/core/ocr/tesseract.ts';
import type { OcrEngine, PageImage } from '../../src/core/ocr/types.ts';
import { renderPage, scorePage, textLayerLines, type PageScore, type TruthLine } from '../../tests/helpers/ocr-score.ts';

const REPORTS = path.resolve(import.meta.dirname, '../../../shared/data/reports');

/**
 * Text pages whose text layer is what is drawn: prose (api510 3, 5, 7;
 * trec 1, 2), forms and tables (api510 11, 12; bv 1, 14; trec 7), and
 * highlighted, superscripted checklist text (dampness 5, 7). Logos and photos
 * on bv 1 and trec 1 have text the text layer does not: that shows as "extra".
 */
const PAGES: Array<[string, number]> = [
  ['api510-vessel-54-11-001-inservice.pdf', 3],
  ['api510-vessel-54-11-001-inservice.pdf', 5],
  ['api510-vessel-54-11-001-inservice.pdf', 7],
  ['api510-vessel-54-11-001-inservice.pdf', 11],
  ['api510-vessel-54-11-001-inservice.pdf', 12],
  ['bv-pre-shipment-inspection.pdf', 1],
  ['bv-pre-shipment-inspection.pdf', 14],
  ['residential-dampness-inspection.pdf', 5],
  ['residential-dampness-inspection.pdf', 7],
  ['trec-home-inspection-filled.pdf', 1],
  ['trec-home-inspection-filled.pdf', 2],
  ['trec-home-inspection-filled.pdf', 7],
];

const SKEW_DEG = 0.7;

type Condition = 'clean-300' | 'scan-300' | 'clean-150' | 'scan-150';

/** Deterministic noise, so every run sees the same "scan". */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A scan-like copy: ink 25 and paper 240 instead of 0 and 255, rotated 0.7°
 * clockwise about the centre (same size), blurred by 0.15 pt, and Gaussian
 * noise of σ 8 grey levels.
 */
async function scanLike(img: PageImage, seed: number): Promise<PageImage> {
  const { width, height } = img;
  const levels = new Uint8Array(img.data.length);
  for (let i = 0; i < levels.length; i++) levels[i] = 25 + Math.round((img.data[i]! * 215) / 255);
  const rotated = await sharp(levels, { raw: { width, height, channels: 1 } })
    .rotate(SKEW_DEG, { background: { r: 240, g: 240, b: 240 } })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const left = Math.round((rotated.info.width - width) / 2);
  const top = Math.round((rotated.info.height - height) / 2);
  const blurred = await sharp(rotated.data, { raw: { width: rotated.info.width, height: rotated.info.height, channels: 1 } })
    .extract({ left, top, width, height })
    .blur(Math.max(0.3, (0.15 * img.dpi) / 72))
    .greyscale()
    .raw()
    .toBuffer();
  const rand = mulberry32(seed);
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const g = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    data[i] = Math.max(0, Math.min(255, Math.round(blurred[i]! + 8 * g)));
  }
  return { ...img, data };
}

/** Undoes the scan-like skew on a point in PDF points (the page is rotated about its centre). */
function unskew(pageW: number, pageH: number): (x: number, y: number) => [number, number] {
  const a = (-SKEW_DEG * Math.PI) / 180;
  const cx = pageW / 2;
  const cy = pageH / 2;
  return (x, y) => [cx + (x - cx) * Math.cos(a) - (y - cy) * Math.sin(a), cy + (x - cx) * Math.sin(a) + (y - cy) * Math.cos(a)];
}

/** Global Otsu threshold: black ink on white, nothing else. */
function otsu(img: PageImage): PageImage {
  const hist = new Float64Array(256);
  for (const v of img.data) hist[v]!++;
  const total = img.data.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0 || wB === total) continue;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / (total - wB);
    const between = wB * (total - wB) * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return { ...img, data: img.data.map((v) => (v > threshold ? 255 : 0)) };
}

async function median(img: PageImage): Promise<PageImage> {
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 } }).median(3).greyscale().raw().toBuffer();
  return { ...img, data: new Uint8Array(data) };
}

interface Setting {
  name: string;
  engine: () => OcrEngine;
  prep?: (img: PageImage) => Promise<PageImage> | PageImage;
  on: Condition[];
}

const tess = (o: TesseractOptions) => () => createTesseractEngine(o);
const paddle = (o: PaddleOptions) => () => createPaddleEngine(o);
const ALL: Condition[] = ['clean-300', 'scan-300', 'clean-150', 'scan-150'];

/** Each engine's defaults (tesseract: psm 3, LSTM, best-int model, overlapping duplicates dropped, pages under 300 dpi scaled up; PaddleOCR: detection at ≤ 1920 px, pages under 300 dpi scaled up), then one lever changed at a time. */
const SETTINGS: Setting[] = [
  { name: 'tesseract default', engine: tess({ psm: 3 }), on: ALL },
  { name: 'tesseract keep overlaps', engine: tess({ psm: 3, dropOverlaps: false }), on: ['clean-300', 'scan-300'] },
  { name: 'tesseract standard model', engine: tess({ psm: 3, model: 'standard' }), on: ['clean-300'] },
  { name: 'tesseract lstm+legacy', engine: tess({ psm: 3, engineMode: 'combined' }), on: ['clean-300'] },
  { name: 'tesseract psm4', engine: tess({ psm: 4 }), on: ['clean-300'] },
  { name: 'tesseract psm6', engine: tess({ psm: 6 }), on: ['clean-300'] },
  { name: 'tesseract psm11', engine: tess({ psm: 11 }), on: ['clean-300', 'scan-300'] },
  { name: 'tesseract + otsu', engine: tess({ psm: 3 }), prep: otsu, on: ['clean-300', 'scan-300'] },
  { name: 'tesseract + deskew', engine: tess({ psm: 3, deskew: true }), on: ['scan-300', 'scan-150'] },
  { name: 'tesseract + median3', engine: tess({ psm: 3 }), prep: median, on: ['scan-300'] },
  { name: 'tesseract no upscale', engine: tess({ psm: 3, minDpi: 0 }), on: ['clean-150', 'scan-150'] },
  { name: 'paddle default', engine: paddle({ detMaxSide: 1920 }), on: ALL },
  { name: 'paddle det960', engine: paddle({ detMaxSide: 960 }), on: ALL },
  { name: 'paddle det2560', engine: paddle({ detMaxSide: 2560 }), on: ['clean-300'] },
  { name: 'paddle no upscale', engine: paddle({ detMaxSide: 1920, minDpi: 0 }), on: ['clean-150', 'scan-150'] },
];

interface Row {
  setting: string;
  condition: Condition;
  cer: number;
  wer: number;
  worstPage: string;
  worstCer: number;
  extraChars: number;
  boxMedianPt: number;
  boxP95Pt: number;
  confidence: number;
  cpuSecondsPerPage: number;
  /** 120 / CPU seconds per page. */
  pagesPerMinute2Cores: number;
  wallPagesPerMinute: number;
  pages: Array<{ page: string; cer: number; extra: number }>;
}

const pct = (q: number[], p: number) => {
  const s = [...q].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};

interface Page {
  label: string;
  truth: TruthLine[];
  pageW: number;
  pageH: number;
  images: Partial<Record<Condition, PageImage>>;
}

async function loadPages(list: Array<[string, number]>, conditions: Set<Condition>): Promise<Page[]> {
  const pages: Page[] = [];
  for (const [file, n] of list) {
    const pdf = path.join(REPORTS, file);
    const truth = await textLayerLines(pdf, n);
    const images: Partial<Record<Condition, PageImage>> = {};
    for (const dpi of [300, 150]) {
      if (!conditions.has(`clean-${dpi}` as Condition) && !conditions.has(`scan-${dpi}` as Condition)) continue;
      const clean = await renderPage(pdf, n, dpi);
      if (conditions.has(`clean-${dpi}` as Condition)) images[`clean-${dpi}` as Condition] = clean;
      if (conditions.has(`scan-${dpi}` as Condition)) images[`scan-${dpi}` as Condition] = await scanLike(clean, n * 7919 + dpi);
    }
    const any = Object.values(images)[0]!;
    pages.push({ label: `${file.split('-')[0]}:${n}`, truth, pageW: (any.width * 72) / any.dpi, pageH: (any.height * 72) / any.dpi, images });
  }
  return pages;
}

async function measure(setting: Setting, condition: Condition, pages: Page[]): Promise<Row> {
  const engine = setting.engine();
  try {
    // Warm: the worker or sessions start outside the timed part.
    await engine.recognize({ width: 64, height: 32, channels: 1, data: new Uint8Array(64 * 32).fill(255), dpi: 300 });
    let ms = 0;
    let cpuUs = 0;
    let errors = 0;
    let chars = 0;
    let wordErrors = 0;
    let words = 0;
    let extra = 0;
    let conf = 0;
    const offsets: number[] = [];
    const perPage: Row['pages'] = [];
    for (const p of pages) {
      const img = await (setting.prep ?? ((i: PageImage) => i))(p.images[condition]!);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await engine.recognize(img);
      const c = process.cpuUsage(c0);
      cpuUs += c.user + c.system;
      ms += performance.now() - t0;
      const score: PageScore = scorePage(p.truth, r.runs, condition.startsWith('scan') ? unskew(p.pageW, p.pageH) : undefined);
      errors += score.errors;
      chars += score.truthChars;
      wordErrors += score.wordErrors;
      words += score.truthWords;
      extra += score.extraChars;
      conf += r.confidence;
      offsets.push(...score.boxOffsets);
      perPage.push({ page: p.label, cer: score.errors / score.truthChars, extra: score.extraChars });
    }
    const worst = perPage.reduce((a, b) => (b.cer > a.cer ? b : a));
    return {
      setting: setting.name,
      condition,
      cer: errors / chars,
      wer: wordErrors / words,
      worstPage: worst.page,
      worstCer: worst.cer,
      extraChars: extra,
      boxMedianPt: pct(offsets, 0.5),
      boxP95Pt: pct(offsets, 0.95),
      confidence: conf / pages.length,
      cpuSecondsPerPage: cpuUs / 1e6 / pages.length,
      pagesPerMinute2Cores: 120 / (cpuUs / 1e6 / pages.length),
      wallPagesPerMinute: pages.length / (ms / 60_000),
      pages: perPage,
    };
  } finally {
    await engine.close();
  }
}

const { values: args } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, json: { type: 'string' } } });
const only = args.only?.split(',').map((s) => s.trim());
const settings = SETTINGS.filter((s) => !only || only.some((o) => s.name.includes(o)));
const conditions = new Set(settings.flatMap((s) => s.on));
const pageList = args.quick ? PAGES.slice(0, 3) : PAGES;
console.log(`${pageList.length} pages: ${pageList.map(([f, n]) => `${f} p${n}`).join(', ')}`);
console.log(`${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}; CER against the text layer, per line (see tests/helpers/ocr-score.ts)`);
const pages = await loadPages(pageList, conditions);

const rows: Row[] = [];
for (const s of settings) {
  for (const c of s.on) {
    const r = await measure(s, c, pages);
    rows.push(r);
    console.log(
      `${r.setting.padEnd(24)} ${c.padEnd(9)} CER ${(r.cer * 100).toFixed(2).padStart(5)}%  WER ${(r.wer * 100).toFixed(1).padStart(4)}%  worst ${r.worstPage} ${(r.worstCer * 100).toFixed(1)}%  ` +
      `extra ${String(r.extraChars).padStart(4)}  box Δ p50 ${r.boxMedianPt.toFixed(2)} p95 ${r.boxP95Pt.toFixed(2)} pt  conf ${r.confidence.toFixed(3)}  ` +
      `${r.cpuSecondsPerPage.toFixed(2)} CPU s/page = ${r.pagesPerMinute2Cores.toFixed(1)} pages/min on 2 cores  (wall ${r.wallPagesPerMinute.toFixed(1)} pages/min, load ${loadavg()[0]!.toFixed(1)})`,
    );
  }
}

if (args.json) await writeFile(args.json, JSON.stringify(rows, null, 2));
