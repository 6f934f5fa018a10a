/**
 * The checklist rules' readings of inspection reports, one at a time, on
 * small documents written out block by block: what counts as a report's
 * number, a sign-off, a recorded calibration, stated criteria, a person's
 * name, and when findings need no action.
 */
import { describe, expect, it } from 'vitest';
import { conditionHolds } from '../../src/core/checklist/applicability.ts';
import { detectContent, passedOverall } from '../../src/core/checklist/content-detectors.ts';
import { documentFacts, type DocumentFacts } from '../../src/core/checklist/document-facts.ts';
import { documentNumber, fromIdentity } from '../../src/core/checklist/document-identity.ts';
import { readRequirement, type Facet } from '../../src/core/checklist/requirement.ts';
import { hasName, hasPersonName, hasValueKinds } from '../../src/core/checklist/values.ts';
import { RetrievalIndex, buildPassages } from '../../src/core/retrieval/index.ts';
import { normalizeKey, type Block, type DocumentModel } from '../../src/core/structure/index.ts';

let order = 0;
type Spec = string | { heading: string } | { key: string; value: string } | { rows: string[][] } | { page: number };

/** A document from lines: text is a paragraph, {key, value} a field, {heading}, {rows} a table without header, {page} a page break. */
function doc(...specs: Spec[]): { model: DocumentModel; facts: DocumentFacts } {
  const blocks: Block[] = [];
  let page = 1;
  for (const s of specs) {
    order++;
    const base = { id: `b${order}`, page, order, sectionId: null, bbox: [50, 50 + order * 12, 400, 60 + order * 12] as [number, number, number, number] };
    if (typeof s === 'string') blocks.push({ ...base, kind: 'paragraph', text: s });
    else if ('page' in s) page = s.page;
    else if ('heading' in s) blocks.push({ ...base, kind: 'heading', text: s.heading, level: 1 });
    else if ('key' in s) blocks.push({ ...base, kind: 'field', text: `${s.key}: ${s.value}`, field: { key: s.key, value: s.value, normalizedKey: normalizeKey(s.key) } });
    else blocks.push({ ...base, kind: 'table', text: s.rows.map((r) => r.join(' | ')).join('\n'), table: { headerRows: 0, rows: s.rows.map((r) => r.map((text) => ({ text }))) } });
  }
  const pageCount = Math.max(1, ...blocks.map((b) => b.page));
  const model: DocumentModel = {
    format: 'pdf', pageCount, blocks, sections: [], unreadablePages: [], metadata: {}, warnings: [],
    pages: Array.from({ length: pageCount }, (_, i) => ({ page: i + 1, width: 612, height: 792, textSource: 'text-layer' as const })),
  };
  return { model, facts: documentFacts(model, buildPassages(model)) };
}

const item = (id: string, requirement: string) => readRequirement({ id, section: 'S', title: id, requirement, severity: 'high' });
const facetOf = (requirement: string, i = 0): Facet => item('X-1', requirement).facets[i]!;

const CORE = {
  number: item('IRC-01', 'The report carries a unique report number and the date of the inspection (or its issue date).'),
  calibration: facetOf('Where measurements were taken, the instruments are identified (model or serial) and their calibration (date or certificate, or the calibration block used) is recorded.', 1),
  criteria: facetOf('The criteria the findings were judged against are stated (e.g. minimum required thickness, code limits, AQL levels, tolerance).'),
  signed: facetOf('The report is signed, certified or approved by the inspector and/or a reviewer (signature, certification statement or approval block with name).'),
  scope: facetOf('The report states what was inspected and the type of inspection performed (e.g. external, internal, ultrasonic, visual, pre-shipment).'),
  result: facetOf('The report states an overall result or conclusion (accept/reject, pass/fail, fit for continued service, conforms/does not conform).'),
};

describe('reading requirements', () => {
  it('keeps a part that spells out its own examples as a facet of its own', () => {
    const calibration = item('IRC-07', 'Where measurements were taken, the instruments are identified (model or serial) and their calibration (date or certificate, or the calibration block used) is recorded.');
    expect(calibration.condition).toBe('measurements were taken');
    expect(calibration.facets.map((f) => f.text)).toEqual(['the instruments are identified (model or serial)', 'their calibration (date or certificate, or the calibration block used) is recorded']);
    // A bare part with no words of its own still joins its neighbour.
    expect(item('X-2', 'The report states what was inspected and the type of inspection performed.').facets).toHaveLength(1);
  });

  it('asks for a person\'s name where a person is named, any name for a client, a unique code where the item must be told apart', () => {
    expect(facetOf('The person or people who performed the inspection are named.').valueKinds).toEqual(['person']);
    expect(facetOf('The client or owner is named.').valueKinds).toEqual(['name']);
    expect(facetOf('The equipment inspected is uniquely identified (tag, serial).').valueKinds).toEqual(['unique']);
    expect(hasValueKinds('Flat', ['unique'])).toBe(false);
    expect(hasValueKinds('Pressure vessel 54-11-001', ['unique'])).toBe(true);
  });
});

describe('values', () => {
  it('takes two name words, an initial counting as one, for a person; one word for a company', () => {
    expect(hasPersonName('Binsr')).toBe(false);
    expect(hasName('Binsr', undefined, true)).toBe(true);
    expect(hasPersonName('R. Thompson')).toBe(true);
    expect(hasPersonName('Smith & Rao')).toBe(true);
    expect(hasPersonName('Alex Rivera')).toBe(true);
  });
});

describe('the document\'s own number', () => {
  it('reads "Inspection No.", "Job No.", "Ref. No." as the report\'s number, not "Previous Inspection No." or a welder\'s stamp', () => {
    expect(documentNumber(doc('INSPECTION REPORT', { key: 'Previous Inspection No.', value: 'AB1234' }, { key: 'Inspection No.', value: '55G998A' }).facts)).toMatchObject({ label: 'Inspection No.', value: '55G998A' });
    expect(documentNumber(doc('Service report', { key: 'Ref. No.', value: 'HLS/24/1193' }).facts)).toMatchObject({ value: 'HLS/24/1193' });
    expect(documentNumber(doc('Report', { key: 'Welder Stamp No.', value: 'DYNO 001' }).facts)).toBeNull();
    expect(documentNumber(doc('Report', { key: 'Job No.', value: 'N/A' }).facts)).toBeNull();
  });

  it('reads the number a document gives itself by the name in its title, and a date beside it as its date', () => {
    const { facts } = doc('WELDING PROCEDURE SPECIFICATION (WPS)', { rows: [['WPS Number', 'WPS-SA304L', 'Rev', '0', 'Date', '06/10/2023']] });
    expect(documentNumber(facts)).toMatchObject({ label: 'WPS Number', value: 'WPS-SA304L', date: true });
    const [numberFacet, dateFacet] = CORE.number.facets;
    expect(fromIdentity(numberFacet!, CORE.number, facts)).toMatchObject({ state: 'found', note: 'WPS Number: WPS-SA304L (p. 1)' });
    expect(fromIdentity(dateFacet!, CORE.number, facts)).toMatchObject({ state: 'found' });
    // The same label in another kind of document is not its number.
    expect(documentNumber(doc('Inspection report', { rows: [['WPS Number', 'WPS-SA304L']] }).facts)).toBeNull();
  });
});

describe('content detectors', () => {
  it('finds a calibration when its date or reference is recorded, and only a part of one when it is merely spoken of', () => {
    expect(detectContent(CORE.calibration, doc('Instrument Olympus 38DL Plus', 'Calibration Date 3/3/2026 Frequency 5 MHz').facts)).toMatchObject({ state: 'found' });
    expect(detectContent(CORE.calibration, doc('Gauge PG-55, calibrated 12/07/2023, certificate C-7781-23.').facts)).toMatchObject({ state: 'found' });
    expect(detectContent(CORE.calibration, doc('c. X Check that indicators have current calibration date ____').facts)).toMatchObject({ state: 'weak' });
    expect(detectContent(CORE.calibration, doc('Thickness readings were taken with a gauge.').facts)).toBeNull();
  });

  it('reads minimum thickness columns, acceptance numbers and defined ratings as criteria, a legend of rating names as part of them', () => {
    expect(detectContent(CORE.criteria, doc({ rows: [['Noz. 1', 'Manway', 'tmin*: 0.375', '0°: 0.379']] }).facts)).toMatchObject({ state: 'found' });
    expect(detectContent(CORE.criteria, doc({ rows: [['Accept:', '0', '10', '14']] }).facts)).toMatchObject({ state: 'found' });
    expect(detectContent(CORE.criteria, doc('Indicate an item as Deficient (D) if a condition exists that adversely and materially affects the performance of a system.').facts)).toMatchObject({ state: 'found' });
    expect(detectContent(CORE.criteria, doc('Each table lists condition state quantities (CS1=Good, CS2=Fair, CS3=Poor, CS4=Severe).').facts)).toMatchObject({ state: 'weak' });
    expect(detectContent(CORE.criteria, doc('Thickness readings in inches: 0.379, 0.380, 0.381.').facts)).toBeNull();
  });

  it('reads a name and a date typed under the body of a page as a sign-off in part, not the same pair in the header', () => {
    const signOff = doc({ key: 'Inspection Date', value: '9/24/2025' }, { rows: [['CML 1', '0.379'], ['CML 2', '0.380']] }, { key: 'Technician', value: 'Sam Okoye' }, { key: 'Date', value: '9/24/2025' });
    expect(detectContent(CORE.signed, signOff.facts)).toMatchObject({ state: 'weak', note: expect.stringMatching(/Technician: Sam Okoye/) });
    const header = doc({ key: 'Inspected By', value: 'Ravi Patil' }, { key: 'Date', value: '27.09.2022' }, 'Dampness was observed at the skirting of the hall.');
    expect(detectContent(CORE.signed, header.facts)).toBeNull();
  });

  it('reads a title naming the kind of inspection as its type, not "Inspection Report" alone', () => {
    expect(detectContent(CORE.scope, doc({ heading: 'Bridge No. 12345 — Element-Level Condition Assessment' }, 'This report is organized by element.').facts)).toMatchObject({ state: 'found' });
    expect(detectContent(CORE.scope, doc('INSPECTION REPORT', 'The shell was examined.').facts)).toBeNull();
  });

  it('reads an overall score as a result in part', () => {
    expect(detectContent(CORE.result, doc('Complete Score 85.71% Flagged items 1').facts)).toMatchObject({ state: 'weak' });
    expect(detectContent(CORE.result, doc('OVERALL INSPECTION CONCLUSION PASSED').facts)).toMatchObject({ state: 'found' });
  });
});

describe('applicability', () => {
  it('takes findings in a report that passed overall as needing no action', async () => {
    const findings = { rows: [['1', 'Wrinkle at fabric beside embroidery', '3'], ['2', 'A line of needle holes at front panel', '2']] };
    const passed = doc('OVERALL INSPECTION CONCLUSION PASSED', findings, { key: 'Note', value: 'A Defect is defined as any non-conformance of the inspected unit.' });
    const rejected = doc('Overall result: REJECTED', findings);
    expect(passedOverall(passed.facts)).toBe(true);
    expect(passedOverall(rejected.facts)).toBe(false);
    expect(passedOverall(doc('Result: PASS / FAIL', findings).facts)).toBe(false);
    const index = async (d: { model: DocumentModel }) => RetrievalIndex.build(d.model);
    expect(await conditionHolds('findings need action', await index(passed), passed.facts)).toBe(false);
    expect(await conditionHolds('findings need action', await index(rejected), rejected.facts)).toBe(true);
  });

  it('reads a form\'s "Company Name" as the client', () => {
    expect([...doc({ key: 'Company Name', value: 'SAChem' }).facts.fields[0]!.keyTerms]).toEqual(['client', 'name']);
  });
});
