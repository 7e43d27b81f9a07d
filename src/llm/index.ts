/**
 * The LLM layer: one {@link LanguageModel} interface over a local GGUF (node-llama-cpp) and any
 * OpenAI-compatible endpoint, a workspace-backed cache, and model spec strings. FRet uses `generate` with a
 * JSON schema for its (task, query) pairs and `scoreContinuations` for query and label likelihood.
 */

export { type BatchRequestLine, batchRequestFor } from './batch/batchRequests.js';
export {
  type BatchResultCounts,
  type BatchResultsSummary,
  importBatchResults,
} from './batch/importBatchResults.js';
export { type RecordedCall, RecordingModel, type RecordingModelOptions } from './batch/RecordingModel.js';
export { LLM_CACHE_COMPONENT, LLM_CACHE_MIGRATIONS } from './cache/llmCacheSchema.js';
export { offlineModel } from './cache/offlineModel.js';
export {
  type CachedLanguageModel,
  type LlmCacheOptions,
  type LlmCacheStats,
  withLlmCache,
} from './cache/withLlmCache.js';
export { DEFAULT_GENERATE } from './defaults.js';
export { isLlmError, LlmError } from './errors/LlmError.js';
export { isProviderHttpError, ProviderHttpError } from './errors/ProviderHttpError.js';
export {
  createLlamaProvider,
  DEFAULT_LLAMA_OPTIONS,
  defaultLlamaThreads,
  type LlamaProviderOptions,
} from './llama/LlamaProvider.js';
export {
  defaultModelCacheDir,
  type ResolveModelFileOptions,
  resolveModelFile,
} from './llama/resolveModelFile.js';
export {
  type CreateLanguageModelOptions,
  createLanguageModel,
  type ModelSpec,
  parseModelSpec,
} from './modelSpec.js';
export type { HttpStats } from './openai/HttpClient.js';
export {
  createOpenAIProvider,
  DEFAULT_OPENAI_OPTIONS,
  type OpenAIProvider,
  type OpenAIProviderOptions,
} from './openai/OpenAIProvider.js';
export {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
  resolveRetryPolicy,
  retryDelayMs,
} from './openai/retryPolicy.js';
export type { OutputProblem, RetryCounts } from './retries.js';
export { labelLogProbs, queryLogProb } from './scoring.js';
export type {
  ChatMessage,
  ChatRole,
  ContinuationScore,
  GenerateOptions,
  Generation,
  JsonSchema,
  LanguageModel,
  LlmCapabilities,
  PromptInput,
  ScoreMethod,
  ScoreOptions,
  TokenUsage,
} from './types.js';
