import type { Migration } from '../../workspace/Workspace.js';

/** Component name of the LLM cache tables in the workspace's `schema_versions`. */
export const LLM_CACHE_COMPONENT = 'llm-cache';

/**
 * The LLM cache: one row per call (or per scored continuation), keyed by the hash of the model identity,
 * the operation, its input and parameters. Never holds API keys: none of those carry one.
 * - v2 adds `source`: `live`, or `batch` for answers imported from a provider's batch service; and the
 *   `llm_batch_requests` table, the requests a batch export wrote (what each custom id stands for: the
 *   cache keys its answer fills and how to read it), so an import needs nothing but the output file.
 */
export const LLM_CACHE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE llm_cache (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        op TEXT NOT NULL,
        result TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL DEFAULT 0,
        completion_tokens INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX llm_cache_model ON llm_cache(model, op);
    `,
  },
  {
    version: 2,
    up: `
      ALTER TABLE llm_cache ADD COLUMN source TEXT NOT NULL DEFAULT 'live';
      CREATE TABLE llm_batch_requests (
        custom_id TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        label TEXT NOT NULL,
        meta TEXT NOT NULL,
        export_id TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
];
