import { words } from '../retrieval/tokenize.ts';
import type { DocumentFacts } from './document-facts.ts';
import { fieldEvidence, passageEvidence, type FacetFinding } from './facets.ts';
import { BLANK_MATCH, type KeyMatch } from './key-matching.ts';
import type { Facet, RequirementReading } from './requirement.ts';
import { detectContent, hasDetector, isStandardTerms } from './content-detectors.ts';
import { fromIdentity } from './document-identity.ts';
import { hasValueKinds, isPlaceholder, type LabelTest } from './values.ts';

/**
 * The rule layer: the framework's evidence hints and the requirement's own
 * words matched against the document's fields, headings and text, with a
 * content check on every match. A field whose key names the facet decides it
 * (filled: found; blank or "N/A": blank). A hint found in text counts when
 * the words after it carry the value the facet asks for; a hint that only
 * matches a heading with nothing under it is a blank, not a finding.
 */

/** Text scanned after a hint match for the value. */
const VALUE_WINDOW = 160;
/** Text before a hint searched for its value when nothing follows it. */
const VALUE_BEFORE = 60;
/** Text after a hint where its value must be. */
const VALUE_AFTER = 40;
/** Hints run over at most this much of one passage: bounded work whatever the pattern. */
const MAX_SCAN = 4000;

/** The first `limit` characters of `text`, without a word cut in two ("Pl" of "Please" is no name). */
function wholeWords(text: string, limit: number): string {
  if (text.length <= limit || !/[\p{L}\d]/u.test(text[limit]!)) return text.slice(0, limit);
  return text.slice(0, limit).replace(/[\p{L}\d'’.-]+$/u, '');
}

function fromFields(facet: Facet, matches: readonly KeyMatch[], isLabel: LabelTest): FacetFinding | null {
  // A blank field is strong evidence of absence, so it must be the facet's own field beyond doubt.
  const matching = matches.filter((m) => !m.field.blank || m.score >= BLANK_MATCH).map((m) => m.field);
  if (matching.length === 0) return null;
  const filled = matching.filter((f) => !f.blank && hasValueKinds(f.value, facet.valueKinds, isLabel, true));
  if (filled.length > 0) {
    // The same field repeated on every page is one piece of evidence.
    const shown = filled.filter((f, i) => filled.findIndex((g) => g.key === f.key && g.value === f.value) === i).slice(0, 2);
    return {
      facet, state: 'found', strength: 0.9, source: 'rule', evidence: shown.map(fieldEvidence),
      note: shown.map((f) => `${f.key}: ${f.value} (p. ${f.page})`).join('; '),
    };
  }
  const blank = matching.filter((f) => f.blank);
  if (blank.length > 0) {
    const f = blank[0]!;
    return {
      facet, state: 'blank', strength: 0.8, source: 'rule', evidence: [fieldEvidence(f)],
      note: f.value ? `"${f.key}" says only "${f.value}" (p. ${f.page})` : `"${f.key}" is left blank (p. ${f.page})`,
    };
  }
  // Filled, but not with the kind of value asked for (e.g. a date field holding a name).
  const f = matching[0]!;
  return { facet, state: 'weak', strength: 0.5, source: 'rule', evidence: [fieldEvidence(f)], note: `${f.key}: ${f.value} (p. ${f.page})` };
}

function fromHints(facet: Facet, facts: DocumentFacts, isLabel: LabelTest): FacetFinding | null {
  if (facet.hints.length === 0) return null;
  let headingOnly: FacetFinding | null = null;
  let weak: FacetFinding | null = null;
  for (const p of facts.passages) {
    if (p.kind === 'field') continue; // fields were judged by key above
    // Standard terms name no one and date nothing about this inspection.
    if (facet.valueKinds.length > 0 && isStandardTerms(p)) continue;
    const text = p.text.slice(0, MAX_SCAN);
    for (const hint of facet.hints) {
      const m = hint.exec(text);
      if (!m) continue;
      if (p.kind === 'heading' && p.empty) {
        headingOnly ??= { facet, state: 'blank', strength: 0.6, source: 'rule', evidence: [passageEvidence(p)], note: `the heading "${p.text}" has nothing under it (p. ${p.page})` };
        continue;
      }
      const after = text.slice(m.index, m.index + m[0].length + VALUE_WINDOW);
      // A value follows its label closely ("Inspected By: Rao"); further on it belongs to something else.
      const rest = facet.valueKinds.length > 0 ? wholeWords(after.slice(m[0].length), VALUE_AFTER) : after.slice(m[0].length);
      // A field's value may be one word; in running text a name needs two ("Ask the inspector" is not one).
      const substantive = facet.valueKinds.length > 0 ? hasValueKinds(rest, facet.valueKinds, isLabel, /^\s*[:\-–]/.test(rest)) : words(rest).length >= 3;
      if (substantive) {
        return { facet, state: 'found', strength: p.kind === 'table-row' ? 0.75 : 0.7, source: 'rule', evidence: [passageEvidence(p, m.index)], note: `"${m[0]}" on p. ${p.page}` };
      }
      // Forms printed with the label under the line put the value before it ("Binsr Demo 08/13/2025 Name of Client Date of Inspection").
      const before = text.slice(Math.max(0, m.index - VALUE_BEFORE), m.index);
      if (facet.valueKinds.length > 0 && facet.valueKinds.every((k) => k !== 'name' && k !== 'person') && hasValueKinds(before, facet.valueKinds, isLabel)) {
        return { facet, state: 'found', strength: 0.55, source: 'rule', evidence: [passageEvidence(p, m.index)], note: `"${m[0]}" on p. ${p.page}` };
      }
      // A facet that asks for a value is not half-met by its label alone ("inspector notes" names no inspector).
      if (facet.valueKinds.length === 0) weak ??= { facet, state: 'weak', strength: 0.4, source: 'rule', evidence: [passageEvidence(p, m.index)], note: `"${m[0]}" on p. ${p.page}` };
    }
  }
  return weak ?? headingOnly;
}

/** Index of `seq` inside `tokens`, or -1. */
function indexOfSequence(tokens: readonly string[], seq: readonly string[]): number {
  outer: for (let i = 0; i + seq.length <= tokens.length; i++) {
    for (let j = 0; j < seq.length; j++) if (tokens[i + j] !== seq[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The requirement's own examples found in the text (not in headings, not in
 * standard terms), with something said besides them. A one-word example
 * ("external", "serial") is taken as found only when the passage also uses
 * another of the facet's own words; alone it is weak.
 */
function fromExamples(facet: Facet, facts: DocumentFacts, isCommon: (term: string) => boolean, isLabelToken: (token: string) => boolean): FacetFinding | null {
  // Where a detector knows the subject and found nothing, a lone word ("certification") is no better evidence.
  const examples = hasDetector(facet) ? facet.examples.filter((e) => e.length > 1) : facet.examples;
  if (examples.length === 0) return null;
  let weak: FacetFinding | null = null;
  for (const p of facts.passages) {
    if (p.kind === 'heading' || isStandardTerms(p)) continue;
    if (p.kind === 'field' && (!p.field || isPlaceholder(p.field.value))) continue;
    const tokens = facts.tokensOf(p);
    for (const example of examples) {
      const at = indexOfSequence(tokens, example);
      if (at < 0) continue;
      // Outside a field the example must be followed by something that is not a label ("TREC License #" alone is a label).
      const following = tokens.slice(at + example.length, at + example.length + 6);
      if (p.kind !== 'field' && !following.some((t) => /\d/.test(t) || !isLabelToken(t))) continue;
      const context = p.kind === 'field' || tokens.some((t, i) => (i < at || i >= at + example.length) && facet.terms.has(t) && !example.includes(t) && !isCommon(t));
      const finding: FacetFinding = { facet, state: example.length > 1 || context ? 'found' : 'weak', strength: 0.6, source: 'rule', evidence: [passageEvidence(p)], note: `"${quoteOf(p.text)}" (p. ${p.page})` };
      if (finding.state === 'found') return finding;
      weak ??= finding;
    }
  }
  return weak;
}

const quoteOf = (t: string) => {
  const s = t.replace(/\s+/g, ' ').trim();
  return s.length > 80 ? `${s.slice(0, 79).trimEnd()}…` : s;
};

export interface RuleOptions {
  /** The fields assigned to a facet (key-matching.ts). */
  fieldsFor(facet: Facet): readonly KeyMatch[];
  /** Terms used by many items of the framework. */
  isCommon(term: string): boolean;
  /** Words that label rather than fill in (the framework's and the document's field keys' words): not names. */
  isLabel: LabelTest;
  /** The same for a retrieval token (already lower-cased and stemmed). */
  isLabelToken(token: string): boolean;
  /**
   * Only labelled evidence (fields, the author's hints) counts: the document is
   * not of the framework's kind, so examples and content detectors would read
   * unrelated data (a procedure's parameters) as findings.
   */
  labelledOnly: boolean;
}

/** The rule layer's finding for each facet (missing where the rules know nothing). */
export function ruleFindings(reading: RequirementReading, facts: DocumentFacts, options: RuleOptions): FacetFinding[] {
  return reading.facets.map((facet) => {
    const byField = fromFields(facet, options.fieldsFor(facet), options.isLabel);
    if (byField?.state === 'found') return byField;
    const byIdentity = fromIdentity(facet, reading, facts);
    if (byIdentity) return byIdentity;
    const byHint = fromHints(facet, facts, options.isLabel);
    if (byHint?.state === 'found') return byHint;
    if (!options.labelledOnly) {
      const byContent = detectContent(facet, facts);
      if (byContent) return byContent;
      const byExample = fromExamples(facet, facts, (t) => options.isCommon(t), (t) => options.isLabelToken(t));
      if (byExample?.state === 'found' || (byExample && !byField && !byHint)) return byExample;
    }
    return byField ?? byHint ?? { facet, state: 'missing', strength: 0, evidence: [], note: '', source: 'rule' };
  });
}

/** `all_of` hints: every pattern must occur somewhere in the document; returns those that do not (as written). */
export function missingAllOf(reading: RequirementReading, facts: DocumentFacts): string[] {
  if (reading.allOf.length === 0) return [];
  const texts = facts.passages.map((p) => p.text.slice(0, MAX_SCAN));
  return reading.allOf.filter((re) => !texts.some((t) => re.test(t))).map((re) => re.source);
}
