/** Structure detection: a parsed document's pages or flow as headings, sections, fields and tables. */
export { buildDocumentModel } from './build.ts';
export { toMarkdown } from './markdown.ts';
export { normalizeKey } from './fields.ts';
export { flattenSections } from './sections.ts';
export type * from './types.ts';
