/** A box candidate: [x1, y1, x2, y2] (continuous coordinates, x2/y2 exclusive edges), score, class index. */
export interface Candidate {
  box: [number, number, number, number];
  score: number;
  cls: number;
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const ih = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression within each class (torchvision's
 * batched_nms): highest score first, dropping any box of the same class that
 * overlaps a kept one by more than `iouThreshold`. Returns at most `limit`
 * boxes, best first.
 */
export function classNms<T extends Candidate>(cands: T[], iouThreshold: number, limit = Infinity): T[] {
  const order = cands.map((_, i) => i).sort((a, b) => cands[b]!.score - cands[a]!.score || a - b);
  const kept: T[] = [];
  const byClass = new Map<number, T[]>();
  for (const i of order) {
    const c = cands[i]!;
    const same = byClass.get(c.cls) ?? [];
    if (same.some((k) => iou(k.box, c.box) > iouThreshold)) continue;
    same.push(c);
    byClass.set(c.cls, same);
    kept.push(c);
    if (kept.length >= limit) break;
  }
  return kept;
}
