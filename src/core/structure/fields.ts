import type { BBox } from '../parse/types.ts';
import { unionBBox } from './geometry.ts';
import type { Line, Segment } from './lines.ts';
import { letterCount, splitQuantityPair, wordCount } from './text.ts';

/**
 * Key–value fields: 'Report No.: 54-11-001-11' in one run, a label run and a
 * value run on one line ('Inspector :' … 'Alex Rivera'), a label alone
 * ('Comments:', an empty field is worth knowing about), and 'MAWP 150 psi'.
 */

export interface FieldPart {
  key: string;
  value: string;
  /** Absent for flowing documents, which have no positions. */
  bbox?: BBox;
  /** Key and value were in one segment ('Unit: sq.ft.'), as opposed to a label cell and a value cell. */
  inline: boolean;
}

export type LinePiece = { kind: 'field'; field: FieldPart } | { kind: 'text'; segments: Segment[] };

const MAX_KEY_WORDS = 8;
const MAX_KEY_CHARS = 60;
const MAX_INLINE_VALUE = 120;

/**
 * The key for matching: lower case, '#' read as 'no', punctuation and spacing
 * dropped, so 'Report No.:', 'REPORT NO' and 'Report #' all give 'report no'.
 */
export function normalizeKey(key: string): string {
  return key
    .replace(/^\s*\d+(?:\.\d+)+\.?\s+/, '') // '4.8.2 Next internal inspection is due by' is the same key wherever it is numbered
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/#/g, ' no ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function validKey(key: string): boolean {
  const k = key.trim();
  if (k.length === 0 || k.length > MAX_KEY_CHARS || wordCount(k) > MAX_KEY_WORDS) return false;
  if (letterCount(k) < 2 || !/^[\p{L}\p{N}#(]/u.test(k)) return false;
  // A sentence that ends in a colon ('The inspector IS required to:') is a lead-in, not a label.
  return !/\b(to|the|of|and|or|for|with|following|are|is)$/i.test(k);
}

/** 'Report No.:' → 'Report No.' when the text is a label (a key ending with ':'), else null. */
export function labelKey(text: string): string | null {
  const m = /^(.+?)\s*:$/.exec(text.trim());
  return m && validKey(m[1]!) ? m[1]!.trim() : null;
}

/** 'Unit: sq.ft.' → { key: 'Unit', value: 'sq.ft.' }; a colon inside '14:28' or 'http://' does not count. */
export function parseInlineField(text: string): { key: string; value: string } | null {
  const m = /^([^:]{1,60}?)\s*:\s+(\S.*)$/.exec(text.trim());
  if (!m || !validKey(m[1]!) || m[2]!.length > MAX_INLINE_VALUE) return null;
  return { key: m[1]!.trim(), value: m[2]!.trim() };
}

const styled = (s: Segment) => s.bold || s.italic;

/** Splits a line into fields and the text around them. */
export function splitLineFields(line: Line): LinePiece[] {
  const segs = line.segments;
  const pieces: LinePiece[] = [];
  const text = (s: Segment) => {
    const last = pieces.at(-1);
    if (last?.kind === 'text') last.segments.push(s);
    else pieces.push({ kind: 'text', segments: [s] });
  };
  const field = (key: string, value: string, parts: Segment[], inline: boolean) =>
    pieces.push({ kind: 'field', field: { key, value, bbox: unionBBox(parts.map((p) => p.bbox)), inline } });

  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const next = segs[i + 1];
    const label = labelKey(s.text);
    if (label) {
      if (next && !labelKey(next.text) && !parseInlineField(next.text)) {
        field(label, next.text, [s, next], false);
        i++;
      } else if (segs.length > 1 || (styled(s) && !/^\d+(\.\d+)+\s/.test(label))) {
        // A label with nothing after it: the form left this blank. (A plain 'stipulations:' ending a line is prose.)
        field(label, '', [s], false);
      } else text(s);
      continue;
    }
    const inline = parseInlineField(s.text);
    if (inline) {
      field(inline.key, inline.value, [s], true);
      continue;
    }
    const quantity = segs.length === 1 ? splitQuantityPair(s.text) : null;
    if (quantity) {
      field(quantity.key, quantity.value, [s], true);
      continue;
    }
    // A styled label without a colon and plain values after it ('Length (inch)' … '432.500', 'Report No.' … '1' … 'OF' … '1').
    const rest = segs.slice(1);
    if (i === 0 && rest.length > 0 && styled(s) && rest.every((r) => !styled(r)) && wordCount(s.text) <= 5 && !/[;,]$/.test(s.text)
      && letterCount(s.text) >= 2 && rest.every((r) => !labelKey(r.text) && !parseInlineField(r.text))) {
      const value = rest.map((r) => r.text).join(' ');
      if (wordCount(value) <= 12) {
        field(s.text, value, segs, false);
        break;
      }
    }
    text(s);
  }
  return pieces;
}
