/**
 * How the OCR benchmark (tools/bench/ocr.ts) and tests/integration/ocr.test.ts
 * score OCR against a page's text layer.
 *
 * Ground truth is `pdftotext -bbox-layout`: the page's text lines with their
 * boxes. OCR output is words with boxes. Reading order differs between
 * engines and pdftotext on forms and tables, so the score does not depend on
 * it: each OCR word goes to the text-layer line its centre falls in, the
 * words of a line are put left to right, and the line's text is compared with
 * the text layer's by Levenshtein distance. CER = the sum of those distances
 * over the text layer's characters (after normalisation); WER is the same
 * over words (one wrong character makes a wrong word, which is what keyword
 * search and checklist rules see). OCR words that fall in no text-layer line
 * (text inside logos and photos, which the text layer does not have, or noise
 * read as text) are not in the CER; they are counted apart as "extra"
 * characters so that an engine that invents text is seen.
 * Placing words by their boxes also checks the boxes: a word whose box is
 * wrong lands in the wrong line and counts as an error twice.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PageImage } from '../../src/core/ocr/types.ts';
import type { TextRun } from '../../src/core/parse/types.ts';

const run = promisify(execFile);

export interface TruthWord {
  text: string;
  box: [number, number, number, number];
}

export interface TruthLine extends TruthWord {
  words: TruthWord[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : (ENTITIES[e] ?? m));

const attrBox = (attrs: string): [number, number, number, number] => {
  const get = (k: string) => Number(new RegExp(`${k}="([-\\d.]+)"`).exec(attrs)?.[1]);
  return [get('xMin'), get('yMin'), get('xMax'), get('yMax')];
};

/** The text layer's lines of one page (1-based), in PDF points with a top-left origin, as pdftotext reads them. */
export async function textLayerLines(pdf: string, page: number): Promise<TruthLine[]> {
  const { stdout } = await run('pdftotext', ['-f', String(page), '-l', String(page), '-bbox-layout', pdf, '-'], { maxBuffer: 64 << 20 });
  const lines: TruthLine[] = [];
  for (const m of stdout.matchAll(/<line ([^>]*)>([\s\S]*?)<\/line>/g)) {
    const words = [...m[2]!.matchAll(/<word ([^>]*)>([\s\S]*?)<\/word>/g)].map((w) => ({ text: decode(w[2]!), box: attrBox(w[1]!) }));
    lines.push({ text: words.map((w) => w.text).join(' '), box: attrBox(m[1]!), words });
  }
  return lines;
}

/**
 * What counts as the same text: Unicode compatibility forms, one kind of
 * quote, dash and space, and no bullet glyphs (a symbol-font bullet is a
 * private-use character in the text layer and "e" or "°" to OCR; neither is
 * content).
 */
export function normalise(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201a\u201b\u2032`´]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2022\u00b7\u25aa\u25cf\u25e6\u25a0\u25a1\u2023\u2043\uf000-\uf8ff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Levenshtein distance over code points, or over words when given arrays. */
export function levenshtein(a: string | string[], b: string | string[]): number {
  const x = typeof a === 'string' ? [...a] : a;
  const y = typeof b === 'string' ? [...b] : b;
  if (x.length === 0) return y.length;
  if (y.length === 0) return x.length;
  let prev = new Uint32Array(y.length + 1).map((_, j) => j);
  let cur = new Uint32Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[y.length]!;
}

export interface PageScore {
  /** Characters of the text layer (normalised). */
  truthChars: number;
  /** Edit operations to turn the OCR text of each line into the text layer's. */
  errors: number;
  /** Words of the text layer, and word edits (the same alignment over words: a word is right only if every character is). */
  truthWords: number;
  wordErrors: number;
  /** Characters of OCR words outside every text-layer line. */
  extraChars: number;
  /** For OCR words equal to a text-layer word of their line: distance between the two boxes' centres, in points. */
  boxOffsets: number[];
  /** Per line: truth and OCR text, for reading the errors. */
  lines: Array<{ truth: string; ocr: string; errors: number; words: number; wordErrors: number }>;
}

/** `map` moves an OCR box centre into the text layer's frame (the benchmark undoes the skew it added); identity by default. */
export function scorePage(truth: TruthLine[], runs: TextRun[], map: (x: number, y: number) => [number, number] = (x, y) => [x, y]): PageScore {
  const lines = truth.map((l) => ({ ...l, norm: normalise(l.text), ocr: [] as Array<{ text: string; cx: number; cy: number }> }));
  let extraChars = 0;
  for (const r of runs) {
    const text = normalise(r.text);
    if (!text) continue;
    const [cx, cy] = map((r.bbox[0] + r.bbox[2]) / 2, (r.bbox[1] + r.bbox[3]) / 2);
    let best: (typeof lines)[number] | undefined;
    let bestD = Infinity;
    for (const l of lines) {
      const [x0, y0, x1, y1] = l.box;
      const h = y1 - y0;
      if (cy < y0 - 0.15 * h || cy > y1 + 0.15 * h || cx < x0 - 0.5 * h || cx > x1 + 0.5 * h) continue;
      const d = Math.abs(cy - (y0 + y1) / 2) * 4 + Math.max(0, x0 - cx, cx - x1);
      if (d < bestD) {
        bestD = d;
        best = l;
      }
    }
    if (best) best.ocr.push({ text, cx, cy });
    else extraChars += [...text].length;
  }
  const boxOffsets: number[] = [];
  const scored = lines.filter((l) => l.norm.length > 0).map((l) => {
    l.ocr.sort((a, b) => a.cx - b.cx);
    const ocr = l.ocr.map((w) => w.text).join(' ');
    const used = new Set<number>();
    for (const w of l.ocr) {
      const i = l.words.findIndex((t, k) => !used.has(k) && normalise(t.text) === w.text);
      if (i < 0) continue;
      used.add(i);
      const t = l.words[i]!.box;
      boxOffsets.push(Math.hypot((t[0] + t[2]) / 2 - w.cx, (t[1] + t[3]) / 2 - w.cy));
    }
    const words = (t: string) => t.split(' ').filter(Boolean);
    return { truth: l.norm, ocr, errors: levenshtein(l.norm, ocr), words: words(l.norm).length, wordErrors: levenshtein(words(l.norm), words(ocr)) };
  });
  return {
    truthChars: scored.reduce((s, l) => s + [...l.truth].length, 0),
    errors: scored.reduce((s, l) => s + l.errors, 0),
    truthWords: scored.reduce((s, l) => s + l.words, 0),
    wordErrors: scored.reduce((s, l) => s + l.wordErrors, 0),
    extraChars,
    boxOffsets,
    lines: scored,
  };
}

/** One page of a PDF rendered by poppler at `dpi` as 8-bit grey, the way a scanner would deliver it. */
export async function renderPage(pdf: string, page: number, dpi: number): Promise<PageImage> {
  const { stdout } = await run('pdftoppm', ['-f', String(page), '-l', String(page), '-r', String(dpi), '-gray', '-singlefile', pdf], {
    encoding: 'buffer',
    maxBuffer: 256 << 20,
  });
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(stdout.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error(`pdftoppm did not write a PGM for ${pdf} page ${page}`);
  const width = Number(header[1]);
  const height = Number(header[2]);
  const data = new Uint8Array(stdout.subarray(header[0].length, header[0].length + width * height));
  return { width, height, channels: 1, data, dpi };
}
