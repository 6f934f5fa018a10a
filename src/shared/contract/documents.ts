import { z } from 'zod';
import { TaskSchema } from './domain.ts';
import { AssetIdSchema, JobIdSchema, TaskIdSchema } from './ids.ts';

/**
 * Documents and their review against checklist frameworks: the document
 * model a parser and structure detection produce, the frameworks, and one
 * review (a framework applied to a document) with a proposal and a person's
 * decision per item.
 */

export const BBoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

// ---- Document model (mirrors src/core/structure/types.ts) ----

export const DocumentBlockSchema = z.object({
  id: z.string(),
  kind: z.enum(['heading', 'paragraph', 'list-item', 'table', 'field', 'figure', 'header', 'footer']),
  page: z.number().int().min(1),
  bbox: BBoxSchema.optional(),
  text: z.string(),
  order: z.number().int(),
  level: z.number().int().optional(),
  number: z.string().optional(),
  field: z.object({ key: z.string(), value: z.string(), normalizedKey: z.string().optional() }).optional(),
  table: z.object({
    rows: z.array(z.array(z.object({ text: z.string(), bbox: BBoxSchema.optional() }))),
    headerRows: z.number().int(),
  }).optional(),
  sectionId: z.string().nullable(),
});

export interface DocumentSection {
  id: string;
  title: string;
  number?: string;
  level: number;
  page: number;
  bbox?: [number, number, number, number];
  headingBlockId: string;
  children: DocumentSection[];
}
export const DocumentSectionSchema: z.ZodType<DocumentSection> = z.lazy(() => z.object({
  id: z.string(),
  title: z.string(),
  number: z.string().optional(),
  level: z.number().int(),
  page: z.number().int(),
  bbox: BBoxSchema.optional(),
  headingBlockId: z.string(),
  children: z.array(DocumentSectionSchema),
}));

export const DocumentPageSchema = z.object({
  page: z.number().int().min(1),
  width: z.number(),
  height: z.number(),
  textSource: z.enum(['text-layer', 'ocr', 'none']),
  ocrConfidence: z.number().optional(),
});

export const DocumentModelSchema = z.object({
  format: z.enum(['pdf', 'docx', 'txt', 'rtf', 'image']),
  pageCount: z.number().int(),
  pages: z.array(DocumentPageSchema),
  blocks: z.array(DocumentBlockSchema),
  sections: z.array(DocumentSectionSchema),
  unreadablePages: z.array(z.object({ page: z.number().int(), reason: z.string() })),
  metadata: z.object({ title: z.string().optional(), author: z.string().optional(), producer: z.string().optional(), created: z.string().optional() }),
  warnings: z.array(z.string()),
});
export type DocumentModelWire = z.infer<typeof DocumentModelSchema>;

// ---- Checklist frameworks ----

export const ChecklistStatusSchema = z.enum(['met', 'partial', 'not_met', 'not_applicable']);
export type ChecklistStatus = z.infer<typeof ChecklistStatusSchema>;
export const SeveritySchema = z.enum(['high', 'medium', 'low']);
export type Severity = z.infer<typeof SeveritySchema>;

export const ChecklistSummarySchema = z.object({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  description: z.string().optional(),
  /** Shipped with Chitti, or added by the user to the workspace's checklists folder. */
  origin: z.enum(['builtin', 'user']),
  itemCount: z.number().int(),
});
export type ChecklistSummary = z.infer<typeof ChecklistSummarySchema>;

export const ChecklistItemSchema = z.object({
  id: z.string(),
  section: z.string(),
  title: z.string(),
  requirement: z.string(),
  severity: SeveritySchema,
  guidance: z.string().optional(),
});

// ---- Reviews ----

export const EvidenceSchema = z.object({
  page: z.number().int().min(1),
  text: z.string().max(2000),
  bbox: BBoxSchema.optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** What the evaluator proposed for one item. `source`: 'rule', 'retrieval' or 'llm:<model id>'. */
export const ProposalSchema = z.object({
  status: ChecklistStatusSchema,
  confidence: z.number().min(0).max(1),
  evidence: z.array(EvidenceSchema),
  feedback: z.string(),
  source: z.string(),
});
export type Proposal = z.infer<typeof ProposalSchema>;

export const ReviewDecisionSchema = z.enum(['proposed', 'accepted', 'rejected', 'edited']);

export const ReviewItemSchema = z.object({
  /** The result's own id (a framework item appears once per review). */
  id: z.string(),
  reviewId: z.string(),
  /** The framework item; null for feedback a reviewer added. */
  itemId: z.string().nullable(),
  section: z.string(),
  title: z.string(),
  requirement: z.string(),
  severity: SeveritySchema,
  guidance: z.string().nullable(),
  /** The AI's proposal (null for reviewer-added items). */
  proposal: ProposalSchema.nullable(),
  decision: ReviewDecisionSchema,
  /** The status as it now stands: the proposal's until a reviewer changes it. */
  status: ChecklistStatusSchema,
  /** The feedback as it now stands. */
  feedback: z.string(),
  /** Where a reviewer-added item is anchored (a text selection on a page). */
  anchor: EvidenceSchema.nullable(),
  note: z.string().nullable(),
  rejectReason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /**
   * Learning from decisions: how often reviewers rejected this same feedback
   * for this framework item before, and why, which lowered its rank.
   */
  history: z.object({ rejected: z.number().int(), lastReason: z.string().nullable(), lastAt: z.string() }).nullable(),
  version: z.number().int().positive(),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

const Counts = z.object({ met: z.number().int(), partial: z.number().int(), not_met: z.number().int(), not_applicable: z.number().int() });

export const DocumentReviewSchema = z.object({
  id: z.string(),
  jobId: JobIdSchema,
  assetId: AssetIdSchema,
  taskId: TaskIdSchema,
  documentName: z.string(),
  framework: z.object({ id: z.string(), version: z.string(), title: z.string() }),
  status: z.enum(['done', 'failed']),
  errorCode: z.string().nullable(),
  message: z.string().nullable(),
  /** Which evaluation layers ran: rules always; retrieval with or without the embedding model. */
  layers: z.array(z.string()),
  /** What the reviewer should know about the run: the embedding model was unavailable, pages had no readable text. */
  warnings: z.array(z.string()),
  pageCount: z.number().int(),
  /** Current statuses (decisions applied) by severity, for the compliance summary. */
  summary: z.object({ high: Counts, medium: Counts, low: Counts }),
  /** Items with a decision (accepted, rejected or edited) of all items. */
  decided: z.number().int(),
  total: z.number().int(),
  durationMs: z.number().int().nullable(),
  createdAt: z.string(),
});
export type DocumentReview = z.infer<typeof DocumentReviewSchema>;

const Page = { limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) };
const ResultIdSchema = z.string().regex(/^cr_[A-Za-z0-9_-]{6,64}$/, 'expected a checklist result id (cr_…)');
const ReviewIdSchema = z.string().regex(/^rv_[A-Za-z0-9_-]{6,64}$/, 'expected a review id (rv_…)');
const ChecklistRefSchema = z.string().trim().min(1).max(128).regex(/^[a-z0-9-]+$/, 'expected a checklist framework id ([a-z0-9-]+)');
const define = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const documentProcedures = {
  /** The checklist frameworks installed: built in, and the user's (with the files that were refused and why). */
  'checklists.list': define(
    z.object({}).strict(),
    z.object({ frameworks: z.array(ChecklistSummarySchema), problems: z.array(z.object({ file: z.string(), message: z.string() })) }),
  ),
  'checklists.get': define(
    z.object({ id: ChecklistRefSchema }).strict(),
    z.object({ framework: ChecklistSummarySchema, items: z.array(ChecklistItemSchema) }),
  ),
  /** A document's structure (pages, blocks, sections, fields, tables), parsed once and kept. */
  'documents.model': define(z.object({ assetId: AssetIdSchema }).strict(), DocumentModelSchema),
  /**
   * Starts a checklist review task: each document of the job (or the chosen
   * ones) is parsed and evaluated against the framework. Returns the task
   * (kind 'checklist'); each document's review appears when it is done.
   */
  'reviews.start': define(
    z.object({
      jobId: JobIdSchema,
      checklistId: ChecklistRefSchema,
      assetIds: z.array(AssetIdSchema).min(1).max(1000).optional(),
      /** Skip the sentence-embedding layer (rules and lexical retrieval only). */
      embeddings: z.boolean().default(true),
    }).strict(),
    TaskSchema,
  ),
  'reviews.list': define(
    z.object({ jobId: JobIdSchema, assetId: AssetIdSchema.optional(), ...Page }).strict(),
    z.object({ reviews: z.array(DocumentReviewSchema), total: z.number().int() }),
  ),
  'reviews.get': define(
    z.object({ reviewId: ReviewIdSchema }).strict(),
    z.object({ review: DocumentReviewSchema, items: z.array(ReviewItemSchema) }),
  ),
  /**
   * A person's decision on one item: accept or reject the proposal (reject
   * with a reason, remembered so the same feedback ranks lower next time),
   * set the status, edit the feedback, or note. `expectedVersion` guards
   * against a change made meanwhile elsewhere (CONFLICT).
   */
  'reviews.decide': define(
    z.object({
      resultId: ResultIdSchema,
      expectedVersion: z.number().int().positive(),
      action: z.enum(['accept', 'reject', 'set-status', 'edit-feedback', 'note']),
      status: ChecklistStatusSchema.optional(),
      feedback: z.string().trim().min(1).max(4000).optional(),
      reason: z.string().trim().max(1000).optional(),
      note: z.string().trim().max(4000).optional(),
    }).strict()
      .refine((i) => i.action !== 'set-status' || i.status !== undefined, { message: 'set-status needs a status', path: ['status'] })
      .refine((i) => i.action !== 'edit-feedback' || i.feedback !== undefined, { message: 'edit-feedback needs the feedback', path: ['feedback'] })
      .refine((i) => i.action !== 'note' || i.note !== undefined, { message: 'note needs the note', path: ['note'] }),
    ReviewItemSchema,
  ),
  /** Reverts the item's last decision (version-checked). */
  'reviews.undo': define(z.object({ resultId: ResultIdSchema, expectedVersion: z.number().int().positive() }).strict(), ReviewItemSchema),
  /** Feedback a reviewer adds, anchored to a text selection on a page of the document. */
  'reviews.addItem': define(
    z.object({
      reviewId: ReviewIdSchema,
      section: z.string().trim().min(1).max(200).default('Reviewer'),
      title: z.string().trim().min(1).max(300),
      status: ChecklistStatusSchema,
      severity: SeveritySchema.default('medium'),
      feedback: z.string().trim().min(1).max(4000),
      anchor: EvidenceSchema,
    }).strict(),
    ReviewItemSchema,
  ),
} as const;
