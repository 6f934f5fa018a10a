import type { Passage } from '../retrieval/passages.ts';
import type { DocumentFacts } from './document-facts.ts';
import { passageEvidence, type FacetFinding } from './facets.ts';
import type { Facet, RequirementReading } from './requirement.ts';
import { hasDate, hasIdentifier, isPlaceholder } from './values.ts';

/**
 * The document's own number. Requirements say "report number", but reports
 * label their number by what they are: "Inspection No." on an inspection,
 * "Certificate No." on a certificate, "Job No." or "Ref. No." on a service
 * company's report, and "WPS Number" on a document whose title says it is a
 * welding procedure specification (WPS). Such a label in the header (page 1,
 * as a field or a table cell) followed by a code is the document's number; a
 * date in the same row or line is the document's date. "Previous Inspection
 * No." names another document and does not count.
 */

/** Kinds of document whose number identifies a report of an inspection. */
const REPORT_KINDS = ['report', 'inspection', 'certificate', 'cert', 'job', 'ref', 'reference', 'document', 'doc', 'examination', 'survey', 'test', 'record'];
const NUMBER_WORD = String.raw`(?:no\.?|number|#|id)`;
/** Labels of another document, or of a person's papers, not of this one. */
const NOT_OWN = /\b(?:previous|prior|last|next|original|related|welder|inspector|examiner|technician|licen[cs]e|stamp)\b/i;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Words of the document's title (its first line), acronyms included: what it calls itself. */
function titleWords(facts: DocumentFacts): string[] {
  const first = facts.passages.find((p) => p.page === 1 && (p.kind === 'text' || p.kind === 'heading'));
  if (!first) return [];
  const title = first.text.split(' — ')[0]!.split(/(?<=[.!?])\s/)[0]!;
  return [...new Set((title.match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase()))];
}

function labelPattern(facts: DocumentFacts): RegExp {
  const kinds = [...new Set([...REPORT_KINDS, ...titleWords(facts)])].map(escape).join('|');
  return new RegExp(String.raw`^\s*(?:${kinds})\.?\s*${NUMBER_WORD}\s*[:.]?\s*$`, 'i');
}

export interface DocumentNumber {
  passage: Passage;
  label: string;
  value: string;
  /** A date given beside the number (same row or line), if any. */
  date: boolean;
}

/** The first labelled document number on page 1, or null. */
export function documentNumber(facts: DocumentFacts): DocumentNumber | null {
  const label = labelPattern(facts);
  for (const p of facts.passages) {
    if (p.page !== 1) continue;
    if (p.kind === 'field' && p.field) {
      const { key, value } = p.field;
      if (label.test(key) && !NOT_OWN.test(key) && !isPlaceholder(value) && hasIdentifier(value)) return { passage: p, label: key, value, date: false };
    }
    if (p.kind === 'table-row') {
      // Header rows of forms are written as "Label; value; Label; value".
      const cells = p.text.split(/;\s*/);
      for (let i = 0; i + 1 < cells.length; i++) {
        const cell = cells[i]!.replace(/:$/, '');
        if (label.test(cell) && !NOT_OWN.test(cell) && !isPlaceholder(cells[i + 1]!) && hasIdentifier(cells[i + 1]!)) {
          return { passage: p, label: cell, value: cells[i + 1]!, date: hasDate(cells.slice(i + 2).join(' ')) };
        }
      }
    }
  }
  return null;
}

/** The facet asks for the report's own number ("a unique report number", "its own identifier"). */
export function asksForDocumentNumber(facet: Facet): boolean {
  return /\b(?:report|document|certificate)\s+(?:number|no\b|identifier|id\b)|\bown\s+(?:identifier|number)\b/i.test(facet.text);
}

/** The facet asks for the report's date, in an item that also asks for its number. */
function asksForDocumentDate(facet: Facet, reading: RequirementReading): boolean {
  return facet.valueKinds.includes('date') && !asksForDocumentNumber(facet) && reading.facets.some(asksForDocumentNumber);
}

/** The finding for a facet about the document's number or date, or null when the facet is about neither or none is given. */
export function fromIdentity(facet: Facet, reading: RequirementReading, facts: DocumentFacts): FacetFinding | null {
  const forNumber = asksForDocumentNumber(facet);
  if (!forNumber && !asksForDocumentDate(facet, reading)) return null;
  const found = documentNumber(facts);
  if (!found || (!forNumber && !found.date)) return null;
  const note = forNumber ? `${found.label}: ${found.value} (p. ${found.passage.page})` : `a date beside ${found.label} ${found.value} (p. ${found.passage.page})`;
  return { facet, state: 'found', strength: 0.75, source: 'rule', evidence: [passageEvidence(found.passage)], note };
}
