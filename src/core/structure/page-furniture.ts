import type { Line, Segment } from './lines.ts';

/**
 * Running headers and footers: text near the top or bottom edge that comes
 * back at about the same height on at least half of the pages. Digits are
 * ignored when comparing, so 'Page 3 of 25' and 'Page 4 of 25' are the same
 * footer. Only the outermost lines count: reading down from the top (up from
 * the bottom), the header ends at the first line with nothing repeated, so a
 * table that happens to sit at the same place on two pages stays content.
 */

export type FurnitureKind = 'header' | 'footer';

export interface PageLines {
  page: number;
  height: number;
  lines: Line[];
}

/** Running headers and footers live in the outer eighth of the page (about an inch); repeated text further in is content. */
const EDGE_ZONE = 0.13;
const MIN_LINES_TO_COUNT = 3;

export function furnitureKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/\d+/g, '#')
    .replace(/[^\p{L}#]+/gu, '');
}

interface Occurrence {
  page: number;
  y: number;
  segment: Segment;
}

/** The segments that are running headers or footers. */
export function findFurniture(pages: readonly PageLines[]): Map<Segment, FurnitureKind> {
  const repeated = repeatedSegments(pages);
  const found = new Map<Segment, FurnitureKind>();
  for (const p of pages) {
    const sorted = [...p.lines].sort((a, b) => a.bbox[1] - b.bbox[1]);
    const mark = (lines: Line[], kind: FurnitureKind) => {
      for (const line of lines) {
        // A line counts only when all of it repeats: a table header that shares a few cells with another page's is content.
        if (!line.segments.every((s) => repeated.get(s) === kind)) break;
        for (const s of line.segments) found.set(s, kind);
      }
    };
    mark(sorted, 'header');
    mark(sorted.reverse(), 'footer');
  }
  return found;
}

/** Segments in the edge zones whose text comes back at the same height on enough pages. */
function repeatedSegments(pages: readonly PageLines[]): Map<Segment, FurnitureKind> {
  const found = new Map<Segment, FurnitureKind>();
  // Pages with almost nothing on them (a photo and its caption) say nothing about running headers.
  const withText = pages.filter((p) => p.lines.length > MIN_LINES_TO_COUNT).length;
  const needed = Math.max(2, Math.ceil(withText / 2));
  if (withText < 2) return found;

  const byKey = new Map<string, Occurrence[]>();
  for (const p of pages) {
    for (const line of p.lines) {
      for (const segment of line.segments) {
        const y = (segment.bbox[1] + segment.bbox[3]) / 2;
        const zone = y < p.height * EDGE_ZONE ? 'header' : y > p.height * (1 - EDGE_ZONE) ? 'footer' : null;
        const key = furnitureKey(segment.text);
        if (!zone || key === '') continue;
        const k = `${zone}|${key}`;
        const list = byKey.get(k) ?? [];
        list.push({ page: p.page, y, segment });
        byKey.set(k, list);
      }
    }
  }

  const heightOf = new Map(pages.map((p) => [p.page, p.height]));
  for (const [k, list] of byKey) {
    const kind = k.startsWith('header|') ? 'header' : 'footer';
    list.sort((a, b) => a.y - b.y);
    // Cluster by height on the page: the same text at the same place.
    let cluster: Occurrence[] = [];
    const close = () => {
      if (new Set(cluster.map((o) => o.page)).size >= needed) for (const o of cluster) found.set(o.segment, kind);
      cluster = [];
    };
    for (const o of list) {
      const tolerance = Math.max(6, 0.012 * (heightOf.get(o.page) ?? 792));
      if (cluster.length && o.y - cluster.at(-1)!.y > tolerance) close();
      cluster.push(o);
    }
    close();
  }
  return found;
}
