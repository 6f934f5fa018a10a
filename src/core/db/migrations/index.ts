import m0001 from './0001-jobs-assets-audit.ts';
import m0002 from './0002-task-queue.ts';
import m0003 from './0003-indexes.ts';
import m0004 from './0004-analyses.ts';
import m0005 from './0005-review.ts';
import m0006 from './0006-pixel-spacing.ts';
import m0007 from './0007-checklist-reviews.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Append-only: a released migration is never edited (a test pins each one's
 * hash); a change to the schema is a new numbered migration at the end.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'jobs-assets-audit', sql: m0001 },
  { version: 2, name: 'task-queue', sql: m0002 },
  { version: 3, name: 'indexes', sql: m0003 },
  { version: 4, name: 'analyses', sql: m0004 },
  { version: 5, name: 'review', sql: m0005 },
  { version: 6, name: 'pixel-spacing', sql: m0006 },
  { version: 7, name: 'checklist-reviews', sql: m0007 },
];
