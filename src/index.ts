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
// eval (issue 6): MTEB-compatible evaluation (tasks, evaluators for the seven task types, embedders, reports)
export {
  Bm25Retriever,
  BUILTIN_TASKS,
  CachedEmbedder,
  createOpenAIEmbedder,
  defineTask,
  downloadHubDataset,
  type EmbeddingRetryPolicy,
  EVAL_MIGRATIONS,
  type EvalModel,
  type EvaluateOptions,
  EvaluationError,
  evaluateTask,
  formatScoreTable,
  GECKO_TASK_PROMPTS,
  HashedBowEmbedder,
  type HashedBowOptions,
  type HubDatasetOptions,
  isEvaluationError,
  type LexicalRetriever,
  loadLocalTask,
  loadTransformersEmbedder,
  type OpenAIEmbedderOptions,
  type OpenEvalModelOptions,
  openEvalModel,
  type PromptSetting,
  plainText,
  promptsFor,
  RESULTS_SCHEMA_VERSION,
  type Report,
  type ResolveTasksOptions,
  renderReport,
  resolveTasks,
  type SplitData,
  supportsTask,
  TASK_TYPES,
  type TaskDeclaration,
  type TaskDefinition,
  type TaskMetadata,
  TaskMetadataSchema,
  type TaskResult,
  type TaskType,
  type TextFormat,
  type TransformersEmbedderOptions,
  taskScore,
  writeResults,
} from './eval/index.js';
// serving and integrations (issue 7): vector index, library API with LangChain embeddings, HTTP server
export {
  type BuildCorpusIndexOptions,
  type BuildReport,
  buildCorpusIndex,
  type CorpusHit,
  type CorpusIndex,
  CorpusSearcher,
  type CorpusSearchOptions,
  exactSearch,
  type IndexKind,
  type IndexQuantization,
  loadCorpusIndex,
  recallAtK,
  type SearchMode,
  saveCorpusIndex,
  type TopK,
  VectorIndex,
  type VectorIndexOptions,
} from './index/index.js';
export {
  type DocumentIndex,
  GeckoEmbeddings,
  type GeckoEmbeddingsOptions,
  GeckoModel,
  loadModel,
  type ModelSearchHit,
  type ModelSearchOptions,
  type SimilarityOptions,
} from './integrations/index.js';
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
  type LanguageModel,
  LLM_CACHE_COMPONENT,
  LLM_CACHE_MIGRATIONS,
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
// model + train (issue 5): the static student, its formats and tokenizers, and the Gecko-loss trainer
export { downloadFromHub, type HubOptions, isRepoId } from './model/formats/hub.js';
export { LAYOUTS, type Layout, type SaveFormat } from './model/formats/layouts.js';
export {
  detectLayout,
  type LoadStaticModelOptions,
  loadStaticModel,
} from './model/formats/loadStaticModel.js';
export { type SaveStaticModelOptions, saveStaticModel } from './model/formats/saveStaticModel.js';
export { isModelError, ModelError } from './model/ModelError.js';
export { PRECISIONS, type Precision } from './model/quantize.js';
export {
  type CreateStaticModelOptions,
  type QuantizedEmbeddings,
  StaticModel,
  type StaticModelConfig,
  type StaticModelInit,
} from './model/StaticModel.js';
export { parseSafetensors, serializeSafetensors, tensorToFloat32 } from './model/safetensors.js';
export { type TokenBatch, Tokenizer, type TokenizerJson } from './model/tokenizer/Tokenizer.js';
export { type TrainWordPieceOptions, trainWordPiece } from './model/tokenizer/trainWordPiece.js';
export { wordPieceTokenizerJson } from './model/tokenizer/wordPieceJson.js';
export { DEFAULT_QUERY_TASK, formatDocument, formatInput, formatQuery } from './model/unifiedFormat.js';
export {
  createApp,
  type GeckoApp,
  isServeError,
  type ListenOptions,
  type LongInputPolicy,
  type RunningServer,
  type ServeDeps,
  ServeError,
  type ServeOptions,
  startServer,
} from './serve/index.js';
export {
  BatchSampler,
  buildDataset,
  type Dataset,
  type EmbeddingLoss,
  estimateMemory,
  GeckoLoss,
  type GeckoLossOptions,
  matryoshka,
  preFinetuneLoss,
  readSource,
  type SourceKind,
  type SourceSpec,
  type StepInfo,
  stsDevEvaluator,
  type TrainOptions,
  type TrainResult,
  trainStaticModel,
} from './train/index.js';
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
