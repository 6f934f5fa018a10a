/**
 * Small text tests shared by the structure detectors. Kept here, not in the
 * detectors, so that "is this a number", "is this a label" mean the same thing
 * for tables, fields and headings.
 */

/** Symbol-font glyphs that pdf.js maps to the Private Use Area (Wingdings, Symbol bullets) read as bullets. */
const PRIVATE_USE = /[\uF000-\uF0FF]/g;

/** Cleans a run's text: private-use symbol glyphs become '•', runs of whitespace one space. */
export function cleanText(text: string): string {
  return text.replace(PRIVATE_USE, '•').replace(/\s+/g, ' ').trim();
}

export const wordCount = (text: string): number => (text.trim() === '' ? 0 : text.trim().split(/\s+/).length);

/** Letters (any script) in the text. */
export const letterCount = (text: string): number => (text.match(/\p{L}/gu) ?? []).length;

/** True when the text has at least `min` letters and (almost) all of them are capitals. */
export function isAllCaps(text: string, min = 3): boolean {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length < min) return false;
  const upper = letters.filter((c) => c === c.toUpperCase() && c !== c.toLowerCase()).length;
  return upper / letters.length >= 0.9;
}

const UNIT = String.raw`(?:psig|psia|psi|bar|kpa|mpa|ksi|in\.?|inch(?:es)?|mm|cm|m|ft|°\s?[fc]|deg\s?[fc]|%|years?|yrs?|hrs?|mhz|lbs?|kg|gal)`;

/**
 * A cell that reads as a quantity: 0.813, -20, 1,250, 3/4, 12', 2", >20, 45°, 4.7%, 225 psi, N/A, a date.
 * Tables use it to tell the header (words) from the body (numbers).
 */
export function isNumericCell(text: string): boolean {
  const t = text.trim();
  if (t === '') return false;
  // 'N/A', and dashes for 'nothing' ('-', '- - -', '—').
  if (/^(n\/?a|nil|none|[-–—](?:\s*[-–—])*)$/i.test(t)) return true;
  if (/^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(t)) return true;
  const number = String.raw`[<>~±+-]?\$?(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:/\d+)?\s*['"°%]?`;
  // A number, or a range of two ('120 – 160', '3.6 - 4.368'), with an optional unit.
  return new RegExp(String.raw`^${number}(?:\s*[-–—~]\s*${number})?(?:\s*${UNIT})?$`, 'i').test(t);
}

/** A value with a unit after a short label: 'MAWP 150 psi' → key 'MAWP', value '150 psi'. */
export function splitQuantityPair(text: string): { key: string; value: string } | null {
  const m = new RegExp(String.raw`^(\p{L}[\p{L}\d .()/#&-]{0,40}?)\s+([<>~±+-]?\d[\d,]*(?:\.\d+)?\s*${UNIT})$`, 'iu').exec(text.trim());
  if (!m) return null;
  const key = m[1]!.trim();
  if (wordCount(key) > 4 || letterCount(key) < 2) return null;
  return { key, value: m[2]!.trim() };
}

/** A list marker at the start of a line: bullets, '1.', '1)', 'a)', '(a)', 'iv.'. */
const LIST_MARKER = /^(?:[•●○◦▪■□➢►‣∙·*-]\s*|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s+|(?:\d{1,2}|[a-z])\.\s+)/;

export function listMarker(text: string): string | null {
  const m = LIST_MARKER.exec(text);
  if (!m) return null;
  // '-' or '*' need a space after them to be a bullet, not a minus sign or a footnote mark.
  if (/^[*-]\S/.test(text)) return null;
  return m[0].trim();
}

/** True when the whole text is only a list marker (a bullet glyph drawn as its own run, 'a.', 'A.', '1)'). */
export const isBareListMarker = (text: string): boolean =>
  /^(?:[•●○◦▪■□➢►‣∙·]|\(?(?:\d{1,2}|[a-zA-Z])[.)])$/.test(text.trim()) || isCheckboxes(text);

/** Form checkboxes (☒ ticked, ☐ not), as the parser writes a form's boxes: one or several in a row. */
export const isCheckboxes = (text: string): boolean => /^[☐☑☒](?:\s*[☐☑☒])*$/.test(text.trim());

/** The text without the checkboxes in front of it ('☒ ☐ ☐ ☐ A. Foundations' → 'A. Foundations'). */
export const stripCheckboxes = (text: string): string => text.replace(/^\s*[☐☑☒](?:\s*[☐☑☒])*\s*/, '');

/** Strips a leading bullet glyph (numbered markers stay: they are part of what the item says). */
export const stripBullet = (text: string): string => text.replace(/^[•●○◦▪■□➢►‣∙·*-]\s*/, '').trim();
