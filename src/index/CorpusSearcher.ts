import type { Corpus } from '../corpus/Corpus.js';
import { GeckoError } from '../errors/GeckoError.js';
import { UsageError } from '../errors/UsageError.js';
import { orderDescending, reciprocalRankFusion } from '../fret/fusion.js';
import type { StaticModel } from '../model/StaticModel.js';
import type { CorpusIndex } from './corpusIndex.js';

/** `bm25`: the corpus's full-text index; `dense`: the vector index; `hybrid`: both, fused by reciprocal rank. */
export type SearchMode = 'bm25' | 'dense' | 'hybrid';
export const SEARCH_MODES: readonly SearchMode[] = ['bm25', 'dense', 'hybrid'];

export interface CorpusSearchOptions {
  /** @default 10 */
  k?: number;
  /** @default 'hybrid' when both indexes exist, else the one that does */
  mode?: SearchMode;
  /** Task description for the query prompt. @default Gecko's 'search result' */
  task?: string;
}

/** One ranked passage. `score`: BM25, cosine similarity, or the fused RRF score, by mode. */
export interface CorpusHit {
  id: string;
  score: number;
  title: string | null;
  text: string;
}

/** RRF's usual constant: damps the weight of the very first ranks so neither list dominates. */
export const RRF_K = 60;
/** Candidates taken from each list before fusing, at least. */
const FUSION_DEPTH = 50;

/**
 * Searches a corpus with BM25, with the model's embeddings over a vector index, or both fused by reciprocal
 * rank (`Σ 1 / (60 + rank)`, ties broken by the dense order, then the BM25 order).
 *
 * @example
 * const searcher = new CorpusSearcher(model, { corpus, dense });
 * const hits = await searcher.search('how do geckos climb', { k: 5, mode: 'hybrid' });
 */
export class CorpusSearcher {
  readonly #model: StaticModel;
  readonly #corpus: Corpus;
  readonly #dense: CorpusIndex | null;

  constructor(model: StaticModel, sources: { corpus: Corpus; dense?: CorpusIndex | null }) {
    this.#model = model;
    this.#corpus = sources.corpus;
    this.#dense = sources.dense ?? null;
  }

  /** The modes this searcher can answer. */
  get modes(): SearchMode[] {
    return this.#dense ? ['bm25', 'dense', 'hybrid'] : ['bm25'];
  }

  /**
   * @throws {UsageError} for a bad `k` or mode; {@link GeckoError} NO_INDEX for dense or hybrid without a
   * vector index.
   */
  async search(query: string, options: CorpusSearchOptions = {}): Promise<CorpusHit[]> {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k <= 0) throw new UsageError(`k must be a positive integer, got ${k}`);
    const mode = options.mode ?? (this.#dense ? 'hybrid' : 'bm25');
    if (!SEARCH_MODES.includes(mode)) {
      throw new UsageError(`mode must be one of ${SEARCH_MODES.join(', ')}, got "${mode}"`);
    }
    if (mode !== 'bm25' && !this.#dense) {
      throw new GeckoError(
        `search mode "${mode}" needs a vector index; build one with "gecko index build --model DIR"`,
        { code: 'NO_INDEX' },
      );
    }
    let ranked: { id: string; score: number }[];
    if (mode === 'bm25') ranked = this.#corpus.search(query, k);
    else if (mode === 'dense') ranked = await this.#denseSearch(query, k, options.task);
    else {
      const depth = Math.max(k, FUSION_DEPTH);
      const dense = await this.#denseSearch(query, depth, options.task);
      ranked = fuseRankedIds([dense, this.#corpus.search(query, depth)]).slice(0, k);
    }
    const passages = new Map(this.#corpus.getMany(ranked.map((r) => r.id)).map((p) => [p.id, p]));
    return ranked.map((r) => {
      const p = passages.get(r.id);
      return { id: r.id, score: r.score, title: p?.title ?? null, text: p?.text ?? '' };
    });
  }

  async #denseSearch(
    query: string,
    k: number,
    task: string | undefined,
  ): Promise<{ id: string; score: number }[]> {
    const dense = this.#dense!;
    const [q] = await this.#model.embed([query], {
      kind: 'query',
      dimensions: dense.index.dimensions,
      ...(task === undefined ? {} : { task }),
    });
    const top = dense.index.search(q!, k);
    return Array.from(top.keys, (key, i) => ({ id: dense.ids[key]!, score: top.scores[i]! }));
  }
}

/**
 * Reciprocal-rank fusion of ranked id lists, `Σ 1 / (RRF_K + rank)` over the lists an id is in, through the
 * project's one RRF (`fret/fusion.ts`). Ties keep first-appearance order: the earlier list, then its rank.
 * Search and evaluation fuse with it, so `/v1/search` and eval reports rank alike.
 */
export function fuseRankedIds(
  lists: readonly (readonly { id: string }[])[],
): { id: string; score: number }[] {
  const ids = [...new Set(lists.flatMap((list) => list.map((hit) => hit.id)))];
  // An id missing from a list adds 1 / (RRF_K + Infinity) = 0.
  const ranks = lists.map((list) => {
    const pos = new Map(list.map((hit, i) => [hit.id, i + 1]));
    return ids.map((id) => pos.get(id) ?? Number.POSITIVE_INFINITY);
  });
  const fused = reciprocalRankFusion(ranks, RRF_K);
  return orderDescending(fused).map((i) => ({ id: ids[i]!, score: fused[i]! }));
}
