/**
 * gecko's public library API. Every public value and type is named here.
 */
// corpus: passages in a workspace, with BM25 search
export {
  type AddOptions,
  type ChunkOptions,
  type ColumnNames,
  Corpus,
  type CorpusStats,
  chunkText,
  DEFAULT_MAX_POSTINGS,
  DEFAULT_POOL_SIZE,
  type IngestResult,
  type InputFormat,
  type OpenCorpusOptions,
  openCorpus,
  type Passage,
  type PassageInput,
  type QueryPlan,
  type Rejected,
  type SearchHit,
  type SearchHitWithSnippet,
  type SearchOptions,
} from './corpus/index.js';
export { GeckoError, isGeckoError } from './errors/GeckoError.js';
export { formatLocation, InputError, type InputLocation, isInputError } from './errors/InputError.js';
export { isUsageError, UsageError } from './errors/UsageError.js';
// llm: language models (local GGUF, OpenAI-compatible HTTP), scoring, workspace cache, model specs
export {
  type CachedLanguageModel,
  type ChatMessage,
  type ChatRole,
  type ContinuationScore,
  type CreateLanguageModelOptions,
  createLanguageModel,
  createLlamaProvider,
  createOpenAIProvider,
  DEFAULT_GENERATE,
  DEFAULT_LLAMA_OPTIONS,
  DEFAULT_OPENAI_OPTIONS,
  DEFAULT_RETRY_POLICY,
  defaultLlamaThreads,
  defaultModelCacheDir,
  type GenerateOptions,
  type Generation,
  type HttpStats,
  isLlmError,
  isProviderHttpError,
  type JsonSchema,
  LLM_CACHE_COMPONENT,
  LLM_CACHE_MIGRATIONS,
  type LanguageModel,
  type LlamaProviderOptions,
  type LlmCacheOptions,
  type LlmCacheStats,
  type LlmCapabilities,
  LlmError,
  labelLogProbs,
  type ModelSpec,
  type OpenAIProvider,
  type OpenAIProviderOptions,
  type PromptInput,
  ProviderHttpError,
  parseModelSpec,
  parseRetryAfter,
  queryLogProb,
  type ResolveModelFileOptions,
  type RetryPolicy,
  resolveModelFile,
  resolveRetryPolicy,
  retryDelayMs,
  type ScoreMethod,
  type ScoreOptions,
  type TokenUsage,
  withLlmCache,
} from './llm/index.js';
export type { Embedder, EmbedInput, EmbedKind, EmbedOptions } from './model/Embedder.js';
export { DEFAULT_QUERY_TASK, formatDocument, formatInput, formatQuery } from './model/unifiedFormat.js';
export type { Progress, ProgressOptions, Reporter } from './util/Reporter.js';
export { silentReporter } from './util/Reporter.js';
export { VERSION } from './version.js';
export {
  DEFAULT_WORKSPACE_DIR,
  type Migration,
  type OpenWorkspaceOptions,
  openWorkspace,
  Workspace,
} from './workspace/Workspace.js';
