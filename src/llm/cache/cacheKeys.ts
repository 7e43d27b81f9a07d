/**
 * The keys of the LLM cache, in one place: the live cache wrapper and the Batch API import
 * (`src/llm/batch/`) must store a call under exactly the same key, or a job run after an import would
 * miss what the import wrote.
 */
import { sha256, stableStringify } from '../../util/hash.js';
import { DEFAULT_GENERATE } from '../defaults.js';
import type { GenerateOptions, PromptInput } from '../types.js';

/** The key of a cached call: the hash of the model identity, the operation and its input. */
export function llmCacheKey(modelId: string, op: 'generate' | 'score', payload: unknown): string {
  return sha256(stableStringify({ model: modelId, op, payload }));
}

/** The key of a generation (defaults filled in, so equal calls hash equal; the signal is not part of it). */
export function generateCacheKey(modelId: string, input: PromptInput, options: GenerateOptions): string {
  return llmCacheKey(modelId, 'generate', {
    input,
    maxTokens: options.maxTokens ?? DEFAULT_GENERATE.maxTokens,
    temperature: options.temperature ?? DEFAULT_GENERATE.temperature,
    seed: options.seed ?? DEFAULT_GENERATE.seed,
    stop: options.stop ?? [],
    jsonSchema: options.jsonSchema,
  });
}

/** The key of one scored continuation (scores are cached per continuation). */
export function scoreCacheKey(modelId: string, prompt: PromptInput, continuation: string): string {
  return llmCacheKey(modelId, 'score', { prompt, continuation });
}
