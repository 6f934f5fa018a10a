import type { Passage } from '../retrieval/passages.ts';
import type { DocumentFacts } from './document-facts.ts';
import { body, isStandardTerms } from './passage-filters.ts';
import { hasDate, hasIdentifier, hasName, isPlaceholder } from './values.ts';

/**
 * Detectors of things a report records in a recognisable shape rather than
 * under a label a framework would name: a calibration with its date, a typed
 * sign-off under the body of a page, an overall score, a title that names the
 * kind of inspection. Each is registered in content-detectors.ts with the
 * words of a requirement that call for it.
 */

/**
 * A recorded calibration: the word followed closely by its date or reference
 * ("Calibration Date 3/3/2026", "calibrated 12/07/2023, certificate C-7781-23",
 * "Calibration block: IIW V1"). A checklist line that only asks for one ("Check
 * that indicators have current calibration date ____") or a yes/no question
 * about a label records none.
 */
const CALIBRATION = /\bcalibrat\w*/gi;
/** Characters after the word where its date or reference must be. */
const CALIBRATION_VALUE = 50;

function calibrationRecorded(text: string): boolean {
  for (const m of text.matchAll(CALIBRATION)) {
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + CALIBRATION_VALUE);
    if (hasDate(after) || hasIdentifier(after.split(/[;\n]/)[0]!)) return true;
  }
  return false;
}

export function calibrations(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => {
    if (p.kind === 'field' && p.field) return !isPlaceholder(p.field.value) && calibrationRecorded(`${p.field.key} ${p.field.value}`);
    return p.kind !== 'heading' && calibrationRecorded(p.text);
  }).slice(0, 2);
}

/** Calibration spoken of without a record of it: the subject is addressed, not shown. */
export function calibrationMentions(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => p.kind !== 'heading' && /\bcalibrat/i.test(p.text)).slice(0, 2);
}

/**
 * A typed sign-off: the person who did the work named, then a date, after the
 * body of a page ("Technician: Sam Okoye / Date: 9/24/2025" under the table
 * of readings). It says who stands behind the report and when, but it is not
 * a signature or an approval, so it shows a sign-off only in part. The same
 * pair in a report's header (before any body) is who and when, not a sign-off.
 */
const PERFORMER_KEY = /\b(?:inspector|technician|examiner|surveyor|engineer|(?:inspected|tested|examined|checked|performed|prepared)\s+by)\b/i;
/** Passages after the name where the date must be. */
const SIGN_OFF_SPAN = 3;

export function typedSignOffs(facts: DocumentFacts): Passage[] {
  const ps = facts.passages;
  const out: Passage[] = [];
  ps.forEach((p, i) => {
    if (p.kind !== 'field' || !p.field || !PERFORMER_KEY.test(p.field.key) || isPlaceholder(p.field.value) || !hasName(p.field.value)) return;
    const afterBody = ps.slice(0, i).some((q) => q.page === p.page && (q.kind === 'table-row' || q.kind === 'text') && !isStandardTerms(q));
    const dated = ps.slice(i + 1, i + 1 + SIGN_OFF_SPAN).some((q) => q.page === p.page && q.kind === 'field' && q.field !== undefined && /\bdate\b/i.test(q.field.key) && hasDate(q.field.value));
    if (afterBody && dated) out.push(p);
  });
  return out.slice(0, 2);
}

/**
 * A score or rating of the whole inspection on its first page ("Score
 * 85.71%", "Overall rating: 3"): it sums the inspection up as a number but
 * does not say whether the result is acceptable, so it is a result in part.
 */
const OVERALL_SCORE = /\b(?:score|rating)\b\s*[:=-]?\s*\d+(?:[.,]\d+)?\s*(?:%|\/\s*\d+|out\s+of\s+\d+)?/i;

export function overallScores(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => p.page === 1 && p.kind !== 'heading' && OVERALL_SCORE.test(p.text)).slice(0, 1);
}

/**
 * A title that names the kind of inspection ("Element-Level Condition
 * Assessment", "Ultrasonic Examination Report", "Hydrostatic Pressure Test")
 * states what was done, and the title is where a report says what it covers.
 * "Inspection Report" or "Inspection Form" alone names no kind.
 */
const KIND_OF_INSPECTION = /\b((?:[A-Za-z][\w-]*[\s-]+){1,3})(?:inspection|examination|assessment|survey|test(?:ing)?|audit)\b/i;
const NOT_QUALIFIER = new Set(['report', 'of', 'the', 'a', 'an', 'final', 'inspection', 'this', 'for', 'and', 'form', 'level', 'no']);

function namesKindOfInspection(title: string): boolean {
  const m = KIND_OF_INSPECTION.exec(title);
  return m !== null && m[1]!.split(/[\s-]+/).some((w) => w.length > 2 && !NOT_QUALIFIER.has(w.toLowerCase()));
}

export function titledKinds(facts: DocumentFacts): Passage[] {
  const page1 = facts.passages.filter((p) => p.page === 1 && !isStandardTerms(p));
  const firstText = page1.find((p) => p.kind === 'text' || p.kind === 'heading');
  const titles = page1.filter((p) => p === firstText || p.kind === 'heading');
  return titles.filter((p) => namesKindOfInspection(p.kind === 'heading' ? (p.section ?? p.text) : p.text.split(/(?<=[.!?])\s/)[0]!)).slice(0, 1);
}
