/**
 * A caching {@link LanguageModel} wrapper that stores every call in the workspace database, so re-running a
 * job makes zero model calls. Generations are keyed per call; scores per (prompt, continuation), so a call
 * whose continuations are partly cached asks the model only for the rest. Concurrent identical calls share
 * one model call. Rows imported from a provider's batch service (`source = 'batch'`) are read like any
 * other, including `generate-error` rows (a batch answer the LLM layer rejected), which replay as the
 * same `LlmError` the live call would have raised.
 */

import { sha256 } from '../../util/hash.js';
import type { Workspace } from '../../workspace/Workspace.js';
import { LlmError } from '../errors/LlmError.js';
import { JSON_ATTEMPTS } from '../jsonOutput.js';
import type {
  ContinuationScore,
  GenerateOptions,
  Generation,
  LanguageModel,
  LlmCapabilities,
  PromptInput,
  ScoreOptions,
  TokenUsage,
} from '../types.js';
import { generateCacheKey, scoreCacheKey } from './cacheKeys.js';
import { type LlmCacheRow, LlmCacheTable } from './LlmCacheTable.js';

/** Options of {@link withLlmCache}. */
export interface LlmCacheOptions {
  /** false: neither read nor write the cache (`--no-cache`); statistics still count calls. @default true */
  enabled?: boolean;
  /**
   * Read the cache but never write it: for planning which calls a job still needs (batch export, the
   * cache-only check), where the wrapped model answers with placeholders. @default false
   */
  readOnly?: boolean;
}

/** Hit/miss statistics and token accounting of one cached model (one job). */
export interface LlmCacheStats {
  /** Calls (generations, or scored continuations) answered from the cache. */
  hits: number;
  /** Calls that went to the model. */
  misses: number;
  /** Of the hits, those answered by a provider's batch service (imported with `gecko fret import-batch`). */
  batchHits: number;
  /** Tokens the model used for this job's misses. */
  spent: TokenUsage;
  /** Tokens the cached generations originally cost (what the hits saved). */
  saved: TokenUsage;
}

/** A model whose calls are cached; `stats()` reports hits, misses and tokens. */
export interface CachedLanguageModel extends LanguageModel {
  readonly inner: LanguageModel;
  stats(): LlmCacheStats;
}

/**
 * Wraps `model` with the workspace's LLM cache (creating its tables on first use).
 * @example
 * const llm = withLlmCache(await createLanguageModel(spec), openWorkspace('./gecko-work'));
 * await runJob(llm);
 * console.log(llm.stats()); // { hits: 0, misses: 1200, ... } then on a re-run { hits: 1200, misses: 0 }
 */
export function withLlmCache(
  model: LanguageModel,
  workspace: Workspace,
  options: LlmCacheOptions = {},
): CachedLanguageModel {
  return new CachedModel(
    model,
    new LlmCacheTable(workspace),
    options.enabled ?? true,
    options.readOnly ?? false,
  );
}

class CachedModel implements CachedLanguageModel {
  readonly id: string;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly counts = {
    hits: 0,
    misses: 0,
    batchHits: 0,
    saved: { promptTokens: 0, completionTokens: 0 },
  };
  private readonly usageAtStart: TokenUsage;

  constructor(
    readonly inner: LanguageModel,
    private readonly table: LlmCacheTable,
    private readonly enabled: boolean,
    private readonly readOnly: boolean,
  ) {
    this.id = inner.id;
    const u = inner.usage();
    this.usageAtStart = { promptTokens: u.promptTokens, completionTokens: u.completionTokens };
  }

  private lookup(key: string): LlmCacheRow | undefined {
    return this.enabled ? this.table.get(key) : undefined;
  }

  private hit(row: LlmCacheRow, tokens: boolean): void {
    this.counts.hits++;
    if (row.source === 'batch') this.counts.batchHits++;
    if (tokens) {
      this.counts.saved.promptTokens += row.prompt_tokens;
      this.counts.saved.completionTokens += row.completion_tokens;
    }
  }

  /** Runs `compute` once per key at a time (concurrent identical calls share it). */
  private shared<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key);
    if (running) return running as Promise<T>;
    const p = compute().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  async generate(input: PromptInput, options: GenerateOptions = {}): Promise<Generation> {
    const key = generateCacheKey(this.id, input, options);
    const row = this.lookup(key);
    // A batch answer that was rejected before the provider's JSON tries were spent is not the call's
    // outcome yet: the live model makes the call itself (with all its tries).
    const error =
      row?.op === 'generate-error'
        ? (JSON.parse(row.result) as { code: string; message: string; tries?: number })
        : undefined;
    if (row && (error === undefined || (error.tries ?? JSON_ATTEMPTS) >= JSON_ATTEMPTS)) {
      this.hit(row, true);
      if (error) {
        throw new LlmError(error.message, {
          code: error.code,
          usage: { promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens },
        });
      }
      return JSON.parse(row.result) as Generation;
    }
    return this.shared(key, async () => {
      this.counts.misses++;
      const g = await this.inner.generate(input, options);
      if (this.enabled && !this.readOnly) this.table.put(key, this.id, 'generate', g, g.usage);
      return g;
    });
  }

  async scoreContinuations(
    prompt: PromptInput,
    continuations: readonly string[],
    options: ScoreOptions = {},
  ): Promise<ContinuationScore[]> {
    const keys = continuations.map((continuation) => scoreCacheKey(this.id, prompt, continuation));
    const out: Array<ContinuationScore | undefined> = keys.map((k) => {
      const row = this.lookup(k);
      if (!row) return undefined;
      const s = JSON.parse(row.result) as ContinuationScore;
      // A cached top-k bound does not satisfy a call that needs exact scores.
      if (options.requireExact && !s.exact) return undefined;
      this.hit(row, false);
      return s;
    });
    const missing = out.flatMap((s, i) => (s === undefined ? [i] : []));
    if (missing.length > 0) {
      const batchKey = sha256(missing.map((i) => keys[i]).join(','));
      const scores = await this.shared(batchKey, async () => {
        this.counts.misses += missing.length;
        const s = await this.inner.scoreContinuations(
          prompt,
          missing.map((i) => continuations[i] as string),
          options,
        );
        if (this.enabled && !this.readOnly) {
          s.forEach((score, j) => {
            const key = keys[missing[j] as number] as string;
            this.table.put(key, this.id, 'score', score, { promptTokens: 0, completionTokens: 0 });
          });
        }
        return s;
      });
      missing.forEach((i, j) => {
        out[i] = scores[j];
      });
    }
    return out as ContinuationScore[];
  }

  capabilities(options?: { signal?: AbortSignal }): Promise<LlmCapabilities> {
    return this.inner.capabilities(options);
  }

  usage(): TokenUsage & { calls: number } {
    return this.inner.usage();
  }

  stats(): LlmCacheStats {
    const u = this.inner.usage();
    return {
      hits: this.counts.hits,
      misses: this.counts.misses,
      batchHits: this.counts.batchHits,
      spent: {
        promptTokens: u.promptTokens - this.usageAtStart.promptTokens,
        completionTokens: u.completionTokens - this.usageAtStart.completionTokens,
      },
      saved: { ...this.counts.saved },
    };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
