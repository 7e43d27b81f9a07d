import type { Migration } from '../workspace/Workspace.js';

/**
 * FTS5 tokenizer of the BM25 index: Porter stemming over unicode61 (case folding, diacritics removed, split
 * on non-alphanumerics). BM25 parameters are FTS5's built-in k1 = 1.2 and b = 0.75, and title and text
 * weigh the same (FTS5 sums term frequency over columns and normalises by the whole row's length, which
 * equals indexing `title + text` as one field, as BEIR's BM25 baselines do).
 */
export const FTS_TOKENIZER = 'porter unicode61 remove_diacritics 2';
/** Bulk-indexing settings of the index (see migration 2), shared with the shards of parallel indexing. */
export const FTS_HASHSIZE = 67_108_864;
export const FTS_PGSZ = 16_000;

/** The corpus's tables. `passages_fts` indexes only canonical passages (exact duplicates point at them). */
export const CORPUS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE corpus_sources (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL,
        format TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        options TEXT NOT NULL,
        added INTEGER NOT NULL,
        unchanged INTEGER NOT NULL,
        duplicates INTEGER NOT NULL,
        rejected INTEGER NOT NULL,
        finished_at TEXT NOT NULL
      );
      CREATE INDEX corpus_sources_key ON corpus_sources(path, size, mtime_ms, options);
      CREATE TABLE passages (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        doc_id TEXT NOT NULL,
        chunk INTEGER NOT NULL DEFAULT 0,
        title TEXT,
        text TEXT NOT NULL,
        hash TEXT NOT NULL,
        dup_of INTEGER,
        source INTEGER REFERENCES corpus_sources(id)
      );
      CREATE INDEX passages_hash ON passages(hash);
      CREATE VIRTUAL TABLE passages_fts USING fts5(
        title, text, content='passages', content_rowid='rowid', tokenize='${FTS_TOKENIZER}'
      );
      CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, 'row');
    `,
  },
  {
    // Bulk-indexing settings, stored in the FTS5 table's config: a 64 MiB pending-terms hash (default 1 MiB)
    // flushes far fewer, larger segments, and 16 kB leaf pages halve page overhead; together about 1.5x faster
    // indexing of 100-word passages (bench/corpus.bench.ts).
    version: 2,
    up: `
      INSERT INTO passages_fts(passages_fts, rank) VALUES ('hashsize', ${FTS_HASHSIZE});
      INSERT INTO passages_fts(passages_fts, rank) VALUES ('pgsz', ${FTS_PGSZ});
    `,
  },
];
