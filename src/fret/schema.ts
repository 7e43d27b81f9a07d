import type { Migration } from '../workspace/Workspace.js';

/**
 * FRet's workspace tables. Every item's outcome is one row written in its own statement as soon as the item
 * finishes, keyed by (run, item): a process killed at any point loses at most the items in flight, and a
 * restart skips what is recorded, so output is never duplicated.
 *
 * - `fret_jobs`: the settings each stage of a run was started with (a restart must use the same ones).
 * - `fret_queries`: step 1, one row per seed (or imported query): the task and query, or why it failed.
 * - `fret_examples`: step 2, one row per (mining job, item): the finished example as JSON, or the failure.
 * - `fret_vectors`: passage embeddings of a dense retriever, per embedder id, so a restart re-embeds nothing.
 * - `fret_batches` (v2): the Batch API files a job's LLM work went through (exports and imports with their
 *   counts), so the manifest says which results came from a provider's batch service.
 * - `fret_queries.retries` (v3): the retries the LLM layer made inside the seed's calls, by cause (JSON
 *   object), so a run's statistics show the faults behind calls that succeeded in the end.
 */
export const FRET_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE fret_jobs (
        run TEXT NOT NULL,
        job TEXT NOT NULL,
        config TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (run, job)
      );
      CREATE TABLE fret_queries (
        run TEXT NOT NULL,
        item_id TEXT NOT NULL,
        seed_id TEXT,
        family TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'pending')),
        task TEXT,
        query TEXT,
        reason TEXT,
        attempts INTEGER NOT NULL,
        history TEXT NOT NULL DEFAULT '[]',
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run, item_id)
      );
      CREATE TABLE fret_examples (
        run TEXT NOT NULL,
        job TEXT NOT NULL,
        item_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
        reason TEXT,
        example TEXT,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        scored_tokens INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (run, job, item_id)
      );
      CREATE TABLE fret_vectors (
        embedder TEXT NOT NULL,
        passage_id TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (embedder, passage_id)
      );
    `,
  },
  {
    version: 2,
    up: `
      CREATE TABLE fret_batches (
        run TEXT NOT NULL,
        job TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('export', 'import')),
        file TEXT NOT NULL,
        counts TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX fret_batches_job ON fret_batches(run, job);
    `,
  },
  {
    version: 3,
    up: `ALTER TABLE fret_queries ADD COLUMN retries TEXT NOT NULL DEFAULT '{}';`,
  },
];
