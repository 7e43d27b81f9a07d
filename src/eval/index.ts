/**
 * MTEB-compatible evaluation: tasks as declarations, one module per task type (`taskTypes/`: its loader and
 * evaluator), results in the MTEB results-repository schema. The verbs: {@link resolveTasks}/{@link loadLocalTask}, {@link evaluateTask},
 * {@link writeResults}/{@link renderReport}.
 */
export { EvaluationError, isEvaluationError } from './EvaluationError.js';
export { Bm25Retriever } from './embedders/Bm25Retriever.js';
export { CachedEmbedder, EVAL_MIGRATIONS } from './embedders/CachedEmbedder.js';
export { HashedBowEmbedder, type HashedBowOptions } from './embedders/HashedBowEmbedder.js';
export {
  createOpenAIEmbedder,
  type OpenAIEmbedderOptions,
} from './embedders/OpenAIEmbedder.js';
export { type OpenEmbedderOptions, openEmbedder } from './embedders/openEmbedder.js';
export { plainText, type TextFormat } from './embedders/plainText.js';
export { rememberRuns } from './embedders/rememberRuns.js';
export {
  loadTransformersEmbedder,
  type TransformersEmbedderOptions,
} from './embedders/TransformersEmbedder.js';
export { type EvalModel, type EvaluateOptions, evaluateTask, supportsTask } from './evaluateTask.js';
export { type OpenEvalModelOptions, openEvalModel } from './openModel.js';
export { GECKO_TASK_PROMPTS, type PromptSetting, promptsFor } from './prompts.js';
export { type Report, renderReport } from './report/report.js';
export { formatScoreTable } from './report/table.js';
export { RESULTS_SCHEMA_VERSION, type TaskResult, taskScore, writeResults } from './results.js';
export { BUILTIN_TASKS } from './tasks/builtinTasks.js';
export { defineTask, type TaskDeclaration, type TaskDefinition } from './tasks/defineTask.js';
export { downloadHubDataset, type HubDatasetOptions } from './tasks/hubDataset.js';
export { loadLocalTask } from './tasks/loadLocalTask.js';
export { type ResolveTasksOptions, resolveTasks } from './tasks/resolveTasks.js';
export { type TaskMetadata, TaskMetadataSchema } from './tasks/schema.js';
export { type SplitData, TASK_TYPES, type TaskType } from './taskTypes/registry.js';
export type { LexicalRetriever } from './taskTypes/retrieval.js';
