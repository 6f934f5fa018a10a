/**
 * Checklist review: frameworks (versioned YAML files) and their evaluation
 * against a document model, layer by layer (rules, retrieval, an LLM later).
 */
import type { Proposal } from '../../shared/contract/index.ts';
import type { DocumentModel } from '../structure/types.ts';
import { evaluateDocument, type EvaluateOptions } from './evaluate.ts';
import type { Framework } from './framework.ts';

export { parseFramework, type Framework, type FrameworkItem, type EvidenceHints, type Severity } from './framework.ts';
export { ChecklistRegistry, loadFrameworkFile, BUILT_IN_CHECKLISTS, type LoadedFramework, type FrameworkSummary, type FrameworkProblem } from './registry.ts';
export { evaluateDocument, type EvaluateOptions } from './evaluate.ts';
export { llmLayer, type LlmJudge, type LlmJudgeRequest, type LlmJudgement } from './llm-layer.ts';
export type { ChecklistResult, ItemResult, EvaluatorLayer, LayerVerdict, EvaluationContext } from './types.ts';

/**
 * The evaluation as a review task uses it (src/core/tasks/checklist-task.ts):
 * one proposal per item id, and the layers that ran.
 */
export function checklistEvaluation(defaults: Omit<EvaluateOptions, 'embeddings'> = {}) {
  return {
    async evaluate(model: DocumentModel, framework: Framework, options: { embeddings: boolean }): Promise<{ proposals: Map<string, Proposal>; layers: string[]; warnings: string[] }> {
      const result = await evaluateDocument(model, framework, { ...defaults, embeddings: options.embeddings });
      const proposals = new Map<string, Proposal>(result.items.map(({ id, ...p }) => [id, p]));
      return { proposals, layers: result.layers, warnings: result.warnings };
    },
  };
}
