import type { Passage } from '../retrieval/passages.ts';
import type { DocumentFacts } from './document-facts.ts';
import { isPlaceholder } from './values.ts';

/**
 * Acceptance criteria as reports state them without calling them that:
 *  - a thickness survey's minimum thickness beside its readings ("tmin*:
 *    0.375", "Minimum Required Thickness (in.): 0.719", retirement thickness):
 *    each reading is judged against it;
 *  - a sampling plan's acceptance numbers or AQL values ("Accept: 0; 10; 14",
 *    "AQL 2.5"): the lot is judged against them;
 *  - a rating defined by the condition that earns it ("Deficient (D) if a
 *    condition exists that adversely and materially affects ...", "CS3 means
 *    ..."): findings are judged against the definition.
 * A legend that only names the ratings ("CS1=Good, CS2=Fair, CS3=Poor")
 * says what the grades are called, not what earns them: criteria in part.
 * Forms print their rating definitions among their standard terms, so those
 * sections are read too.
 */
const THICKNESS_CRITERION = /\b(?:t[\s-]?min|t[\s-]?req(?:uired)?|(?:minimum|min\.?)\s+(?:required\s+|allowable\s+)?(?:wall\s+)?thickness|required\s+thickness|retirement\s+thickness)\b[^;\d]{0,20}(?<![\d.])\d*\.\d+/i;
const SAMPLING_CRITERION = /\bAQL\b\W{0,5}(?:[A-Za-z]+\W{1,3}){0,3}\d+(?:\.\d+)?|^\s*(?:accept(?:ance)?(?:\s+(?:no\.?|numbers?))?|ac(?:\s*\/\s*re)?)\s*[:;]+\s*\d/i;
const RATING = String.raw`(?:deficient|satisfactory|unsatisfactory|acceptable|unacceptable|good|fair|poor|severe|serious|critical|major|minor|pass|fail|rejected|conforming|non-?conforming|CS\s?[1-4]|condition\s+state\s+[1-4])`;
const RATING_DEFINED = new RegExp(String.raw`\b${RATING}\b["”']?\s*(?:\([A-Z0-9]{1,3}\)\s*)?(?:[=:–—-]\s*)?(?:if|when|where|means|is\s+defined\s+as|indicates?\s+that|denotes|applies\s+when)\s+(?:\S+\s+){4}`, 'i');
const RATING_NAMED = new RegExp(String.raw`\b(?:CS\s?[1-4]|[A-Z]{1,3})\s*=\s*${RATING}\b[^.]{0,40}\b(?:CS\s?[1-4]|[A-Z]{1,3})\s*=\s*${RATING}\b`, 'i');

const criteriaText = (facts: DocumentFacts) => facts.passages.filter((p) => p.kind !== 'heading' && !(p.kind === 'field' && p.field && isPlaceholder(p.field.value)));

export function statedCriteria(facts: DocumentFacts): Passage[] {
  return criteriaText(facts).filter((p) => THICKNESS_CRITERION.test(p.text) || SAMPLING_CRITERION.test(p.text) || RATING_DEFINED.test(p.text)).slice(0, 2);
}

export function namedRatings(facts: DocumentFacts): Passage[] {
  return criteriaText(facts).filter((p) => RATING_NAMED.test(p.text)).slice(0, 2);
}
