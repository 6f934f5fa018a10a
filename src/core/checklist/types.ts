import type { ChecklistStatus, Evidence } from '../../shared/contract/index.ts';
import type { RetrievalIndex } from '../retrieval/index.ts';
import type { DocumentModel } from '../structure/types.ts';
import type { DocumentFacts } from './document-facts.ts';
import type { FacetFinding } from './facets.ts';
import type { FrameworkItem } from './framework.ts';
import type { RequirementReading } from './requirement.ts';
import type { RuleOptions } from './rules-layer.ts';
import type { Applicability } from './verdict.ts';

export type { ChecklistStatus, Evidence };

/** One item's outcome: what `chitti review` prints and a review stores as the AI's proposal. */
export interface ItemResult {
  id: string;
  status: ChecklistStatus;
  /** 0..1: how sure the deciding layer is. */
  confidence: number;
  /** Short quotes from the document with their page and box. */
  evidence: Evidence[];
  /** One or two sentences for the reviewer. */
  feedback: string;
  /** The layer that decided: 'rule', 'retrieval' or 'llm:<model id>'. */
  source: string;
}

export interface ChecklistResult {
  framework: { id: string; version: string };
  items: ItemResult[];
  /** The layers that ran, in order ('rule', 'retrieval', …). */
  layers: string[];
  /** Things the reviewer should know about the run (e.g. embeddings unavailable, pages unreadable). */
  warnings: string[];
}

/** A layer's view of one item. `null` from a layer means it has nothing to add. */
export interface LayerVerdict {
  status: ChecklistStatus;
  confidence: number;
  evidence: Evidence[];
  feedback: string;
  source: string;
  /** Per-facet findings behind the verdict, for the next layer (not part of the result). */
  facets?: FacetFinding[];
}

/** What every layer may read about the document being evaluated. */
export interface EvaluationContext {
  model: DocumentModel;
  facts: DocumentFacts;
  /** The document's passages, with embeddings when the semantic layer is on. */
  index: RetrievalIndex;
  /** How the rules read this document against this framework (assigned fields, common terms, guards). */
  rules: RuleOptions;
  /** Whether an item applies (its condition, the framework's fit to the document); computed once per item. */
  applicability(reading: RequirementReading): Promise<Applicability>;
}

/**
 * One layer of evaluation. Layers run in order for each item and see what the
 * layers before them concluded; the last layer that returns a verdict decides
 * (so a later, more capable layer, such as an LLM, can overrule the rules, and
 * a layer that cannot judge an item returns null and leaves it as it was).
 */
export interface EvaluatorLayer {
  /** Recorded in results' `layers` ('rule', 'retrieval', 'llm:<model id>'). */
  readonly name: string;
  evaluate(item: FrameworkItem, reading: RequirementReading, ctx: EvaluationContext, before: readonly LayerVerdict[]): Promise<LayerVerdict | null>;
}
