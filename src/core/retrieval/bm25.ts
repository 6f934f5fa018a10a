import { tokenize } from './tokenize.ts';

/**
 * Okapi BM25 over a fixed set of documents (a document's passages). Small on
 * purpose: the index is rebuilt per document in milliseconds, so it keeps no
 * state beyond term frequencies.
 */

export interface Bm25Options {
  /** Term-frequency saturation. */
  k1?: number;
  /** Length normalisation (0 = none, 1 = full). */
  b?: number;
}

export interface Bm25Hit {
  index: number;
  score: number;
  /** Share of the query's distinct terms (weighted by IDF) found in the document, 0..1. */
  coverage: number;
}

export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly termFreqs: Array<Map<string, number>>;
  private readonly lengths: number[];
  private readonly docFreq = new Map<string, number>();
  private readonly avgLength: number;

  constructor(texts: readonly string[], options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.termFreqs = texts.map((t) => {
      const tf = new Map<string, number>();
      for (const token of tokenize(t)) tf.set(token, (tf.get(token) ?? 0) + 1);
      return tf;
    });
    this.lengths = this.termFreqs.map((tf) => [...tf.values()].reduce((s, n) => s + n, 0));
    for (const tf of this.termFreqs) for (const term of tf.keys()) this.docFreq.set(term, (this.docFreq.get(term) ?? 0) + 1);
    this.avgLength = this.lengths.reduce((s, n) => s + n, 0) / Math.max(1, this.lengths.length);
  }

  get size(): number {
    return this.termFreqs.length;
  }

  /** Robertson-Sparck Jones IDF with +1 inside the log, so it is never negative. */
  idf(term: string): number {
    const n = this.docFreq.get(term) ?? 0;
    return Math.log(1 + (this.termFreqs.length - n + 0.5) / (n + 0.5));
  }

  /** Scores every document for the query; returns those with a positive score, best first. */
  search(query: string, limit = Infinity): Bm25Hit[] {
    const terms = [...new Set(tokenize(query))];
    if (terms.length === 0) return [];
    const weights = terms.map((t) => this.idf(t));
    const totalWeight = weights.reduce((s, w) => s + w, 0);
    const hits: Bm25Hit[] = [];
    this.termFreqs.forEach((tf, index) => {
      let score = 0;
      let covered = 0;
      terms.forEach((term, k) => {
        const f = tf.get(term);
        if (!f) return;
        const norm = 1 - this.b + this.b * (this.lengths[index]! / (this.avgLength || 1));
        score += weights[k]! * ((f * (this.k1 + 1)) / (f + this.k1 * norm));
        covered += weights[k]!;
      });
      if (score > 0) hits.push({ index, score, coverage: totalWeight > 0 ? covered / totalWeight : 0 });
    });
    hits.sort((a, b) => b.score - a.score || a.index - b.index);
    return hits.slice(0, limit);
  }
}
