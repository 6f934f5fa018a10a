import type { RetrievalIndex } from '../retrieval/index.ts';
import { tokenize } from '../retrieval/tokenize.ts';
import type { DocumentFacts } from './document-facts.ts';
import type { Framework } from './framework.ts';
import { absoluteMatch } from './retrieval-layer.ts';
import { measuredValues, observations, passedOverall } from './content-detectors.ts';

/**
 * Whether an item applies at all, so that "not applicable" is proposed only
 * with a reason a reviewer can check:
 *  - its condition ("Where measurements were taken, …") finds no support in
 *    the document;
 *  - or the document is not the kind the framework is written for: none of
 *    the framework title's subject words appears on the document's first page
 *    (a welding procedure checked against an inspection-report framework).
 */

/** Title words that describe the framework rather than the documents it is for. */
const FRAMEWORK_WORDS = new Set(['content', 'core', 'general', 'basic', 'checklist', 'framework', 'minimum', 'requir', 'essential', 'review', 'element']);

/** Null when the framework fits the document, else why it does not (one sentence). */
export function documentMismatch(framework: Framework, facts: DocumentFacts): string | null {
  if (facts.textless) return null; // nothing to judge by; items will be not met, with the unreadable pages named
  const subject = new Set(tokenize(framework.title).filter((t) => t.length > 2 && !FRAMEWORK_WORDS.has(t) && !/^\d+$/.test(t)));
  if (subject.size === 0) return null;
  const first = new Set(tokenize(facts.firstPageText));
  if ([...subject].some((t) => first.has(t))) return null;
  const heading = facts.passages.find((p) => p.page === 1 && p.kind === 'heading')?.text.split(' — ')[0];
  return `the document does not read as a${/^[aeiou]/i.test(framework.title) ? 'n' : ''} ${framework.title.toLowerCase()}${heading ? ` (it opens with "${heading.slice(0, 80)}")` : ''}.`;
}

/** A condition is supported when a passage matches it well enough (measurements: when the document holds measured values). */
const CONDITION_MATCH = 0.35;
/** Measured values needed before "measurements were taken" is taken as true. */
const MIN_QUANTITIES = 3;

export async function conditionHolds(condition: string, index: RetrievalIndex, facts: DocumentFacts): Promise<boolean> {
  if (/\bmeasure(?:ments?|d|s)?\b|\breadings?\b/i.test(condition)) {
    // The same reading of "a measurement" as the detectors': no dates, no percentages (scores and shares).
    const quantities = facts.passages.reduce((n, p) => n + (p.kind === 'heading' ? 0 : measuredValues(p)), 0);
    return quantities >= MIN_QUANTITIES;
  }
  // "Where findings need action": there are findings (observed conditions or readings) to act on, and
  // the report did not pass them (an overall pass says what was found is acceptable as it is).
  if (/\b(?:findings?|defects?|deficienc\w*|observations?)\b/i.test(condition)) {
    return observations(facts).length > 0 && !(/\baction\b/i.test(condition) && passedOverall(facts));
  }
  const hits = await index.search(condition, 3);
  return hits.some((h) => absoluteMatch(h) >= CONDITION_MATCH);
}
