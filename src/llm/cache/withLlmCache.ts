/**
 * A caching {@link LanguageModel} wrapper that stores every call in the workspace database, so re-running a
 * job makes zero model calls. Generations are keyed per call; scores per (prompt, continuation), so a call
 * whose continuations are partly cached asks the model only for the rest. Concurrent identical calls share
 * one model call.
 */
import type { Statement } from 'better-sqlite3';
import { sha256, stableStringify } from '../../util/hash.js';
import type { Workspace } from '../../workspace/Workspace.js';
import { DEFAULT_GENERATE } from '../defaults.js';
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
import { LLM_CACHE_COMPONENT, LLM_CACHE_MIGRATIONS } from './llmCacheSchema.js';

/** Options of {@link withLlmCache}. */
export interface LlmCacheOptions {
  /** false: neither read nor write the cache (`--no-cache`); statistics still count calls. @default true */
  enabled?: boolean;
}

/** Hit/miss statistics and token accounting of one cached model (one job). */
export interface LlmCacheStats {
  /** Calls (generations, or scored continuations) answered from the cache. */
  hits: number;
  /** Calls that went to the model. */
  misses: number;
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

interface Row {
  result: string;
  prompt_tokens: number;
  completion_tokens: number;
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
  workspace.migrate(LLM_CACHE_COMPONENT, LLM_CACHE_MIGRATIONS);
  return new CachedModel(model, workspace, options.enabled ?? true);
}

class CachedModel implements CachedLanguageModel {
  readonly id: string;
  private readonly get: Statement<[string], Row>;
  private readonly put: Statement<[string, string, string, string, number, number, number]>;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly counts = { hits: 0, misses: 0, saved: { promptTokens: 0, completionTokens: 0 } };
  private readonly usageAtStart: TokenUsage;

  constructor(
    readonly inner: LanguageModel,
    workspace: Workspace,
    private readonly enabled: boolean,
  ) {
    this.id = inner.id;
    this.get = workspace.db.prepare(
      'SELECT result, prompt_tokens, completion_tokens FROM llm_cache WHERE key = ?',
    );
    this.put = workspace.db.prepare(
      'INSERT OR REPLACE INTO llm_cache(key, model, op, result, prompt_tokens, completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const u = inner.usage();
    this.usageAtStart = { promptTokens: u.promptTokens, completionTokens: u.completionTokens };
  }

  private key(op: string, payload: unknown): string {
    return sha256(stableStringify({ model: this.id, op, payload }));
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
    const key = this.key('generate', {
      input,
      maxTokens: options.maxTokens ?? DEFAULT_GENERATE.maxTokens,
      temperature: options.temperature ?? DEFAULT_GENERATE.temperature,
      seed: options.seed ?? DEFAULT_GENERATE.seed,
      stop: options.stop ?? [],
      jsonSchema: options.jsonSchema,
    });
    if (this.enabled) {
      const row = this.get.get(key);
      if (row) {
        this.counts.hits++;
        this.counts.saved.promptTokens += row.prompt_tokens;
        this.counts.saved.completionTokens += row.completion_tokens;
        return JSON.parse(row.result) as Generation;
      }
    }
    return this.shared(key, async () => {
      this.counts.misses++;
      const g = await this.inner.generate(input, options);
      if (this.enabled) {
        this.put.run(
          key,
          this.id,
          'generate',
          JSON.stringify(g),
          g.usage.promptTokens,
          g.usage.completionTokens,
          Date.now(),
        );
      }
      return g;
    });
  }

  async scoreContinuations(
    prompt: PromptInput,
    continuations: readonly string[],
    options: ScoreOptions = {},
  ): Promise<ContinuationScore[]> {
    const keys = continuations.map((continuation) => this.key('score', { prompt, continuation }));
    const out: Array<ContinuationScore | undefined> = keys.map((k) => {
      if (!this.enabled) return undefined;
      const row = this.get.get(k);
      if (!row) return undefined;
      const s = JSON.parse(row.result) as ContinuationScore;
      // A cached top-k bound does not satisfy a call that needs exact scores.
      return options.requireExact && !s.exact ? undefined : s;
    });
    const missing = out.flatMap((s, i) => (s === undefined ? [i] : []));
    this.counts.hits += continuations.length - missing.length;
    if (missing.length > 0) {
      const batchKey = sha256(missing.map((i) => keys[i]).join(','));
      const scores = await this.shared(batchKey, async () => {
        this.counts.misses += missing.length;
        const s = await this.inner.scoreContinuations(
          prompt,
          missing.map((i) => continuations[i] as string),
          options,
        );
        if (this.enabled) {
          s.forEach((score, j) => {
            this.put.run(
              keys[missing[j] as number] as string,
              this.id,
              'score',
              JSON.stringify(score),
              0,
              0,
              Date.now(),
            );
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
