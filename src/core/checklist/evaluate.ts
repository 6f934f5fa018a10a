import { RetrievalIndex, loadSentenceEmbedder, type SentenceEmbedder } from '../retrieval/index.ts';
import { buildPassages } from '../retrieval/passages.ts';
import type { DocumentModel } from '../structure/types.ts';
import { conditionHolds, documentMismatch } from './applicability.ts';
import { isUnfilledForm } from './content-detectors.ts';
import { documentFacts, type DocumentFacts } from './document-facts.ts';
import type { Framework } from './framework.ts';
import { assignFields, FrameworkLexicon } from './key-matching.ts';
import { retrievalLayer, ruleLayer } from './layers.ts';
import { readRequirement, type RequirementReading } from './requirement.ts';
import type { ChecklistResult, EvaluationContext, EvaluatorLayer, ItemResult, LayerVerdict } from './types.ts';
import type { Applicability } from './verdict.ts';
import { stem } from '../retrieval/tokenize.ts';

/**
 * Evaluates a document against a framework, item by item, layer by layer:
 * rules, then retrieval (keywords, plus sentence embeddings unless turned
 * off), then any extra layers (an LLM). Every result says which layer
 * decided it.
 */

export interface EvaluateOptions {
  /**
   * Sentence embeddings for retrieval: true (default) loads the shared model,
   * false runs on keywords only, or pass an embedder. When the model cannot
   * be loaded, evaluation goes on without it and says so in `warnings`.
   */
  embeddings?: boolean | SentenceEmbedder;
  /** Layers run after rule and retrieval, e.g. an LLM layer (see llm-layer.ts). */
  extraLayers?: EvaluatorLayer[];
}

async function embedderFor(option: EvaluateOptions['embeddings'], warnings: string[]): Promise<SentenceEmbedder | null> {
  if (option === false) return null;
  if (option && option !== true) return option;
  try {
    return await loadSentenceEmbedder();
  } catch (e) {
    warnings.push(`Sentence embeddings are off: ${(e as Error).message}. Retrieval used keywords only.`);
    return null;
  }
}

function documentWarnings(model: DocumentModel, unreadable: number[], textless: boolean): string[] {
  if (textless) return ['The document has no readable text: every item is reported as not met. Check the file (a scan that could not be read, or a damaged file).'];
  if (unreadable.length === 0) return [];
  const pages = unreadable.length === 1 ? `page ${unreadable[0]}` : `pages ${unreadable.join(', ')}`;
  return [`No text could be read on ${pages} of ${model.pageCount}: content there was not checked.`];
}

function toResult(id: string, v: LayerVerdict): ItemResult {
  return { id, status: v.status, confidence: v.confidence, evidence: v.evidence, feedback: v.feedback, source: v.source };
}

/** Label words: the framework's own vocabulary and the words of the document's field keys. */
function labelVocabulary(readings: readonly RequirementReading[], facts: DocumentFacts): Set<string> {
  const vocabulary = new Set<string>(['name', 'date', 'address', 'number', 'page', 'form', 'report', 'signatur', 'sign']);
  for (const r of readings) for (const t of r.terms) vocabulary.add(t);
  for (const f of facts.fields) for (const t of f.keyTerms) vocabulary.add(t);
  return vocabulary;
}

export async function evaluateDocument(model: DocumentModel, framework: Framework, options: EvaluateOptions = {}): Promise<ChecklistResult> {
  const warnings: string[] = [];
  const embedder = await embedderFor(options.embeddings ?? true, warnings);
  const passages = buildPassages(model);
  const facts = documentFacts(model, passages);
  warnings.push(...documentWarnings(model, facts.unreadablePages, facts.textless));
  const index = await RetrievalIndex.fromPassages(passages, embedder);
  const readings = framework.items.map(readRequirement);
  // All queries of the framework are embedded in one batch rather than one call each.
  await index.prepareQueries(readings.flatMap((r) => [...r.facets.map((f) => f.query), ...(r.condition ? [r.condition] : [])]));

  const lexicon = new FrameworkLexicon(readings, framework.title);
  const assigned = assignFields(readings, facts.fields, lexicon);
  const mismatch = documentMismatch(framework, facts);
  const unfilled = isUnfilledForm(facts);
  const labels = labelVocabulary(readings, facts);
  if (unfilled) warnings.push('Almost every field of this form is blank: it reads as a form that was not filled in, so its printed text is not taken as findings.');
  const applicabilityCache = new Map<string, Promise<Applicability>>();
  const ctx: EvaluationContext = {
    model, facts, index,
    rules: {
      fieldsFor: (facet) => assigned.get(facet) ?? [],
      isCommon: (t) => lexicon.common(t),
      isLabel: (word) => labels.has(stem(word.toLowerCase())),
      isLabelToken: (token) => labels.has(token),
      labelledOnly: mismatch !== null,
    },
    applicability(reading: RequirementReading) {
      let found = applicabilityCache.get(reading.item.id);
      if (!found) {
        found = (async () => ({
          condition: reading.condition ? await conditionHolds(reading.condition, index, facts) : null,
          documentMismatch: mismatch,
        }))();
        applicabilityCache.set(reading.item.id, found);
      }
      return found;
    },
  };

  const layers: EvaluatorLayer[] = [ruleLayer, retrievalLayer, ...(options.extraLayers ?? [])];
  const items: ItemResult[] = [];
  for (const reading of readings) {
    const verdicts: LayerVerdict[] = [];
    for (const layer of layers) {
      const v = await layer.evaluate(reading.item, reading, ctx, verdicts);
      if (v) verdicts.push(v);
    }
    // The retrieval layer always answers when no layer before it did, so there is a verdict.
    items.push(toResult(reading.item.id, verdicts.at(-1)!));
  }
  return { framework: { id: framework.id, version: framework.version }, items, layers: layers.map((l) => l.name), warnings };
}
