import type { ApiClient } from '../../../src/renderer/src/api/client.ts';
import { ApiError } from '../../../src/renderer/src/api/types.ts';
import type {
  ChecklistSummary, DocumentModelWire, DocumentReview, ReviewItem, ResourceName, Task,
} from '../../../src/shared/contract/index.ts';
import { FakeApi, makeAsset, makeJob, makeTask } from './fake-api.ts';

export const JOB = 'job_00000000000000000001';
export const DOC = 'ast_00000000000000000010';
export const REVIEW = 'rv_0000000001';
export const crId = (n: number) => `cr_${String(n).padStart(10, '0')}`;

/**
 * FakeApi plus the documents procedures, kept in memory as the core keeps
 * them: a decision checks the version, changes the item and bumps it; undo
 * restores the state before the latest decision; a reviewer's item can be added.
 */
export class FakeDocumentsApi extends FakeApi {
  frameworks: ChecklistSummary[] = [];
  checklistProblems: Array<{ file: string; message: string }> = [];
  documentModels: Record<string, DocumentModelWire> = {};
  docReviews: DocumentReview[] = [];
  reviewItems: Record<string, ReviewItem[]> = {};
  /** Every page image asked for (`document.page`). */
  pagesLoaded: Array<Record<string, unknown>> = [];
  private readonly itemHistory = new Map<string, ReviewItem[]>();

  constructor() {
    super();
    const base = this.invoke;
    this.invoke = (async (name: string, input: Record<string, unknown>) => {
      if (!/^(checklists|documents|reviews)\./.test(name)) return base(name as never, input as never);
      this.calls.push({ name, input });
      const failure = this.failing[name];
      if (failure) throw failure;
      return structuredClone(this.documents(name, input));
    }) as ApiClient['invoke'];
  }

  private documents(name: string, input: Record<string, unknown>): unknown {
    switch (name) {
      case 'checklists.list':
        return { frameworks: this.frameworks, problems: this.checklistProblems };
      case 'documents.model': {
        const m = this.documentModels[input.assetId as string];
        if (!m) throw new ApiError('NOT_FOUND', 'no such document');
        return m;
      }
      case 'reviews.start': {
        const t = makeTask({ id: 'tsk_00000000000000000003', kind: 'checklist', jobId: input.jobId as string, status: 'queued', total: ((input.assetIds as string[] | undefined) ?? this.assets.filter((a) => a.kind === 'document')).length });
        this.tasks = [...this.tasks.filter((x) => x.id !== t.id), t];
        return t;
      }
      case 'reviews.list': {
        const all = this.docReviews.filter((r) => r.jobId === input.jobId);
        return { reviews: all, total: all.length };
      }
      case 'reviews.get': {
        const review = this.docReviews.find((r) => r.id === input.reviewId);
        if (!review) throw new ApiError('NOT_FOUND', `No checklist review with id ${String(input.reviewId)}.`);
        return { review, items: this.reviewItems[review.id] ?? [] };
      }
      case 'reviews.decide': {
        const item = this.item(input.resultId as string, input.expectedVersion as number);
        const p = item.proposal;
        const note = input.note === undefined ? item.note : input.note === '' ? null : (input.note as string);
        switch (input.action) {
          case 'accept':
            return this.changeItem(item, { decision: 'accepted', status: p!.status, feedback: p!.feedback, rejectReason: null, note });
          case 'reject':
            return this.changeItem(item, { decision: 'rejected', status: p!.status, feedback: p!.feedback, rejectReason: (input.reason as string | undefined) ?? null, note });
          case 'set-status':
            return this.changeItem(item, { decision: 'edited', status: input.status as ReviewItem['status'], rejectReason: null, note });
          case 'edit-feedback':
            return this.changeItem(item, { decision: 'edited', feedback: input.feedback as string, rejectReason: null, note });
          default:
            return this.changeItem(item, { note });
        }
      }
      case 'reviews.undo': {
        const item = this.item(input.resultId as string, input.expectedVersion as number);
        const before = this.itemHistory.get(item.id)?.pop();
        if (!before) throw new ApiError('CONFLICT', 'There is no decision on this item to undo.');
        const { decision, status, feedback, note, rejectReason } = before;
        return this.changeItem(item, { decision, status, feedback, note, rejectReason }, false);
      }
      case 'reviews.addItem': {
        const list = (this.reviewItems[input.reviewId as string] ??= []);
        const added: ReviewItem = makeReviewItem({
          id: crId(900 + list.length), itemId: null, section: (input.section as string | undefined) ?? 'Reviewer', title: input.title as string,
          requirement: input.title as string, severity: (input.severity as ReviewItem['severity'] | undefined) ?? 'medium', guidance: null, proposal: null,
          decision: 'edited', status: input.status as ReviewItem['status'], feedback: input.feedback as string, anchor: input.anchor as ReviewItem['anchor'],
          decidedBy: this.reviewer, decidedAt: '2026-11-24T10:15:00.000Z',
        });
        list.push(added);
        return added;
      }
      default:
        throw new ApiError('UNKNOWN_PROCEDURE', name);
    }
  }

  /** The item at the version the caller saw, or CONFLICT as the core answers. */
  private item(id: string, expected: number): ReviewItem {
    const item = Object.values(this.reviewItems).flat().find((i) => i.id === id);
    if (!item) throw new ApiError('NOT_FOUND', `No checklist result with id ${id}.`);
    if (item.version !== expected) {
      throw new ApiError('CONFLICT', `This checklist item was changed by sam since you loaded it (it is now version ${item.version}; you had version ${expected}).`);
    }
    return item;
  }

  private changeItem(item: ReviewItem, patch: Partial<ReviewItem>, record = true): ReviewItem {
    if (record) this.itemHistory.set(item.id, [...(this.itemHistory.get(item.id) ?? []), item]);
    const next = { ...item, decidedBy: this.reviewer, decidedAt: '2026-11-24T10:15:00.000Z', ...patch, version: item.version + 1 };
    const list = this.reviewItems[item.reviewId]!;
    this.reviewItems[item.reviewId] = list.map((i) => (i.id === item.id ? next : i));
    return next;
  }

  /** Someone else decides an item meanwhile (another window, another reviewer): its version moves on. */
  changeElsewhere(id: string, patch: Partial<ReviewItem>) {
    const item = Object.values(this.reviewItems).flat().find((i) => i.id === id)!;
    return this.changeItem(item, { ...patch, decidedBy: 'sam' }, false);
  }

  override loadImage(name?: ResourceName, params?: Record<string, unknown>) {
    if (name === 'document.page' && params) this.pagesLoaded.push(params);
    return super.loadImage();
  }
}

export const makeFramework = (f: Partial<ChecklistSummary> = {}): ChecklistSummary => ({
  id: 'inspection-report-core', version: '1.0.0', title: 'Inspection report - core content', origin: 'builtin', itemCount: 12, ...f,
});

const counts = (c: Partial<Record<ReviewItem['status'], number>> = {}) => ({ met: 0, partial: 0, not_met: 0, not_applicable: 0, ...c });

export const makeReview = (r: Partial<DocumentReview> = {}): DocumentReview => ({
  id: REVIEW, jobId: JOB, assetId: DOC, taskId: 'tsk_00000000000000000003',
  documentName: 'api510-vessel.pdf', framework: { id: 'inspection-report-core', version: '1.0.0', title: 'Inspection report - core content' },
  status: 'done', errorCode: null, message: null, layers: ['rules', 'retrieval'], warnings: [], pageCount: 2,
  summary: { high: counts({ met: 1 }), medium: counts({ partial: 1, not_applicable: 1 }), low: counts({ met: 1 }) },
  decided: 2, total: 5, durationMs: 1200, createdAt: '2026-11-24T09:00:00.000Z', ...r,
});

export const makeReviewItem = (i: Partial<ReviewItem> = {}): ReviewItem => ({
  id: crId(1), reviewId: REVIEW, itemId: 'IRC-01', section: 'Identification', title: 'Report number and date',
  requirement: 'The report carries a unique report number and the date of the inspection.', severity: 'high',
  guidance: 'Add the report number and the inspection date to the report header.',
  proposal: { status: 'met', confidence: 0.9, evidence: [], feedback: 'The report number and date are given.', source: 'rule' },
  decision: 'proposed', status: 'met', feedback: 'The report number and date are given.', anchor: null, note: null, rejectReason: null,
  decidedBy: null, decidedAt: null, history: null, version: 1, ...i,
});

/** Two US Letter pages (612×792 pt); page 1 has the header lines, page 2 the client and a table with boxed cells. */
export const documentModel = (): DocumentModelWire => ({
  format: 'pdf', pageCount: 2,
  pages: [
    { page: 1, width: 612, height: 792, textSource: 'text-layer' },
    { page: 2, width: 612, height: 792, textSource: 'text-layer' },
  ],
  blocks: [
    { id: 'b1', kind: 'heading', page: 1, bbox: [72, 72, 300, 90], text: 'Report No. 54-11-001', order: 0, sectionId: null },
    { id: 'b2', kind: 'field', page: 1, bbox: [72, 100, 240, 114], text: 'Date: 2025-03-14', order: 1, sectionId: null },
    { id: 'b3', kind: 'paragraph', page: 2, bbox: [72, 300, 400, 330], text: 'Client: Refinery Ltd, Unit 4 site', order: 2, sectionId: null },
    {
      id: 'b4', kind: 'table', page: 2, bbox: [72, 400, 540, 440], text: 'CML 7 12.4 mm', order: 3, sectionId: null,
      table: { headerRows: 0, rows: [[{ text: 'CML 7', bbox: [72, 400, 200, 420] }, { text: '12.4 mm', bbox: [200, 400, 300, 420] }]] },
    },
  ],
  sections: [], unreadablePages: [], metadata: { title: 'API 510 inspection' }, warnings: [],
});

/** One job with one PDF, one framework, and a review of five items in three sections (one ranked down, one rejected, one accepted). */
export function documentsApi(): FakeDocumentsApi {
  const api = new FakeDocumentsApi();
  api.jobs = [makeJob()];
  api.assets = [
    makeAsset({ id: DOC, kind: 'document', mime: 'application/pdf', originalName: 'api510-vessel.pdf' }),
    makeAsset({ id: 'ast_00000000000000000011', kind: 'document', mime: 'application/pdf', originalName: 'bridge.pdf' }),
  ];
  api.frameworks = [makeFramework(), makeFramework({ id: 'my-welding', title: 'Welding report', origin: 'user', itemCount: 4 })];
  api.documentModels[DOC] = documentModel();
  api.docReviews = [makeReview()];
  api.reviewItems[REVIEW] = [
    makeReviewItem({
      proposal: { status: 'met', confidence: 0.9, evidence: [{ page: 1, text: 'Report No. 54-11-001', bbox: [72, 72, 300, 90] }], feedback: 'The report number and date are given.', source: 'rule' },
    }),
    makeReviewItem({
      id: crId(2), itemId: 'IRC-02', title: 'Client and location', severity: 'medium', status: 'partial', feedback: 'The client is named; the site address is missing.',
      proposal: { status: 'partial', confidence: 0.55, evidence: [{ page: 2, text: 'Client: Refinery Ltd' }], feedback: 'The client is named; the site address is missing.', source: 'retrieval' },
      history: { rejected: 2, lastReason: 'Wrong status', lastAt: '2026-11-20T10:00:00.000Z' },
    }),
    makeReviewItem({
      id: crId(3), itemId: 'IRC-05', section: 'Scope', title: 'Governing code or standard', severity: 'high', status: 'not_met', decision: 'rejected',
      feedback: 'No code is referenced.', rejectReason: 'Evidence does not support it', version: 2, decidedBy: 'sam', decidedAt: '2026-11-24T09:30:00.000Z',
      proposal: { status: 'not_met', confidence: 0.7, evidence: [], feedback: 'No code is referenced.', source: 'rule' },
    }),
    makeReviewItem({
      id: crId(4), itemId: 'IRC-08', section: 'Personnel', title: 'Inspector named', severity: 'low', status: 'met', decision: 'accepted', version: 2,
      decidedBy: 'sam', decidedAt: '2026-11-24T09:31:00.000Z', feedback: 'The inspector is named.',
      proposal: { status: 'met', confidence: 0.8, evidence: [], feedback: 'The inspector is named.', source: 'rule' },
    }),
    makeReviewItem({
      id: crId(5), itemId: 'IRC-09', section: 'Personnel', title: 'Signature', severity: 'medium', status: 'not_applicable', feedback: 'No signature block was found.',
      proposal: { status: 'not_applicable', confidence: 0.4, evidence: [], feedback: 'No signature block was found.', source: 'retrieval' },
    }),
  ];
  return api;
}

export const checklistTask = (t: Partial<Task> = {}) => makeTask({ id: 'tsk_00000000000000000003', kind: 'checklist', jobId: JOB, ...t });
