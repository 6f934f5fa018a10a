import { refineWithRetrieval } from './retrieval-layer.ts';
import { missingAllOf, ruleFindings } from './rules-layer.ts';
import type { EvaluatorLayer } from './types.ts';
import { verdictFrom } from './verdict.ts';

/**
 * The two built-in layers. The rule layer speaks only when it found something
 * (a filled or blank field, a hint in the text); the retrieval layer looks up
 * what the rules left open and decides whenever it changes the picture.
 */

export const ruleLayer: EvaluatorLayer = {
  name: 'rule',
  async evaluate(_item, reading, ctx) {
    const findings = ruleFindings(reading, ctx.facts, ctx.rules);
    if (findings.every((f) => f.state === 'missing')) return null;
    return verdictFrom(reading, findings, await ctx.applicability(reading), 'rule', missingAllOf(reading, ctx.facts));
  },
};

export const retrievalLayer: EvaluatorLayer = {
  name: 'retrieval',
  async evaluate(_item, reading, ctx, before) {
    const prior = before.at(-1)?.facets ?? [];
    const refined = await refineWithRetrieval(reading, prior, ctx.index, (p) => ctx.facts.tokensOf(p), ctx.rules);
    const unchanged = before.length > 0 && refined.every((f, i) => f === prior[i]);
    if (unchanged) return null;
    return verdictFrom(reading, refined, await ctx.applicability(reading), 'retrieval', missingAllOf(reading, ctx.facts));
  },
};
