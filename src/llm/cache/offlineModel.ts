/**
 * A model that makes no call: for jobs that must run from the workspace cache alone (`--cache-only`, after a
 * batch import). Wrapped by {@link withLlmCache}, every cached call is answered as usual and any other
 * fails with `LLM_OFFLINE` instead of reaching the network.
 */
import { LlmError } from '../errors/LlmError.js';
import type { ContinuationScore, Generation, LanguageModel, LlmCapabilities, TokenUsage } from '../types.js';

/**
 * The offline stand-in for the model named `id` (the id the cache keys were made with).
 * @example
 * const llm = withLlmCache(offlineModel(live.id), workspace); // answers from the cache only
 */
export function offlineModel(id: string): LanguageModel {
  const refuse = (what: string): Promise<never> =>
    Promise.reject(
      new LlmError(
        `${id}: ${what} is not in the workspace LLM cache, and the model is offline (--cache-only). Send the missing calls to a batch service (gecko fret export-batch --stage mine) and import its results, or run without --cache-only.`,
        { code: 'LLM_OFFLINE' },
      ),
    );
  return {
    id,
    generate: (): Promise<Generation> => refuse('a generation'),
    scoreContinuations: (): Promise<ContinuationScore[]> => refuse('a scoring call'),
    capabilities: (): Promise<LlmCapabilities> =>
      Promise.reject(
        new LlmError(
          `${id}: cannot probe the model's capabilities offline (--cache-only); name the judge: --judge llm or --judge graded`,
          { code: 'LLM_OFFLINE' },
        ),
      ),
    usage: (): TokenUsage & { calls: number } => ({ promptTokens: 0, completionTokens: 0, calls: 0 }),
    close: async (): Promise<void> => {},
  };
}
