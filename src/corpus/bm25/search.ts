import type Database from 'better-sqlite3';
import { analyzeQuery, ftsString, type QueryTerm } from './analyze.js';

/** A ranked search hit. `score` is the BM25 score: higher is better. */
export interface SearchHit {
  id: string;
  score: number;
}

/** A hit with the passage's title and a highlighted snippet, for people. */
export interface SearchHitWithSnippet extends SearchHit {
  title: string | null;
  snippet: string;
}

export interface SearchOptions {
  /**
   * Most postings (summed document frequencies of the query's terms) scored per query. Above it, the most
   * common terms are dropped, rarest first kept; their IDF is the lowest, so they move rankings least. Bounds
   * the cost of queries made of common words on large corpora. `Infinity` scores every term.
   * @default 200_000
   */
  maxPostings?: number;
}

export const DEFAULT_MAX_POSTINGS = 200_000;

/** The executed plan of a query, for `--verbose` and tests. */
export interface QueryPlan {
  terms: { word: string; df: number; used: boolean }[];
  mode: 'ranked' | 'all-common' | 'empty';
}

/**
 * BM25 search over the FTS5 index with a document-frequency-aware planner:
 * 1. stopwords are removed (unless the query has nothing else);
 * 2. terms in more than half the passages are dropped: FTS5 clamps their IDF to ~0, so the ranking is the
 *    same without scanning their huge posting lists;
 * 3. the remaining terms are kept rarest first within `maxPostings`;
 * 4. if every term is that common, the passages containing all of them are taken in corpus order (bounded)
 *    and ranked by BM25 among themselves: such queries carry almost no ranking signal anyway.
 */
export class Bm25Searcher {
  readonly #db: Database.Database;
  readonly #df: Database.Statement<[string], { doc: number }>;
  readonly #ranked: Database.Statement<[string, number], { id: string; score: number }>;
  readonly #rankedSnippets: Database.Statement<
    [string, number],
    { id: string; score: number; title: string | null; snippet: string }
  >;
  readonly #count: Database.Statement<[], { n: number }>;
  #total: number | null = null;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#df = db.prepare('SELECT doc FROM passages_vocab WHERE term = ?');
    const ranked = (cols: string) =>
      `SELECT p.id AS id, -bm25(passages_fts) AS score${cols}
       FROM passages_fts JOIN passages p ON p.rowid = passages_fts.rowid
       WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts), p.rowid LIMIT ?`;
    this.#ranked = db.prepare(ranked(''));
    this.#rankedSnippets = db.prepare(
      ranked(", p.title AS title, snippet(passages_fts, 1, '[', ']', '…', 24) AS snippet"),
    );
    this.#count = db.prepare('SELECT count(*) AS n FROM passages WHERE dup_of IS NULL');
  }

  /** Forget cached corpus statistics (after adding passages). */
  invalidate(): void {
    this.#total = null;
  }

  plan(query: string, options: SearchOptions = {}): { plan: QueryPlan; match: string | null } {
    const terms = analyzeQuery(query);
    if (terms.length === 0) return { plan: { terms: [], mode: 'empty' }, match: null };
    this.#total ??= this.#count.get()?.n ?? 0;
    const half = this.#total / 2;
    const budget = options.maxPostings ?? DEFAULT_MAX_POSTINGS;
    const withDf = terms.map((t) => ({ ...t, df: this.#df.get(t.stem)?.doc ?? 0 }));
    const informative = withDf.filter((t) => t.df <= half).sort((a, b) => a.df - b.df);
    const used = new Set<QueryTerm>();
    let postings = 0;
    for (const t of informative) {
      if (used.size > 0 && postings + t.df > budget) break;
      used.add(t);
      postings += t.df;
    }
    const planTerms = withDf.map((t) => ({ word: t.word, df: t.df, used: used.has(t) }));
    if (used.size === 0) {
      return {
        plan: { terms: planTerms.map((t) => ({ ...t, used: true })), mode: 'all-common' },
        match: withDf.map((t) => ftsString(t.word)).join(' AND '),
      };
    }
    return {
      plan: { terms: planTerms, mode: 'ranked' },
      match: [...used].map((t) => ftsString(t.word)).join(' OR '),
    };
  }

  search(query: string, k: number, options: SearchOptions = {}): SearchHit[] {
    return this.#run(query, k, options, false);
  }

  searchWithSnippets(query: string, k: number, options: SearchOptions = {}): SearchHitWithSnippet[] {
    return this.#run(query, k, options, true) as SearchHitWithSnippet[];
  }

  #run(query: string, k: number, options: SearchOptions, snippets: boolean): SearchHit[] {
    const { plan, match } = this.plan(query, options);
    if (match === null || k <= 0) return [];
    if (plan.mode === 'ranked') return (snippets ? this.#rankedSnippets : this.#ranked).all(match, k);
    // All terms are ubiquitous: rank a bounded pool of passages containing all of them.
    const pool = Math.max(k * 10, 1000);
    const sql = `SELECT p.id AS id, -bm25(passages_fts) AS score${
      snippets ? ", p.title AS title, snippet(passages_fts, 1, '[', ']', '…', 24) AS snippet" : ''
    } FROM passages_fts JOIN passages p ON p.rowid = passages_fts.rowid
      WHERE passages_fts.rowid IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)
      AND passages_fts MATCH ? ORDER BY bm25(passages_fts), p.rowid LIMIT ?`;
    return this.#db.prepare(sql).all(match, pool, match, k) as SearchHit[];
  }
}
