import type { Passage } from '../retrieval/passages.ts';
import type { DocumentFacts } from './document-facts.ts';

/**
 * Which passages say something about this inspection. Sections of standard
 * terms (disclaimers, limitations, responsibilities, notices) are the same in
 * every report of a company or form and record nothing about this one, and a
 * heading with nothing under it is only a title.
 */

const STANDARD_TERMS = /\b(?:responsibilit\w*|limitations?|disclaimer|notice|terms|conditions\s+of\s+service|legal|important)\b/i;

export const isStandardTerms = (p: Passage) => p.section !== undefined && STANDARD_TERMS.test(p.section);

/** The passages that may record something: not empty headings, not standard terms. */
export const body = (facts: DocumentFacts) => facts.passages.filter((p) => (p.kind !== 'heading' || !p.empty) && !isStandardTerms(p));
