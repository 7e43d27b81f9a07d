/**
 * FRet (Gecko §3.2): two-step LLM distillation of a corpus into (task, query, positive, hard negative)
 * examples. Step 1 `generateQueries`, step 2 `minePairs`, then `writeDataset`; `mergeDatasets` combines
 * shards, `exportSentenceTransformers` and the batch functions move data in and out.
 */

// The spec-named OpenAI embedder lives with the other embedders; re-exported for FRet's callers.
export { OpenAiEmbedder } from '../eval/embedders/OpenAIEmbedder.js';
export {
  type BatchImport,
  type BatchImportSummary,
  exportGenerateBatch,
  importBatch,
  importGenerateBatch,
} from './batch.js';
export {
  exportMineBatch,
  importMineBatch,
  type JudgeFactory,
  MINE_BATCH_PREFIX,
  type MineBatchExport,
  type MineBatchOptions,
  missingMineCalls,
} from './batchMine.js';
export { type CheckResult, checkGeneration, type GenerationFailure, type OutputChecks } from './checks.js';
export { type ClozeQueries, writeClozeQueries } from './clozeQueries.js';
export { DATASET_FILES, type DatasetManifest, writeDataset } from './dataset.js';
export { exportSentenceTransformers, type StExportOptions, type StTriplet } from './exportSt.js';
export { DEFAULT_TASK_FAMILIES, resolveTaskFamilies, type TaskFamily } from './families.js';
export { orderDescending, ranksDescending, reciprocalRankFusion } from './fusion.js';
export { DEFAULT_GENERATE, type GenerateOptions, type GenerateSummary, generateQueries } from './generate.js';
export { importQueries } from './importQueries.js';
export { createJudge, type JudgeSpec } from './judge/createJudge.js';
export { GradedJudge, type GradedJudgeOptions } from './judge/GradedJudge.js';
export type { Judge, JudgeInput, Judgement, ScoringKind } from './judge/Judge.js';
export { DEFAULT_LABELS, LlmJudge, type LlmJudgeOptions } from './judge/LlmJudge.js';
export { type Qrels, QrelsJudge, readQrels } from './judge/QrelsJudge.js';
export { type MergeSummary, mergeDatasets } from './merge.js';
export { DEFAULT_MINE, type FretExample, type MineOptions, type MineSummary, minePairs } from './mine.js';
export { DenseRetriever, type DenseRetrieverOptions } from './retrieve/DenseRetriever.js';
export {
  type OpenRetrieverOptions,
  openRetriever,
  RETRIEVER_KINDS,
  type RetrieverKind,
  type RetrieverSettingNames,
  type RetrieverSpec,
} from './retrieve/openRetriever.js';
export { type QuickStudentOptions, trainQuickStudent } from './retrieve/quickStudent.js';
export {
  Bm25Retriever,
  type Candidate,
  HybridRetriever,
  type Retriever,
  type TaskQuery,
} from './retrieve/Retriever.js';
export { type NegativeRule, type RelabelStats, relabelStats, selectPair } from './selection.js';
export { parseShard, type Shard, shardOf } from './shard.js';
