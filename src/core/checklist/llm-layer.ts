import type { ChecklistStatus, Evidence } from '../../shared/contract/index.ts';
import { passageEvidence } from './facets.ts';
import type { EvaluatorLayer, LayerVerdict } from './types.ts';

/**
 * Where a language model plugs in (local GGUF, or a cloud model where policy
 * allows). The model is asked about one item at a time and sees only the
 * requirement and the evidence retrieval found for it, never the whole
 * document: that bounds the prompt, keeps what leaves the process small and
 * reviewable, and lets the answer be checked against the quotes it cites.
 */

export interface LlmJudgeRequest {
  itemId: string;
  title: string;
  requirement: string;
  guidance?: string;
  /** Retrieved passages, best first; the model may cite them by index. */
  evidence: Evidence[];
  /** What the earlier layers proposed, for the model to confirm or correct. */
  proposal?: { status: ChecklistStatus; feedback: string };
}

export interface LlmJudgement {
  status: ChecklistStatus;
  confidence: number;
  feedback: string;
  /** Indexes into the request's evidence that support the judgement. */
  cites: number[];
}

export interface LlmJudge {
  /** Recorded as the source: `llm:<modelId>`. */
  readonly modelId: string;
  /** Null when the model declines or fails for this item: the earlier verdict stands. */
  judge(request: LlmJudgeRequest): Promise<LlmJudgement | null>;
}

/** Passages retrieved for the model per item. */
const LLM_PASSAGES = 6;

export function llmLayer(judge: LlmJudge): EvaluatorLayer {
  return {
    name: `llm:${judge.modelId}`,
    async evaluate(item, reading, ctx, before): Promise<LayerVerdict | null> {
      const hits = await ctx.index.search(`${item.title}. ${reading.item.requirement}`, LLM_PASSAGES);
      const prior = before.at(-1);
      const evidence: Evidence[] = [...(prior?.evidence ?? [])];
      for (const h of hits) {
        const e = passageEvidence(h.passage);
        if (!evidence.some((x) => x.page === e.page && x.text === e.text)) evidence.push(e);
      }
      const answer = await judge.judge({
        itemId: item.id, title: item.title, requirement: item.requirement, ...(item.guidance ? { guidance: item.guidance } : {}),
        evidence, ...(prior ? { proposal: { status: prior.status, feedback: prior.feedback } } : {}),
      });
      if (!answer) return null;
      return {
        status: answer.status,
        confidence: Math.max(0, Math.min(1, answer.confidence)),
        evidence: answer.cites.filter((i) => Number.isInteger(i) && i >= 0 && i < evidence.length).map((i) => evidence[i]!),
        feedback: answer.feedback,
        source: `llm:${judge.modelId}`,
      };
    },
  };
}
