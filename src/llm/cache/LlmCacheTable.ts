import type { Statement } from 'better-sqlite3';
import type { Workspace } from '../../workspace/Workspace.js';
import type { TokenUsage } from '../types.js';
import { LLM_CACHE_COMPONENT, LLM_CACHE_MIGRATIONS } from './llmCacheSchema.js';

/**
 * What a cache row holds: a generation (`generate`), one continuation's score (`score`), or a generation
 * whose output was rejected (`generate-error`: `{code, message}`, replayed as the same `LlmError`).
 */
export type LlmCacheOp = 'generate' | 'score' | 'generate-error';

/** Who answered a cached call: the model, live, or a provider's batch service (`gecko fret import-batch`). */
export type LlmCacheSource = 'live' | 'batch';

/** One row of the cache. */
export interface LlmCacheRow {
  op: LlmCacheOp;
  /** The result as JSON. */
  result: string;
  prompt_tokens: number;
  completion_tokens: number;
  source: LlmCacheSource;
}

/** The workspace's `llm_cache` table with its prepared statements (creating it on first use). */
export class LlmCacheTable {
  readonly #get: Statement<[string], LlmCacheRow>;
  readonly #put: Statement<[string, string, string, string, number, number, string, number]>;

  constructor(workspace: Workspace) {
    workspace.migrate(LLM_CACHE_COMPONENT, LLM_CACHE_MIGRATIONS);
    this.#get = workspace.db.prepare(
      'SELECT op, result, prompt_tokens, completion_tokens, source FROM llm_cache WHERE key = ?',
    );
    this.#put = workspace.db.prepare(
      'INSERT OR REPLACE INTO llm_cache(key, model, op, result, prompt_tokens, completion_tokens, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  get(key: string): LlmCacheRow | undefined {
    return this.#get.get(key);
  }

  has(key: string): boolean {
    return this.#get.get(key) !== undefined;
  }

  put(
    key: string,
    model: string,
    op: LlmCacheOp,
    result: unknown,
    usage: TokenUsage,
    source: LlmCacheSource = 'live',
  ): void {
    this.#put.run(
      key,
      model,
      op,
      JSON.stringify(result),
      usage.promptTokens,
      usage.completionTokens,
      source,
      Date.now(),
    );
  }
}
