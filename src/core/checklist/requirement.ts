import { stem, tokenize } from '../retrieval/tokenize.ts';
import type { FrameworkItem } from './framework.ts';
import { compileHint } from './patterns.ts';
import type { ValueKind } from './values.ts';

/**
 * Reading a requirement the way a reviewer does, from its text alone:
 *  - a leading condition ("Where measurements were taken, ...") says when the
 *    item applies at all;
 *  - the rest is split into facets, the parts that must each be true
 *    ("a unique report number" AND "the date of the inspection"): all found is
 *    met, some is partial;
 *  - each facet's words say what kind of value proves it (a date, a number, a
 *    name, a measured quantity);
 *  - the framework's evidence hints are attached to the facet they speak about.
 */

export interface Facet {
  /** The facet as written, parentheses included. */
  text: string;
  /** Retrieval query for the facet. */
  query: string;
  /** Stemmed content words of the facet and its examples. */
  terms: Set<string>;
  /** Kinds of value that show the facet is filled in, not just named. */
  valueKinds: ValueKind[];
  /** Hints (compiled) that speak about this facet. */
  hints: RegExp[];
  /**
   * The requirement's own examples, as token sequences: "(accept/reject,
   * pass/fail, fit for continued service)" gives [accept], [reject], [pass],
   * [fail], [fit, continu, servic]. They act as hints the author did not have
   * to write.
   */
  examples: string[][];
}

export interface RequirementReading {
  item: FrameworkItem;
  condition: string | null;
  facets: Facet[];
  anyOf: RegExp[];
  allOf: RegExp[];
  /** Words of the whole item (title + requirement), stemmed. */
  terms: Set<string>;
}

/** Words that describe the act of reporting rather than what must be reported. */
const GENERIC = new Set(['report', 'state', 'given', 'giv', 'record', 'recorded', 'identifi', 'identify', 'list', 'includ', 'stat', 'document', 'provid', 'present', 'show', 'carri', 'carry', 'refer', 'referenc', 'mention', 'written', 'clear', 'clearly', 'precis', 'enough']);

/** Splits at top level only (outside parentheses), on the separator. */
function splitTopLevel(text: string, separator: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) {
      const m = separator.exec(text.slice(i));
      if (m && m.index === 0) {
        parts.push(text.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function contentTerms(text: string): Set<string> {
  return new Set(tokenize(text).filter((t) => !GENERIC.has(t) && t.length > 1));
}

/** Value kinds a facet's wording asks for. */
export function valueKindsFor(facet: string): ValueKind[] {
  const kinds: ValueKind[] = [];
  // Parentheses hold examples and alternatives, not demands.
  const t = facet.toLowerCase().replace(/\(.*?\)/g, ' ');
  // "date or interval" accepts either, so a date is not required when an alternative is offered.
  if (/\bdates?\b/.test(t) && !/\bdates?\s+or\b|\bor\s+(?:its\s+)?(?:\w+\s+)?dates?\b/.test(t)) kinds.push('date');
  if (/\b(?:number|serial|no\.|tag)\b/.test(t)) kinds.push('identifier');
  // Naming a person (the inspector) takes a person's name; a client or owner may be a company.
  if (/\b(?:named?|names)\b/.test(t)) kinds.push(/\b(?:person|people|inspectors?|examiners?|technicians?|surveyors?)\b/.test(t) ? 'person' : 'name');
  if (/\b(?:measured|quantified|measurements?)\b/.test(t) && !/^\s*where\b/.test(t)) kinds.push('quantity');
  if (/\b(?:site|address|facility)\b/.test(t)) kinds.push('place');
  // "Uniquely identified": a kind or a description ("Property Type: Flat") tells nothing apart.
  if (/\buniquely\s+identified\b/.test(t) && !kinds.includes('identifier') && !kinds.includes('place')) kinds.push('unique');
  return kinds;
}

/** Words too general to stand alone as an example ("date or certificate" does not make every date evidence). */
const GENERAL_EXAMPLES = new Set(['date', 'number', 'name', 'type', 'level', 'data', 'time', 'code', 'other', 'limit', 'used', 'relevant', 'statement', 'block']);

/** Example phrases from a facet's parentheses, tokenized. */
export function examplesOf(facet: string): string[][] {
  const out: string[][] = [];
  for (const m of facet.matchAll(/\(([^()]*)\)/g)) {
    const phrases = m[1]!
      .replace(/\b(?:e\.g\.|eg|i\.e\.|such as|for example|including|with)\b/gi, ',')
      .split(/,|;|\/|\bor\b|\band\b/i)
      .map((p) => p.trim())
      .filter(Boolean);
    for (const phrase of phrases) {
      // "AQL levels": the acronym alone is already the example.
      const acronym = /\b[A-Z]{2,}\b/.exec(phrase);
      if (acronym && phrase.split(/\s+/).length <= 3 && phrase.trim() !== acronym[0]) {
        const a = tokenize(acronym[0]);
        if (a.length === 1 && !out.some((o) => o.join(' ') === a[0])) out.push(a);
      }
      const tokens = tokenize(phrase);
      if (tokens.length === 0 || tokens.length > 5) continue;
      if (tokens.length === 1 && (GENERAL_EXAMPLES.has(tokens[0]!) || tokens[0]!.length < 3)) continue;
      if (!out.some((o) => o.join(' ') === tokens.join(' '))) out.push(tokens);
    }
  }
  return out;
}

/** Literal words inside a hint pattern ("report\\s*(no|number)" → report, no, number). */
function hintWords(pattern: RegExp): Set<string> {
  const literal = pattern.source.replace(/\\[sSdDwWbB]/g, ' ').replace(/\\./g, ' ').replace(/[^A-Za-z]+/g, ' ');
  return new Set(literal.split(' ').filter((w) => w.length >= 3).map((w) => stem(w.toLowerCase())));
}

function compileAll(patterns: readonly string[] | undefined): RegExp[] {
  return (patterns ?? []).flatMap((p) => {
    const c = compileHint(p);
    return c.ok ? [c.regex] : [];
  });
}

export function readRequirement(item: FrameworkItem): RequirementReading {
  let body = item.requirement.replace(/\s+/g, ' ').trim();
  let condition: string | null = null;
  const cond = /^(?:where|when|if|for)\s+([^,]{4,120}),\s*(.+)$/i.exec(body);
  if (cond && /\b(?:is|are|was|were|has|have|need|needs|exist|exists|apply|applies|taken|performed|inspected)\b/i.test(cond[1]!)) {
    condition = cond[1]!.trim();
    body = cond[2]!.trim();
  }
  body = body.replace(/\.$/, '');
  // Facets are joined by ", and" or by "and" before a new noun phrase ("and the date", "and their
  // calibration"); a bare "and" inside a list ("internal and external") and "and/or" do not split.
  let pieces = splitTopLevel(body, /^(?:,\s*and\s+|\s+and\s+(?=(?:the|its|their|his|her|a|an|each|every|all|any|whether|where|are|is)\b))/i);
  // A part with fewer than two words of its own ("and are referenced", "The report states what was
  // inspected") is not a separate thing to find: it joins its neighbour. A part that spells out its
  // own examples ("their calibration (date or certificate)") says what to find even with one word.
  const thin = (piece: string) => contentTerms(piece.replace(/\(.*?\)/g, '')).size < 2 && !/\([^)]*\w[^)]*\)/.test(piece);
  const merged: string[] = [];
  for (const piece of pieces) {
    if (merged.length > 0 && (thin(piece) || thin(merged[merged.length - 1]!))) merged[merged.length - 1] += ` and ${piece}`;
    else merged.push(piece);
  }
  pieces = merged;

  const anyOf = compileAll(item.evidence?.any_of);
  const allOf = compileAll(item.evidence?.all_of);
  const facets: Facet[] = pieces.map((text) => ({
    text,
    query: pieces.length === 1 ? `${item.title}. ${text}` : text,
    // A single facet is the whole item, so the title's words ("Scope and type of inspection") are its words too.
    terms: contentTerms(pieces.length === 1 ? `${item.title} ${text}` : text),
    valueKinds: valueKindsFor(text),
    hints: [],
    examples: examplesOf(text),
  }));
  // Each hint goes to the facet it speaks about: the one whose text it matches, else the one sharing most words.
  for (const hint of [...anyOf, ...allOf]) {
    const direct = facets.filter((f) => hint.test(f.text));
    if (direct.length > 0) {
      for (const f of direct) f.hints.push(hint);
      continue;
    }
    const words = hintWords(hint);
    const overlap = facets.map((f) => [...words].filter((w) => f.terms.has(w)).length);
    const best = Math.max(...overlap);
    // A hint that fits no facet in particular speaks for the whole item.
    if (best > 0) facets.forEach((f, i) => overlap[i] === best && f.hints.push(hint));
    else for (const f of facets) f.hints.push(hint);
  }
  return { item, condition, facets, anyOf, allOf, terms: contentTerms(`${item.title} ${item.requirement}`) };
}
