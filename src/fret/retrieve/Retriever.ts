import type { Corpus } from '../../corpus/Corpus.js';
import { formatQuery } from '../../model/unifiedFormat.js';
import { orderDescending, reciprocalRankFusion } from '../fusion.js';

/** A generated (or imported) query with its task, as FRet step 2 retrieves for it. */
export interface TaskQuery {
  task: string;
  query: string;
}

/** A retrieved passage id with the retriever's score (higher is better). */
export interface Candidate {
  id: string;
  score: number;
}

/** FRet's first-stage retriever: the top `k` passages of the corpus for a task and query. */
export interface Retriever {
  /** Identity of the retriever and its settings: part of the mining job's configuration. */
  readonly id: string;
  retrieve(q: TaskQuery, k: number): Promise<Candidate[]>;
}

/** What text a lexical retriever searches with. */
export type LexicalQueryText = 'unified' | 'query';

/**
 * BM25 over the corpus's FTS5 index. By default it searches Gecko's unified query text
 * `task: {task} | query: {query}` like the dense retrievers; `query` searches the query words alone (the
 * task's words are the same for many queries and add little lexical signal).
 */
export class Bm25Retriever implements Retriever {
  readonly id: string;
  readonly #corpus: Corpus;
  readonly #text: LexicalQueryText;

  constructor(corpus: Corpus, text: LexicalQueryText = 'unified') {
    this.#corpus = corpus;
    this.#text = text;
    this.id = `bm25:${text}`;
  }

  async retrieve(q: TaskQuery, k: number): Promise<Candidate[]> {
    const text = this.#text === 'unified' ? formatQuery(q.query, q.task) : q.query;
    return this.#corpus.search(text, k);
  }
}

/**
 * Reciprocal rank fusion of two retrievers (`1/(k + rank)` summed, k = 60 by default as in Cormack et al.):
 * each contributes its top `depth × k` so that a passage ranked just outside one list still counts.
 */
export class HybridRetriever implements Retriever {
  readonly id: string;
  readonly #a: Retriever;
  readonly #b: Retriever;
  readonly #k: number;
  readonly #depth: number;

  constructor(a: Retriever, b: Retriever, options: { k?: number; depth?: number } = {}) {
    this.#a = a;
    this.#b = b;
    this.#k = options.k ?? 60;
    this.#depth = options.depth ?? 2;
    this.id = `hybrid(${a.id},${b.id};k=${this.#k})`;
  }

  async retrieve(q: TaskQuery, k: number): Promise<Candidate[]> {
    const n = k * this.#depth;
    const [a, b] = await Promise.all([this.#a.retrieve(q, n), this.#b.retrieve(q, n)]);
    const ids = [...new Set([...a.map((c) => c.id), ...b.map((c) => c.id)])];
    // A passage missing from one list ranks just after that list's end.
    const rankIn = (list: Candidate[]): number[] => {
      const pos = new Map(list.map((c, i) => [c.id, i + 1]));
      return ids.map((id) => pos.get(id) ?? list.length + 1);
    };
    const fused = reciprocalRankFusion([rankIn(a), rankIn(b)], this.#k);
    return orderDescending(fused)
      .slice(0, k)
      .map((i) => ({ id: ids[i] as string, score: fused[i] as number }));
  }
}
