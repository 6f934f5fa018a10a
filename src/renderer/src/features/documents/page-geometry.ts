import type { DocumentModelWire, Evidence } from '../../../../shared/contract/index.ts';

/** [x0, y0, x1, y1] in PDF points, origin top left (as documents.model gives them). */
export type BBox = [number, number, number, number];
type Page = DocumentModelWire['pages'][number];

/** The page renderings the core offers (`document.page`). */
const DPIS = [72, 96, 144, 200] as const;
export type PageDpi = (typeof DPIS)[number];

/** Screen pixels per PDF point at a zoom (1 = 100 %: a point is 1/72 inch, a CSS pixel 1/96). */
export const pxPerPoint = (zoom: number) => (zoom * 96) / 72;

/** The smallest rendering sharp at this zoom on this screen (the largest when none is). */
export function pickDpi(zoom: number, devicePixelRatio = 1): PageDpi {
  const needed = 72 * pxPerPoint(zoom) * devicePixelRatio;
  return DPIS.find((d) => d >= needed - 0.5) ?? 200;
}

/** A box on a page as CSS percentages of the page, so it follows the zoom without recomputing. */
export function boxStyle(bbox: BBox, page: Pick<Page, 'width' | 'height'>) {
  const pct = (v: number, of: number) => `${(100 * v) / of}%`;
  return {
    left: pct(bbox[0], page.width),
    top: pct(bbox[1], page.height),
    width: pct(Math.max(0, bbox[2] - bbox[0]), page.width),
    height: pct(Math.max(0, bbox[3] - bbox[1]), page.height),
  };
}

export const unionBox = (boxes: readonly BBox[]): BBox | undefined =>
  boxes.length === 0
    ? undefined
    : [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];

/** One run of text of the transparent text layer, where the document model placed it. */
export interface TextSpan {
  key: string;
  text: string;
  bbox: BBox;
}

/** The positioned text of one page: each block, or each cell of a table whose cells have boxes. */
export function textSpans(model: DocumentModelWire, page: number): TextSpan[] {
  const spans: TextSpan[] = [];
  for (const b of model.blocks) {
    if (b.page !== page) continue;
    const cells = b.table?.rows.flatMap((row, r) => row.map((cell, c) => ({ ...cell, key: `${b.id}:${r}:${c}` }))) ?? [];
    if (cells.length > 0 && cells.every((c) => c.bbox)) {
      for (const c of cells) if (c.text.trim()) spans.push({ key: c.key, text: c.text, bbox: c.bbox! });
    } else if (b.bbox && b.text.trim()) {
      spans.push({ key: b.id, text: b.text, bbox: b.bbox });
    }
  }
  return spans;
}

/**
 * A font size (points) that lets the text fill its box about as the page
 * does: the text is invisible, but a selection should cover what it reads.
 * Lines of n characters about half a font size wide, 1.15 apart.
 */
export function fontSizeFor(text: string, bbox: BBox): number {
  const w = Math.max(1, bbox[2] - bbox[0]);
  const h = Math.max(1, bbox[3] - bbox[1]);
  const n = Math.max(1, text.length);
  const lines = Math.max(1, text.split('\n').length);
  const byArea = Math.sqrt((w * h) / (n * 0.5 * 1.15));
  return Math.max(3, Math.min(byArea, h / (lines * 1.05)));
}

/**
 * The anchor of a reviewer's feedback from a text selection: the page of the
 * first span selected, the selected text, and the box around the spans of
 * that page it touches (a selection that runs onto another page keeps to the first).
 */
export function anchorFromSelection(text: string, spans: ReadonlyArray<{ page: number; bbox: BBox | undefined }>, fallbackPage?: number): Evidence | null {
  const quote = text.replace(/\s+/g, ' ').trim().slice(0, 2000);
  if (!quote) return null;
  const page = spans[0]?.page ?? fallbackPage;
  if (page === undefined) return null;
  const bbox = unionBox(spans.filter((s) => s.page === page && s.bbox).map((s) => s.bbox!));
  return { page, text: quote, ...(bbox ? { bbox: bbox.map((v) => Math.round(v * 100) / 100) as BBox } : {}) };
}

const normal = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Where to highlight an evidence entry: its own box, else the block of its
 * page that contains its text (rule evidence may come without a box), else
 * none (the page itself is marked).
 */
export function evidenceBox(model: DocumentModelWire | undefined, evidence: Evidence): BBox | undefined {
  if (evidence.bbox) return evidence.bbox;
  if (!model) return undefined;
  const needle = normal(evidence.text).slice(0, 60);
  if (!needle) return undefined;
  const block = model.blocks.find((b) => b.page === evidence.page && b.bbox && normal(b.text).includes(needle))
    ?? model.blocks.find((b) => b.page === evidence.page && b.bbox && needle.includes(normal(b.text)) && normal(b.text).length > 8);
  return block?.bbox;
}
