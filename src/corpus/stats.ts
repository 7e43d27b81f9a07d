import { statSync } from 'node:fs';
import type { Workspace } from '../workspace/Workspace.js';
import { FTS_TOKENIZER } from './schema.js';

/** Summary of a corpus, for `gecko corpus stats`. */
export interface CorpusStats {
  passages: number;
  /** Passages whose content is unique (what the BM25 index holds). */
  unique: number;
  duplicates: number;
  documents: number;
  sources: {
    path: string;
    format: string;
    added: number;
    duplicates: number;
    rejected: number;
    finishedAt: string;
  }[];
  avgChars: number;
  maxChars: number;
  /** Size of the workspace database in bytes (main file + WAL). */
  databaseBytes: number;
  index: { tokenizer: string; k1: number; b: number; terms: number };
}

export function corpusStats(ws: Workspace): CorpusStats {
  const db = ws.db;
  const agg = db
    .prepare(
      `SELECT count(*) AS passages, count(dup_of) AS duplicates, count(DISTINCT doc_id) AS documents,
              coalesce(avg(length(text)), 0) AS avgChars, coalesce(max(length(text)), 0) AS maxChars FROM passages`,
    )
    .get() as { passages: number; duplicates: number; documents: number; avgChars: number; maxChars: number };
  const sources = db
    .prepare(
      'SELECT path, format, added, duplicates, rejected, finished_at AS finishedAt FROM corpus_sources ORDER BY id',
    )
    .all() as CorpusStats['sources'];
  const terms = (db.prepare('SELECT count(*) AS n FROM passages_vocab').get() as { n: number }).n;
  const file = ws.path('gecko.db');
  const size = (p: string): number => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  return {
    passages: agg.passages,
    unique: agg.passages - agg.duplicates,
    duplicates: agg.duplicates,
    documents: agg.documents,
    sources,
    avgChars: Math.round(agg.avgChars),
    maxChars: agg.maxChars,
    databaseBytes: size(file) + size(`${file}-wal`),
    index: { tokenizer: FTS_TOKENIZER, k1: 1.2, b: 0.75, terms },
  };
}
