import type { Passage } from '../retrieval/passages.ts';
import type { DocumentFacts } from './document-facts.ts';
import { passageEvidence, type FacetFinding } from './facets.ts';
import type { Facet } from './requirement.ts';
import { statedCriteria, namedRatings } from './criteria-detectors.ts';
import { body, isStandardTerms } from './passage-filters.ts';
import { calibrationMentions, calibrations, overallScores, titledKinds, typedSignOffs } from './record-detectors.ts';
import { hasDate, hasIdentifier, hasPlace, isPlaceholder, quantityCount } from './values.ts';

export { isStandardTerms };

/**
 * Some requirements are about what the body of a report does rather than
 * about a labelled value: "findings are measured", "photographs support the
 * findings", "the observations found are recorded". Retrieval cannot see
 * those (a passage saying "Efflorescence visible at midspan" is not similar to
 * "observations are recorded"), so a few document-wide detectors look for the
 * thing itself: measured values, photographs and drawings, tables of data,
 * statements of observed conditions, recommended actions. A detector runs for
 * a facet only when the facet's own words ask for what it detects.
 *
 * Detectors of what an inspection recorded (findings, readings, photos,
 * recommendations) do not fire on a form that was never filled in (almost
 * all of its fields blank): printed instructions are not findings. Text in
 * sections of standard terms (disclaimers, limitations, responsibilities)
 * is not read by any of them.
 */

interface Detector {
  /** What the detector finds, for the feedback. */
  name: string;
  /** It finds what an inspection recorded (not what a printed form says in advance). */
  recorded: boolean;
  /** Words in a facet that call for this detector. */
  trigger: RegExp;
  detect(facts: DocumentFacts): Passage[];
  /**
   * Whether the detector knows every way the subject is shown, so that finding
   * nothing means something (default true). A title naming the kind of
   * inspection is one way among many of stating it.
   */
  exhaustive?: boolean;
  /** Passages that show the subject only in part (spoken of, not recorded): the facet is weak, not missing. */
  partly?(facts: DocumentFacts): Passage[];
}

/** Measured values needed before a document "measures" its findings. */
const MIN_QUANTITIES = 5;
/** Body rows with numbers before a table counts as a table of data. */
const MIN_DATA_ROWS = 3;
/** Statements of observed condition needed before findings count as recorded. */
const MIN_OBSERVATIONS = 2;
/** Share of blank fields above which a form is taken as not filled in. */
const UNFILLED_FORM_SHARE = 0.8;
const MIN_FORM_FIELDS = 8;


/**
 * Quantities in a passage. Dates are not measurements (27.09.2022), and
 * neither are percentages, which in reports are mostly scores and shares
 * ("Score 85.71%", "100% of the welds").
 */
export function measuredValues(p: Passage): number {
  if (p.kind === 'field' && p.field && hasDate(p.field.value)) return 0;
  return quantityCount(p.text.replace(/\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b/g, ' ').replace(/\b\d+(?:[.,]\d+)?\s*%/g, ' '));
}

function quantities(facts: DocumentFacts): Passage[] {
  const rich = body(facts).filter((p) => p.kind !== 'heading' && measuredValues(p) > 0).sort((a, b) => measuredValues(b) - measuredValues(a));
  const total = rich.reduce((n, p) => n + measuredValues(p), 0);
  return total >= MIN_QUANTITIES ? rich.slice(0, 2) : [];
}

const PHOTO = /\b(?:photo(?:graph)?s?|pictures?|images?|figs?\.?|figures?)\b(?:\s*(?:no\.?\s*)?\d+|\s*[:—-]|$)|\b(?:inspection\s+)?(?:photos|photographs|pictures)\b/i;
const DRAWING = /\b(?:drawings?|sketch(?:es)?|diagrams?|layouts?|dwg\.?)\b/i;

function photos(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => PHOTO.test(p.text) && !(p.kind === 'field' && p.field && !p.field.value)).slice(0, 2);
}

function drawings(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => DRAWING.test(p.kind === 'field' && p.field ? `${p.field.key} ${p.field.value}` : p.text) && !(p.kind === 'field' && p.field && !p.field.value.trim())).slice(0, 2);
}

function dataTables(facts: DocumentFacts): Passage[] {
  const rowsByBlock = new Map<string, Passage[]>();
  for (const p of facts.passages) {
    if (p.kind !== 'table-row' || measuredValues(p) + (/\d/.test(p.text) ? 1 : 0) === 0) continue;
    const id = p.blockIds[0]!;
    rowsByBlock.set(id, [...(rowsByBlock.get(id) ?? []), p]);
  }
  const tables = [...rowsByBlock.values()].filter((rows) => rows.length >= MIN_DATA_ROWS);
  return tables.slice(0, 2).map((rows) => rows[0]!);
}

/**
 * Conditions an inspector observes. Broad on purpose (equipment, structures,
 * buildings, goods); a statement counts when it names a condition and is not
 * an instruction or a definition (no "shall", "should", "if", "required").
 */
const CONDITION = /\b(?:crack\w*|corro\w*|pitt\w*|spall\w*|leak\w*|seep\w*|damp\w*|damage\w*|deteriorat\w*|defect\w*|deficien\w*|rust\w*|efflorescen\w*|scal(?:ing|ed)|erosion|eroded|dent\w*|deform\w*|broken|missing|loose|worn|wear|wrinkl\w*|hole\w*|holl\w*|indications?|discontinuit\w*|section\s+loss|thinn\w*|stain\w*|bulg\w*|honeycomb\w*|exposed|peel\w*|blister\w*|oxidation|nonconform\w*|out\s+of\s+tolerance|not\s+function\w*|non-operational|satisfactory|good\s+condition|intact|no\s+(?:significant\s+)?(?:defects?|indications?|deficienc\w*)|sound)\b/i;
const NORMATIVE = /\b(?:shall|should|must|may|might|if|whether|required|is\s+not\s+required|are\s+not\s+required|indicate|identify\s+all|responsibility|obligat\w*|defined\s+as|means)\b/i;

export function isObservation(text: string): boolean {
  return CONDITION.test(text) && !NORMATIVE.test(text);
}

export function observations(facts: DocumentFacts): Passage[] {
  const stated = body(facts).filter((p) => p.kind !== 'heading' && p.kind !== 'field' && isObservation(p.text));
  if (stated.length >= MIN_OBSERVATIONS) return stated.slice(0, 2);
  // Readings are observations too: a report of measured values records what was found.
  const measured = quantities(facts);
  return measured.length > 0 && stated.length + measured.length >= MIN_OBSERVATIONS ? [...stated, ...measured].slice(0, 2) : [];
}

/** A finding that says where: an observation or a row of readings tied to a location, item or number. */
function locatedObservations(facts: DocumentFacts): Passage[] {
  const rows = body(facts).filter((p) => (p.kind === 'table-row' && (isObservation(p.text) || measuredValues(p) > 0) && /^[^;]*\d|^[^;]*:\s*[A-Z]/.test(p.text))
    || (p.kind !== 'table-row' && p.kind !== 'field' && isObservation(p.text) && /\b(?:at|on|in|near|of|along|below|above|under|beside|between)\s+(?:the\s+)?[A-Za-z0-9]/.test(p.text)));
  return rows.length >= MIN_OBSERVATIONS ? rows.slice(0, 2) : [];
}

const ACTION = /\b(?:recommend\w*|corrective\s+action\w*|repair\s+(?:or|and)\s+replace\w*|should\s+be\s+(?:repaired|replaced|corrected|monitored|evaluated|addressed|secured|cleaned)|must\s+be\s+(?:performed|repaired|replaced|reviewed)|schedule\s+(?:\w+\s+)?(?:replacement|repair)|consult\s+(?:a|with)|no\s+recommendations?|no\s+(?:further\s+)?action\s+(?:is\s+)?required)\b/i;
const BOILERPLATE = /\b(?:it\s+is\s+the\s+responsibility|prior\s+to\s+the\s+expiration|option\s+periods?|we\s+strongly\s+advise|does\s+not\s+(?:discharge|obligate))\b/i;

function recommendations(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => p.kind !== 'field' && ACTION.test(p.text) && !BOILERPLATE.test(p.text)).slice(0, 2);
}

/**
 * Inspection and test methods by name. Upper-case abbreviations are matched
 * as written ("UT", "VT"), so ordinary words ("ut", "at") do not count.
 */
const METHOD_WORDS = /\b(?:ultrasonic\w*|visual(?:ly)?\s+(?:examination|inspection|survey|check|examined|inspected)|radiograph\w*|magnetic\s+particle|(?:liquid\s+|dye\s+)?penetrant|eddy\s+current|phased\s+array|thermograph\w*|infrared\s+(?:thermal\s+)?imaging|hydrostatic\s+test\w*|pressure\s+test\w*|leak\s+test\w*|hardness\s+test\w*|sampling\s+plan|acoustic\s+emission)\b/i;
const METHOD_ABBREVIATIONS = /\b(?:UT|VT|RT|MT|PT|ET|PAUT|TOFD|MPI|DPI|AE)\b/;

function methods(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => p.kind !== 'heading' && (METHOD_WORDS.test(p.text) || METHOD_ABBREVIATIONS.test(p.text)) && !(p.kind === 'field' && p.field && !p.field.value.trim())).slice(0, 2);
}

/** A qualification: a certification level ("Level II", "Lvl. II") or a numbered certificate or licence. */
const QUALIFICATION = /\b(?:level|lvl\.?)\s*(?:I{1,3}|[123])\b|\b(?:certificat(?:e|ion)|cert\.?|licen[cs]e|registration)\s*(?:no\.?|number|#)\s*[:.]?\s*(?=[A-Z0-9-]*\d)[A-Z0-9-]{3,}|\b(?:CWI|CSWIP|PCN|ASNT|API\s*\d{3})\b[^.;]{0,20}\b(?=[A-Z0-9-]*\d)[A-Z0-9-]{4,}/i;

/** A qualification belongs to a person: "Inspection Level II" of a sampling plan is not one. */
const PERSON = /\b(?:inspector|examiner|technician|operator|welder|surveyor|engineer|name)\b/i;

function qualifications(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => p.kind !== 'heading' && QUALIFICATION.test(p.text) && PERSON.test(p.text) && !(p.kind === 'field' && p.field && isPlaceholder(p.field.value))).slice(0, 2);
}

/** Keys that hold the report's own data, not the identity of what was inspected. */
const NOT_ITEM_KEYS = /\b(?:report|date|page|phone|tel|fax|e-?mail|inspection\s+no|certificate|licen[cs]e|p\.?\s*o\.?|purchase\s+order|job|location|address|site|client|customer|company|owner|name|inspector|technician|examiner|procedure)\b/i;

/** What was inspected, named on the first page by an identifier: "Bridge No. 12345", "READINGS ON: 54-11-067". */
function identifiedItem(facts: DocumentFacts): Passage[] {
  return facts.passages.filter((p) => {
    if (p.page !== 1 || isStandardTerms(p)) return false;
    if (p.kind === 'field' && p.field) return !NOT_ITEM_KEYS.test(p.field.key) && !hasDate(p.field.value) && !hasPlace(p.field.value) && hasIdentifier(p.field.value);
    if (p.kind === 'heading') {
      const title = p.text.split(' — ')[0]!;
      return hasIdentifier(title) && !hasDate(title) && !NOT_ITEM_KEYS.test(title);
    }
    return false;
  }).slice(0, 2);
}

/** An address on the first page (where a report says where it was done). */
function places(facts: DocumentFacts): Passage[] {
  return facts.passages.filter((p) => p.page === 1 && !isStandardTerms(p) && (p.kind !== 'field' || (p.field !== undefined && p.field.value !== '')) && hasPlace(p.kind === 'field' && p.field ? p.field.value : p.text)).slice(0, 2);
}

/** An overall verdict stated as such: a result word in a passage that presents itself as a conclusion or summary. */
const RESULT_WORDS = /\b(?:passed|failed|pass|fail|accepted|acceptable|rejected|satisfactory|unsatisfactory|conforms?|conforming|non-?conform\w*|compliant|fit\s+for\s+(?:continued\s+)?service|no\s+(?:major|significant)\s+(?:problems|defects|issues|deficiencies))\b/i;
const CONCLUSION_CONTEXT = /\b(?:overall|conclusions?|summary|result|verdict|assessment)\b/i;

function conclusions(facts: DocumentFacts): Passage[] {
  return body(facts).filter((p) => p.kind !== 'table-row' && RESULT_WORDS.test(p.text) && (CONCLUSION_CONTEXT.test(p.text) || (p.section !== undefined && CONCLUSION_CONTEXT.test(p.section)))).slice(0, 2);
}

const PASS_WORDS = /\b(?:passed|pass|accepted|acceptable|satisfactory|conforms?|conforming|compliant|fit\s+for\s+(?:continued\s+)?service)\b/i;
const FAIL_WORDS = /\b(?:failed|fail|rejected|reject|unsatisfactory|unacceptable|not\s+acceptable|non-?conform\w*|(?:does|do)\s+not\s+conform|not\s+fit)\b/i;

/**
 * The report's overall result is a pass ("OVERALL INSPECTION CONCLUSION
 * PASSED"): the inspector judged what was found acceptable, so nothing found
 * calls for action. A conclusion that also fails or rejects something (or a
 * printed "Pass / Fail" choice) is not a pass.
 */
export function passedOverall(facts: DocumentFacts): boolean {
  // Definitions ("A Defect is defined as any non-conformance") and instructions are no result.
  const stated = body(facts).filter((p) => p.kind !== 'table-row' && RESULT_WORDS.test(p.text) && !NORMATIVE.test(p.text) && (CONCLUSION_CONTEXT.test(p.text) || (p.section !== undefined && CONCLUSION_CONTEXT.test(p.section))));
  return stated.some((p) => PASS_WORDS.test(p.text)) && !stated.some((p) => FAIL_WORDS.test(p.text));
}

const DETECTORS: Detector[] = [
  { name: 'named methods', recorded: false, trigger: /\bmethods?\b/i, detect: methods },
  { name: 'a title naming the kind of inspection', recorded: true, exhaustive: false, trigger: /\btype\s+of\s+(?:inspection|examination|test)\b/i, detect: titledKinds },
  { name: 'stated criteria', recorded: false, trigger: /\bcriteri(?:a|on)\b|\btolerances?\b/i, detect: statedCriteria, partly: namedRatings },
  { name: 'a signature', recorded: true, trigger: /\bsigned\b|\bsignature\b/i, detect: () => [], partly: typedSignOffs },
  { name: 'a recorded calibration', recorded: true, trigger: /\bcalibration\b/i, detect: calibrations, partly: calibrationMentions },
  { name: 'a stated qualification', recorded: true, trigger: /\bqualification\b/i, detect: qualifications },
  { name: 'the item inspected', recorded: true, trigger: /\b(?:equipment|component|product|property|item|object|structure)\b[^.()]*\binspected\b[^.()]*\bidentified\b/i, detect: identifiedItem },
  { name: 'an address', recorded: true, trigger: /\b(?:site|address|facility)\b/i, detect: places },
  { name: 'a stated conclusion', recorded: true, trigger: /\boverall\s+result\b|\bconclusion\b/i, detect: conclusions, partly: overallScores },
  { name: 'measured values', recorded: true, trigger: /\b(?:measured|quantified|measurements?)\b/i, detect: quantities },
  { name: 'located findings', recorded: true, trigger: /\b(?:finding|observation|defect)s?\b.*\blocation\b|\blocation\b.*\bfindings?\b/i, detect: locatedObservations },
  { name: 'recorded observations', recorded: true, trigger: /\b(?:observations|defects|deficiencies)\b.*\b(?:found|recorded)\b/i, detect: observations },
  { name: 'photographs', recorded: true, trigger: /\bphotographs?\b|\bphotos?\b|\bpictures?\b/i, detect: photos },
  { name: 'drawings or sketches', recorded: true, trigger: /\bdrawings?\b|\bsketch(?:es)?\b/i, detect: drawings },
  { name: 'tables of data', recorded: true, trigger: /\bdata\s+tables?\b|\btables?\s+of\s+(?:data|readings|results)\b/i, detect: dataTables },
  { name: 'recommended actions', recorded: true, trigger: /\brecommendations?\b|\bcorrective\s+actions?\b/i, detect: recommendations },
];

export function isUnfilledForm(facts: DocumentFacts): boolean {
  return facts.fields.length >= MIN_FORM_FIELDS && facts.fields.filter((f) => f.blank).length / facts.fields.length >= UNFILLED_FORM_SHARE;
}

/** Whether some detector speaks to the facet (then its silence means something too). */
export function hasDetector(facet: Facet): boolean {
  return DETECTORS.some((d) => d.exhaustive !== false && d.trigger.test(facet.text));
}

/** The detectors' finding for a facet, or null when no detector applies to it (or none finds anything). */
export function detectContent(facet: Facet, facts: DocumentFacts): FacetFinding | null {
  const unfilled = isUnfilledForm(facts);
  const applicable = DETECTORS.filter((d) => d.trigger.test(facet.text) && !(unfilled && d.recorded));
  if (applicable.length === 0) return null;
  let weak: FacetFinding | null = null;
  for (const d of applicable) {
    const found = d.detect(facts);
    if (found.length > 0) return { facet, state: 'found', strength: 0.7, source: 'rule', evidence: found.map((p) => passageEvidence(p)), note: `${d.name}, e.g. ${example(found[0]!)}` };
    const mentioned = d.partly?.(facts) ?? [];
    if (mentioned.length > 0) weak ??= { facet, state: 'weak', strength: 0.5, source: 'rule', evidence: mentioned.map((p) => passageEvidence(p)), note: `${d.name} only in part: ${example(mentioned[0]!)}` };
  }
  return weak;
}

const example = (p: Passage) => `"${p.text.replace(/\s+/g, ' ').slice(0, 70).trim()}${p.text.length > 70 ? '…' : ''}" (p. ${p.page})`;
