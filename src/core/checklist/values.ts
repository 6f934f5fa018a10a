/**
 * Content checks: does a piece of text hold a value of the kind a
 * requirement asks for (a date, an identifier, a person's name, a measured
 * quantity), or only a label, a placeholder or an empty line? This is what
 * separates "Inspector: Alex Rivera" from "Name of Inspector:" on a blank
 * form, and "Report No.: 54-11-001-11" from a heading called "Report".
 */

/**
 * 'person': a person's name (two words at least); 'name': any name, a company's included;
 * 'unique': what tells one thing from all others, a code with digits or an address.
 */
export type ValueKind = 'date' | 'identifier' | 'name' | 'person' | 'quantity' | 'place' | 'unique';

/** Values that fill a field without saying anything. */
const PLACEHOLDER = /^(?:n\/?a|na|nil|none|null|unknown|tbd|tba|tbc|not\s+(?:applicable|available|known|provided|given|recorded)|data\s+not\s+found.*|no\s+data|-+|—+|–+|_+|\.+|x|\?+|see\s+(?:above|below|billing\s+sheet)|yes|no|select|choose.*|\[.*\]|<.*>)$/i;

export function isPlaceholder(value: string): boolean {
  const v = value.replace(/\s+/g, ' ').trim();
  return v.length === 0 || PLACEHOLDER.test(v);
}

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const DATE = new RegExp(
  [
    String.raw`\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b`, // 06/20/2017, 27.09.2022, 12-07-22
    String.raw`\b\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b`, // 2026-04-15
    String.raw`\b\d{1,2}[\s\-](?:${MONTHS})[a-z]*[\s\-,]+\d{2,4}\b`, // 12-JUL-2022, 25 February 2024
    String.raw`\b(?:${MONTHS})[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b`, // February 11, 2016
  ].join('|'),
  'i',
);

export function hasDate(text: string): boolean {
  return DATE.test(text);
}

/** A code with digits ("54-11-001-11", "55G998A", "TNDT-UT-003", "WPS-SA304L"), not a bare small number. */
const IDENTIFIER = /\b(?=[A-Za-z0-9\-/.]*\d)(?:[A-Za-z]*\d[A-Za-z0-9\-/.]*|[A-Za-z]+[-/]?[A-Za-z]*\d[A-Za-z0-9\-/.]*)\b/;

export function hasIdentifier(text: string): boolean {
  const m = text.match(new RegExp(IDENTIFIER.source, 'g')) ?? [];
  return m.some((token) => token.replace(/[^A-Za-z0-9]/g, '').length >= 3 || /[A-Za-z]/.test(token));
}

/**
 * A number with a unit, or a decimal with two or more places or below one
 * ("0.375", "130.250"): a measurement rather than an item or section number
 * ("2.1", "4.8.3").
 */
const QUANTITY = /(?:\b\d+(?:[.,]\d+)?\s*(?:mm|cm|m|in(?:ch(?:es)?)?|"|''|ft|feet|'|mils?|psi|psig|bar|kpa|mpa|°\s*[cf]?|deg\s*[cf]?|%|kg|kgs|lbs?|pcs|pieces|units|cartons?|ctns|points|sq\.?\s*ft|lin\.?\s*ft|years?|yrs?|in\/y(?:ea)?r|mpy|mhz|db)\b|(?<![\d.])0?\.\d+\b|\b\d+\.\d{2,}\b|\b\d+\s*\/\s*\d+\s*["']|\b\d+\s*x\s*\d+)/i;

export function hasQuantity(text: string): boolean {
  return QUANTITY.test(text);
}

/** Count of quantities in a text: a table of readings has many. */
export function quantityCount(text: string): number {
  return (text.match(new RegExp(QUANTITY.source, 'gi')) ?? []).length;
}

/** Capitalised words that start sentences or name document parts, never a person or company. */
const NOT_NAMES = new Set(['the', 'a', 'an', 'this', 'that', 'these', 'those', 'it', 'see', 'all', 'no', 'yes', 'none', 'and', 'or', 'of', 'for', 'to', 'in', 'on', 'at', 'by', 'with', 'is', 'are', 'was', 'were', 'please', 'note', 'page', 'ask', 'if', 'when', 'while', 'only', 'any', 'each', 'not', 'do', 'does']);

export type LabelTest = (word: string) => boolean;

/**
 * A name: capitalised words that are not label words ("Alex Rivera",
 * "JOHN SMITH", "Smith & Rao", "SAChem"). In running text two
 * such words in a row are needed ("Ask the inspector" is not a name); a field
 * value (`single`) may be one word ("Binsr").
 */
export function hasName(text: string, isLabel: LabelTest = () => false, single = false): boolean {
  return nameWords(text, isLabel, single ? 1 : 2, false);
}

/**
 * A person's name: two name words at least, an initial counting as one
 * ("Alex Rivera", "R. Thompson", "Smith & Rao"). A single word in an
 * inspector's field ("Binsr") names a company, a brand or only a first name:
 * a reviewer cannot tell who did the work.
 */
export function hasPersonName(text: string, isLabel: LabelTest = () => false): boolean {
  return nameWords(text, isLabel, 2, true);
}

function nameWords(text: string, isLabel: LabelTest, needed: number, initials: boolean): boolean {
  const tokens = text.match(/[\p{L}][\p{L}'’.-]*|&/gu) ?? [];
  // Text written all in capitals ("OR PROVIDED AS AN ATTACHMENT") is shouting, not a list of names.
  const caps = tokens.filter((t) => t.length >= 2 && t === t.toUpperCase() && /\p{Lu}/u.test(t)).length;
  const shouting = caps >= 4 && caps / tokens.length >= 0.6;
  let run = 0;
  for (const t of tokens) {
    if (t === '&' || t.toLowerCase() === 'and') continue; // "Smith & Rao": the connector does not break the name
    const word = t.replace(/[.’'-]+$/, '');
    const capital = /^\p{Lu}/u.test(word) && !(shouting && word === word.toUpperCase());
    const initial = initials && /^\p{Lu}\.$/u.test(t);
    if (initial || (capital && word.length >= 2 && !NOT_NAMES.has(word.toLowerCase()) && !isLabel(word))) {
      run++;
      if (run >= needed) return true;
    } else run = 0;
  }
  return false;
}

/** A place: a street address ("2311 Pipeline Rd", "Building 20, No.998, Dongda Road"), or "City, ST" / "City, Country". */
const STREET = '(?:Rd|Road|St|Street|Ave|Avenue|Blvd|Boulevard|Dr|Drive|Ln|Lane|Hwy|Highway|Pkwy|Parkway|Ct|Court)';
const PLACE = new RegExp(
  [
    String.raw`\b\d+[A-Za-z]?\s+(?:[NSEW]\.?\s+)?[A-Z][A-Za-z.]+(?:\s+[A-Z][A-Za-z.]*)*\s+${STREET}\b`, // 2311 Pipeline Rd
    String.raw`\b[A-Z][a-z]+\s+${STREET}\b`, // Dongda Road
    String.raw`\b[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?,\s*(?:[A-Z]{2}\b|[A-Z][a-z]\.?\s+\d{5}\b)`, // Cleburne, TX / Cleburn, Tx 76033
  ].join('|'),
);

export function hasPlace(text: string): boolean {
  return PLACE.test(text);
}

/** Does `text` carry a value of every kind in `kinds`? */
export function hasValueKinds(text: string, kinds: readonly ValueKind[], isLabel?: LabelTest, single = false): boolean {
  return kinds.every((k) => {
    switch (k) {
      case 'date':
        return hasDate(text);
      case 'identifier':
        return hasIdentifier(text);
      case 'name':
        return hasName(text, isLabel, single);
      case 'person':
        return hasPersonName(text, isLabel);
      case 'quantity':
        return hasQuantity(text);
      case 'place':
        return hasPlace(text);
      case 'unique':
        return hasIdentifier(text) || hasPlace(text);
    }
  });
}
