import type Database from 'better-sqlite3';
import { readVarints } from '../fts/varint.js';
import type { QueryTerm } from './analyze.js';

/** FTS5's BM25 constants (hard-coded in SQLite's `bm25()`). */
const K1 = 1.2;
const B = 0.75;

/** A pooled candidate: its rowid, id and BM25 score. */
export interface PooledHit {
  rowid: number;
  id: string;
  score: number;
}

/** The pool: the first `limit` passages matching a query, in corpus order (parameters: match, limit). */
export const POOL_SQL = `SELECT p.rowid AS rowid, p.id AS id, p.title AS title, p.text AS text FROM passages p
  WHERE p.rowid IN (SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)`;

/**
 * Ranks the first `pool` passages (in corpus order) that match a query whose every term is common, read by
 * `poolRows`, a statement of {@link POOL_SQL} (prepared once by the caller: preparing costs as much as a
 * small query).
 *
 * Why not FTS5's `bm25()`: to get each term's IDF it counts the passages containing the term by walking the
 * term's whole posting list, on every query; for a word in most passages that walk is the whole cost and it
 * grows with the corpus. Here the IDF comes from `fts5vocab` document frequencies (one lookup per term), and
 * term frequencies and lengths are counted on the pooled passages' text, matching words as typed (without
 * stemming): an approximation confined to this mode, which only queries of ubiquitous words reach.
 */
export function scorePool(
  poolRows: Database.Statement,
  match: string,
  terms: readonly (QueryTerm & { df: number })[],
  pool: number,
  total: number,
  avgdl: number,
): PooledHit[] {
  const rows = poolRows.all(match, pool) as {
    rowid: number;
    id: string;
    title: string | null;
    text: string;
  }[];
  const idf = terms.map((t) => Math.max(Math.log((total - t.df + 0.5) / (t.df + 0.5)), 1e-6));
  const words = new Map(terms.map((t, i) => [t.word, i]));
  const out: PooledHit[] = [];
  for (const r of rows) {
    const tokens = `${r.title ?? ''} ${r.text}`.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    const tf = new Array<number>(terms.length).fill(0);
    let dl = 0;
    for (const w of tokens) {
      if (w === '') continue;
      dl++;
      const i = words.get(w);
      if (i !== undefined) tf[i] = (tf[i] as number) + 1;
    }
    let score = 0;
    for (let i = 0; i < terms.length; i++) {
      const f = tf[i] as number;
      if (f > 0) score += ((idf[i] as number) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * dl) / avgdl));
    }
    out.push({ rowid: r.rowid, id: r.id, score });
  }
  return out.sort((a, b) => b.score - a.score || a.rowid - b.rowid);
}

/** Average passage length in tokens, from FTS5's totals record (`%_data` id 1: nRow, then per-column totals). */
export function averageLength(db: Database.Database): number {
  const row = db.prepare<[], { block: Buffer }>('SELECT block FROM passages_fts_data WHERE id = 1').get();
  if (!row) return 1;
  const values = readVarints(row.block);
  const tokens = values.slice(1).reduce((a, b) => a + b, 0);
  return Math.max(tokens / Math.max(values[0] ?? 1, 1), 1);
}
