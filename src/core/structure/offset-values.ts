import { labelKey } from './fields.ts';
import { unionBBox } from './geometry.ts';
import { lineFromSegments, type Line, type Segment } from './lines.ts';

/**
 * In forms drawn as boxes, a label is often centred in its cell while the
 * value sits at the top of the cell beside it (or wraps over two lines), so
 * the value lands on a line of its own just above or below the label. This
 * puts such values back beside their label.
 */

/** How far (in ems of the label) a value's middle may sit from the label's middle. */
const MAX_OFFSET_EM = 0.9;

const middle = (s: { bbox: [number, number, number, number] }) => (s.bbox[1] + s.bbox[3]) / 2;

/** The x range right of `label` up to the next segment of its line (or the page's right). */
function slotOf(line: Line, index: number): [number, number] {
  const label = line.segments[index]!;
  const next = line.segments[index + 1];
  return [label.bbox[2], next ? next.bbox[0] : Infinity];
}

export function attachOffsetValues(lines: readonly Line[]): Line[] {
  const out = [...lines];
  const removed = new Set<Line>();
  for (let i = 0; i < out.length; i++) {
    const line = out[i]!;
    if (removed.has(line)) continue;
    for (let s = 0; s < line.segments.length; s++) {
      const label = line.segments[s]!;
      if (!labelKey(label.text)) continue;
      const next = line.segments[s + 1];
      if (next && !labelKey(next.text)) continue; // it has its value already
      const [from, to] = slotOf(line, s);
      const em = label.bbox[3] - label.bbox[1];
      const taken: Array<{ line: Line; segs: Segment[] }> = [];
      for (const j of [i - 1, i + 1]) {
        const other = out[j];
        if (!other || removed.has(other) || other.column !== line.column) continue;
        // Every segment of that line must sit in the slot: a line with text elsewhere is a row of its own.
        const inSlot = other.segments.every((g) => g.bbox[0] >= from && g.bbox[2] <= to + 0.5 * em);
        if (inSlot && Math.abs(middle(other) - middle(label)) <= MAX_OFFSET_EM * em && !other.segments.some((g) => labelKey(g.text))) {
          taken.push({ line: other, segs: other.segments });
        }
      }
      if (taken.length === 0) continue;
      const parts = taken.flatMap((t) => t.segs).sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
      const value: Segment = { ...parts[0]!, text: parts.map((p) => p.text).join(' '), bbox: unionBBox(parts.map((p) => p.bbox)) };
      const segments = [...line.segments.slice(0, s + 1), value, ...line.segments.slice(s + 1)];
      out[i] = lineFromSegments(line.page, segments, line.column);
      for (const t of taken) removed.add(t.line);
      i--; // look at the line again: another label on it may be waiting for its value too
      break;
    }
  }
  return out.filter((l) => !removed.has(l));
}
