import type { FactField } from './document-facts.ts';
import { stem, tokenize } from '../retrieval/tokenize.ts';
import type { Facet, RequirementReading } from './requirement.ts';

/**
 * Which fields speak to which facet. A field's key is matched against every
 * facet of the framework, and a field answers only the facet(s) it fits best:
 * "Inspector: Alex Rivera" is the inspector's name (the hint "inspector"
 * of "Inspector named"), not evidence for "Inspector qualification", even
 * though both items mention inspectors. Words the framework uses in many items
 * ("inspection" in an inspection-report framework) say nothing about which
 * item a field belongs to and are not counted, nor are the words of the
 * framework's title ("vessel" in an API 510 framework).
 */

/** Key words that do not say what a field is about on their own. */
const WEAK_KEY_TERMS = new Set(['number', 'name', 'date', 'type', 'data', 'descript', 'detail', 'info', 'inform', 'general', 'total', 'other', 'note', 'comment', 'remark', 'ref', 'time']);
/** A term in this share of a framework's items or more is common to the framework. */
const COMMON_SHARE = 0.3;
/** A hint matching the key outranks any overlap of words. */
const HINT_SCORE = 1.5;
/** Share of the key's (weighted) words a facet must hold for a filled field, and for a blank one. */
export const FILLED_MATCH = 0.5;
export const BLANK_MATCH = 0.99;

export class FrameworkLexicon {
  private readonly df = new Map<string, number>();
  private readonly items: number;
  private readonly subject: Set<string>;

  /** `title`: the framework's title, whose words ("pressure vessel") are what every item is about. */
  constructor(readings: readonly RequirementReading[], title = '') {
    this.items = readings.length;
    this.subject = new Set(tokenize(title));
    for (const r of readings) for (const t of r.terms) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  common(term: string): boolean {
    return this.subject.has(term) || (this.items >= 4 && (this.df.get(term) ?? 0) / this.items >= COMMON_SHARE);
  }

  /** Rarer in the framework weighs more; a word no item uses weighs most. */
  weight(term: string): number {
    return Math.log(1 + this.items / ((this.df.get(term) ?? 0) + 1));
  }
}

const strongTerms = (terms: Iterable<string>, lexicon: FrameworkLexicon) => [...terms].filter((t) => !WEAK_KEY_TERMS.has(t) && !lexicon.common(t) && t.length > 1);

/**
 * How well a key fits a facet, 0..1 (1.5 for a hint): the weighted share of
 * the key's words the facet uses, or of the facet's words the key uses when
 * that is higher ("Next external inspection is due by" for "the next
 * inspection date or interval").
 */
export function keyScore(field: FactField, facet: Facet, lexicon: FrameworkLexicon): number {
  if (facet.hints.some((h) => h.test(field.key))) return HINT_SCORE;
  const strong = strongTerms(field.keyTerms, lexicon);
  if (strong.length === 0) return 0;
  const weigh = (ts: string[]) => ts.reduce((s, t) => s + lexicon.weight(t), 0);
  const shared = strong.filter((t) => facet.terms.has(t));
  if (shared.length === 0) return 0;
  const facetStrong = strongTerms(facet.terms, lexicon);
  return Math.max(weigh(shared) / weigh(strong), facetStrong.length > 0 ? weigh(shared) / weigh(facetStrong) : 0);
}

/** The facet's own words and the words of its hints ("inspector" for a facet hinted by /inspector/). */
function facetVocabulary(facet: Facet): Set<string> {
  const out = new Set(facet.terms);
  for (const h of facet.hints) for (const w of h.source.replace(/\\[sSdDwWbB]/g, ' ').replace(/[^A-Za-z]+/g, ' ').split(' ')) if (w.length >= 3) out.add(stem(w.toLowerCase()));
  return out;
}

export interface KeyMatch {
  field: FactField;
  score: number;
}

/** For each facet, the fields whose key fits it and fits no other facet of the framework better. */
export function assignFields(readings: readonly RequirementReading[], fields: readonly FactField[], lexicon: FrameworkLexicon): Map<Facet, KeyMatch[]> {
  const out = new Map<Facet, KeyMatch[]>();
  const facets = readings.flatMap((r) => r.facets);
  for (const f of facets) out.set(f, []);
  const vocabularies = new Map(facets.map((f) => [f, facetVocabulary(f)]));
  for (const field of fields) {
    const scores = facets.map((facet) => keyScore(field, facet, lexicon));
    const best = Math.max(0, ...scores);
    if (best < FILLED_MATCH) continue;
    const winners = facets.filter((_, i) => scores[i]! >= best - 1e-9);
    const claimed = new Set(winners.flatMap((w) => [...vocabularies.get(w)!]));
    facets.forEach((facet, i) => {
      // Best fit; or a good fit on words the best-fitting facets do not use ("Level" in "Examiner Name/Level").
      const ownWords = [...field.keyTerms].some((t) => facet.terms.has(t) && !claimed.has(t) && !WEAK_KEY_TERMS.has(t) && !lexicon.common(t));
      if (scores[i]! >= best - 1e-9 || (scores[i]! >= FILLED_MATCH && ownWords)) out.get(facet)!.push({ field, score: scores[i]! });
    });
  }
  return out;
}
