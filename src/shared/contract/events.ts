import { z } from 'zod';
import { AnalysisSchema, FindingSchema, TaskItemSchema, TaskSchema } from './domain.ts';
import { DocumentReviewSchema, ReviewItemSchema } from './documents.ts';
import { AssetIdSchema, JobIdSchema } from './ids.ts';

/**
 * Events the core emits after a commit. Names are `domain.pastTense`.
 * Payloads are validated by the same schemas on both sides.
 */
export const events = {
  'task.progressed': z.object({ task: TaskSchema, item: TaskItemSchema.nullable() }),
  'task.finished': z.object({ task: TaskSchema }),
  'job.changed': z.object({ jobId: JobIdSchema }),
  'asset.added': z.object({ jobId: JobIdSchema, assetId: AssetIdSchema }),
  'analysis.added': z.object({ analysis: AnalysisSchema }),
  /** A finding was decided, added or undone (also each finding of a `findings.bulk`): it as it now is. */
  'finding.changed': z.object({ finding: FindingSchema }),
  /** A reviewer's per-class threshold for a model was set or removed. */
  'thresholds.changed': z.object({ modelId: z.string() }),
  /** A document's checklist review finished (done or failed). */
  'review.added': z.object({ review: DocumentReviewSchema }),
  /** A checklist item was decided, added or undone: it as it now is. */
  'review.changed': z.object({ item: ReviewItemSchema }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;

export const EVENT_NAMES = Object.keys(events) as EventName[];
export const isEventName = (name: string): name is EventName =>
  Object.prototype.hasOwnProperty.call(events, name);
