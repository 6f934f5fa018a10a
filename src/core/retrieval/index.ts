import type { DocumentModel } from '../structure/types.ts';
import { Bm25Index } from './bm25.ts';
import { cosine, type SentenceEmbedder } from './embeddings.ts';
import { buildPassages, type Passage } from './passages.ts';

/**
 * One document's retrieval index: BM25 over its passages and, when an
 * embedder is given, sentence embeddings of the same passages. The hybrid
 * score mixes both so that exact terms ("MAWP", a procedure number) and
 * paraphrases ("the examiner's certification" for "Level II") both count.
 */

export { buildPassages, type Passage } from './passages.ts';
export { Bm25Index } from './bm25.ts';
export { loadSentenceEmbedder, cosine, type SentenceEmbedder } from './embeddings.ts';

export interface RetrievalHit {
  passage: Passage;
  /** Raw BM25 score (0 when no query term occurs). */
  bm25: number;
  /** BM25 divided by the best BM25 score for this query, 0..1. */
  bm25Relative: number;
  /** IDF-weighted share of the query's terms found in the passage, 0..1. */
  coverage: number;
  /** Cosine similarity of query and passage embeddings; null without embeddings. */
  cosine: number | null;
  /** The ranking score, 0..1. */
  score: number;
}

/** Weight of the lexical side in the hybrid score (the rest is semantic). */
export const LEXICAL_WEIGHT = 0.5;
/** USE-lite cosines of related sentences sit around 0.3-0.7; this maps that band onto 0..1. */
const COSINE_FLOOR = 0.1;
const COSINE_CEIL = 0.7;

const clamp01 = (x: number) => Math.max(0, Math.min(1, x));

/** Words a sentence encoder can read: at least three words of letters. */
const MIN_WORDS_TO_EMBED = 3;
export function hasWords(p: Passage): boolean {
  return (p.text.match(/\p{L}{2,}/gu) ?? []).length >= MIN_WORDS_TO_EMBED;
}

export class RetrievalIndex {
  readonly passages: Passage[];
  private readonly bm25: Bm25Index;
  private readonly embedder: SentenceEmbedder | null;
  /** Per passage; null for passages with too few words to embed. */
  private vectors: Array<Float32Array | null> | null = null;
  private readonly queryCache = new Map<string, Float32Array>();

  private constructor(passages: Passage[], embedder: SentenceEmbedder | null) {
    this.passages = passages;
    this.bm25 = new Bm25Index(passages.map((p) => p.searchText));
    this.embedder = embedder;
  }

  /** Builds the index; with an embedder, every passage is embedded now, in batches. */
  static async build(model: DocumentModel, embedder: SentenceEmbedder | null = null): Promise<RetrievalIndex> {
    return RetrievalIndex.fromPassages(buildPassages(model), embedder);
  }

  static async fromPassages(passages: Passage[], embedder: SentenceEmbedder | null = null): Promise<RetrievalIndex> {
    const index = new RetrievalIndex(passages, embedder);
    if (embedder) {
      // Rows of numbers ("CML: 12; 0.639; 0.638; …") have no meaning for a sentence encoder and are most of a
      // survey's passages: they are left to keywords, which keeps embedding time to the text that has some.
      const worded = passages.filter(hasWords);
      const vectors = worded.length > 0 ? await embedder.embed(worded.map((p) => p.searchText)) : [];
      index.vectors = new Array<Float32Array | null>(passages.length).fill(null);
      worded.forEach((p, i) => (index.vectors![p.index] = vectors[i]!));
    }
    return index;
  }

  get semantic(): boolean {
    return this.vectors !== null;
  }

  /** Embeds several queries in one batch (the evaluator asks all of a framework's queries up front). */
  async prepareQueries(queries: readonly string[]): Promise<void> {
    if (!this.embedder || !this.vectors) return;
    const missing = [...new Set(queries)].filter((q) => !this.queryCache.has(q));
    if (missing.length === 0) return;
    const vectors = await this.embedder.embed(missing);
    missing.forEach((q, i) => this.queryCache.set(q, vectors[i]!));
  }

  /**
   * The best passages by the hybrid score together with the best by keywords
   * alone, so that turning embeddings on can add candidates but never hide a
   * passage that holds the query's words.
   */
  async candidates(query: string, limit = 5): Promise<RetrievalHit[]> {
    const hybrid = await this.search(query, limit);
    if (!this.vectors) return hybrid;
    const all = await this.search(query, Infinity);
    const lexical = [...all].sort((a, b) => b.bm25 - a.bm25 || a.passage.index - b.passage.index).slice(0, limit).filter((h) => h.bm25 > 0);
    const seen = new Set(hybrid.map((h) => h.passage.index));
    return [...hybrid, ...lexical.filter((h) => !seen.has(h.passage.index))];
  }

  /** Scores every passage for the query; best first. */
  async search(query: string, limit = 5, filter?: (p: Passage) => boolean): Promise<RetrievalHit[]> {
    const lexical = this.bm25.search(query);
    const best = lexical[0]?.score ?? 0;
    const byIndex = new Map(lexical.map((h) => [h.index, h]));
    let queryVector: Float32Array | null = null;
    if (this.vectors) {
      await this.prepareQueries([query]);
      queryVector = this.queryCache.get(query) ?? null;
    }
    const hits: RetrievalHit[] = [];
    for (const passage of this.passages) {
      if (filter && !filter(passage)) continue;
      const lex = byIndex.get(passage.index);
      const bm25Relative = lex && best > 0 ? lex.score / best : 0;
      const vector = this.vectors?.[passage.index] ?? null;
      const cos = queryVector && vector ? cosine(queryVector, vector) : null;
      if (!lex && (cos === null || cos <= COSINE_FLOOR)) continue;
      const semantic = cos === null ? null : clamp01((cos - COSINE_FLOOR) / (COSINE_CEIL - COSINE_FLOOR));
      const score = semantic === null ? bm25Relative : LEXICAL_WEIGHT * bm25Relative + (1 - LEXICAL_WEIGHT) * semantic;
      hits.push({ passage, bm25: lex?.score ?? 0, bm25Relative, coverage: lex?.coverage ?? 0, cosine: cos, score });
    }
    hits.sort((a, b) => b.score - a.score || a.passage.index - b.passage.index);
    return hits.slice(0, limit);
  }
}
