/**
 * Checklist review: frameworks (versioned YAML files) and their evaluation
 * against a document model, layer by layer (rules, retrieval, an LLM later).
 */
export { parseFramework, type Framework, type FrameworkItem, type EvidenceHints, type Severity } from './framework.ts';
export { ChecklistRegistry, loadFrameworkFile, BUILT_IN_CHECKLISTS, type LoadedFramework, type FrameworkSummary, type FrameworkProblem } from './registry.ts';
export { evaluateDocument, type EvaluateOptions } from './evaluate.ts';
export { llmLayer, type LlmJudge, type LlmJudgeRequest, type LlmJudgement } from './llm-layer.ts';
export type { ChecklistResult, ItemResult, EvaluatorLayer, LayerVerdict, EvaluationContext } from './types.ts';

