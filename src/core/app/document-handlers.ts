import type { ProcedureName, ProcedureOutput, ProcedureParsedInput } from '../../shared/contract/index.ts';
import type { ChecklistRegistry } from '../checklist/registry.ts';
import type { Db } from '../db/open.ts';
import { getAsset } from '../domain/assets.ts';
import { addItem, decideItem, getReview, listReviews, undoItem } from '../domain/checklist-reviews.ts';
import { getJob } from '../domain/jobs.ts';
import type { DocumentService } from '../documents/document-service.ts';
import { startChecklist } from '../tasks/checklist-task.ts';
import type { TaskRunner } from '../tasks/runner.ts';
import { ACTIVE_STATUSES } from '../tasks/task-store.ts';
import type { Write } from './unit-of-work.ts';

type DocumentProcedure = Extract<ProcedureName, `checklists.${string}` | `documents.${string}` | `reviews.${string}`>;
type Handler<N extends ProcedureName> = (input: ProcedureParsedInput<N>) => ProcedureOutput<N> | Promise<ProcedureOutput<N>>;
export type DocumentHandlers = { [N in DocumentProcedure]: Handler<N> };

export interface DocumentHandlerContext {
  db: Db;
  write: Write;
  runner: TaskRunner;
  documents: DocumentService;
  checklists: Pick<ChecklistRegistry, 'list' | 'get'>;
}

/** The procedures for documents and their checklist reviews. */
export function createDocumentHandlers(ctx: DocumentHandlerContext): DocumentHandlers {
  const { db, write } = ctx;
  return {
    'checklists.list': async () => {
      const { frameworks, problems } = await ctx.checklists.list();
      // The file paths stay in the core: the UI names frameworks by id.
      return { frameworks: frameworks.map(({ file: _file, ...f }) => f), problems: problems.map((p) => ({ file: p.file.split(/[\\/]/).pop() ?? p.file, message: p.message })) };
    },
    'checklists.get': async ({ id }) => {
      const f = await ctx.checklists.get(id);
      return {
        framework: { id: f.id, version: f.version, title: f.title, ...(f.description ? { description: f.description.trim() } : {}), origin: f.origin === 'builtin' ? 'builtin' : 'user', itemCount: f.items.length },
        items: f.items.map((i) => ({ id: i.id, section: i.section, title: i.title, requirement: i.requirement, severity: i.severity, ...(i.guidance ? { guidance: i.guidance } : {}) })),
      };
    },
    'documents.model': async ({ assetId }) => ctx.documents.model(getAsset(db, assetId)),
    'reviews.start': async ({ jobId, checklistId, assetIds, embeddings }) => {
      getJob(db, jobId);
      const { origin: _origin, file: _file, ...framework } = await ctx.checklists.get(checklistId);
      const task = startChecklist(write, { jobId, framework, embeddings, ...(assetIds ? { assetIds } : {}) });
      if (ACTIVE_STATUSES.includes(task.status)) ctx.runner.enqueue(task.id);
      return task;
    },
    'reviews.list': ({ jobId, assetId, limit, offset }) => {
      getJob(db, jobId);
      if (assetId) getAsset(db, assetId);
      return listReviews(db, jobId, assetId, limit, offset);
    },
    'reviews.get': ({ reviewId }) => getReview(db, reviewId),
    'reviews.decide': (input) => write((tx) => decideItem(tx, input)),
    'reviews.undo': ({ resultId, expectedVersion }) => write((tx) => undoItem(tx, resultId, expectedVersion)),
    'reviews.addItem': (input) => write((tx) => addItem(tx, input)),
  };
}
