import type { Proposal } from '../../shared/contract/index.ts';
import { evaluateDocument } from '../checklist/evaluate.ts';
import type { ChecklistEvaluation } from '../tasks/checklist-task.ts';

/**
 * The checklist evaluator as review tasks use it: each item's result becomes
 * the stored proposal; the layers that ran are kept with the review, and the
 * run's warnings (embeddings unavailable, pages without text) become layer
 * notes the reviewer sees.
 */
export const checklistEvaluation: ChecklistEvaluation = {
  async evaluate(model, framework, { embeddings }) {
    const result = await evaluateDocument(model, framework, { embeddings });
    const proposals = new Map<string, Proposal>(result.items.map((i) => [i.id, {
      status: i.status, confidence: i.confidence, evidence: i.evidence, feedback: i.feedback, source: i.source,
    }]));
    return { proposals, layers: result.layers, warnings: result.warnings };
  },
};
