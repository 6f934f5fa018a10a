/**
 * Is a page's text layer text, or garbage? A PDF whose fonts lack a usable
 * encoding (no ToUnicode map, glyph codes that are not characters) gives
 * pdf.js strings like `").! !$'  %=:13>> 092 9>?=@839?0?6:9`: the glyphs'
 * codes, mostly punctuation. Real text, even a table of readings or a form,
 * is mostly tokens that look like words or numbers.
 *
 * The measure: the share of characters that belong to word-like tokens
 * (letters/digits, with inner connectors such as `-./:,'&` and surrounding
 * brackets, quotes or punctuation), after dot/dash leaders (`.......`) are
 * removed and one-character tokens (`#`, `-`, a checkbox glyph) are left out
 * of both sides. Measured on all 185 pages of the reports in ../shared/data
 * (tests/integration/parse.test.ts checks every page's verdict): good pages
 * score 0.84 and above (the lowest, the synthetic bridge report's cover; then
 * the API 510 report's thickness tables at 0.89), the broken P&ID 0.05. The
 * threshold sits between, at 0.5, and a page needs 40 characters before it is
 * judged at all.
 */

export const GARBAGE_WORD_SHARE = 0.5;
export const MIN_CHARS_TO_JUDGE = 40;

export type TextLayerVerdict =
  | { kind: 'empty' }
  | { kind: 'text'; chars: number; wordShare: number }
  | { kind: 'garbage'; chars: number; wordShare: number };

/** Runs of one repeated non-word character: dot leaders, rules, underscores for blanks to fill in. */
const LEADERS = /([^\p{L}\p{N}\s])\1{2,}/gu;
const WORD = /^[\p{Ps}\p{Pi}"'([{/#$€£+\-−±<>~*•·]*[\p{L}\p{N}\p{M}]+(?:[-‐–./:,'’&_+#°×@/][\p{L}\p{N}\p{M}]+)*[\p{Pe}\p{Pf}"')\]}.,;:!?%°*]*$/u;
/** Characters that never belong to text: replacement character, controls other than whitespace, unassigned. */
const JUNK = /[\uFFFD\p{Cc}\p{Cn}]/u;

const nonSpaceLength = (s: string) => s.replace(/\s+/g, '').length;

export function judgeTextLayer(text: string): TextLayerVerdict {
  const chars = nonSpaceLength(text);
  if (chars === 0) return { kind: 'empty' };
  let counted = 0;
  let wordChars = 0;
  for (const token of text.replace(LEADERS, ' ').split(/\s+/)) {
    if (token.length < 2) continue;
    counted += token.length;
    if (WORD.test(token) && !JUNK.test(token)) wordChars += token.length;
  }
  const wordShare = counted === 0 ? 1 : wordChars / counted;
  if (chars >= MIN_CHARS_TO_JUDGE && wordShare < GARBAGE_WORD_SHARE) return { kind: 'garbage', chars, wordShare };
  return { kind: 'text', chars, wordShare };
}

export const percent = (share: number) => `${Math.round(share * 100)}%`;
