import type { Embedder } from '../model/Embedder.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import { EvaluationError } from './EvaluationError.js';
import { createTaskEncoders, type Encoder } from './encoder.js';
import { type PromptSetting, promptsFor } from './prompts.js';
import {
  GECKO_PRODUCER,
  MTEB_COMPAT,
  RESULTS_SCHEMA_VERSION,
  type ScoreEntry,
  type TaskResult,
} from './results.js';
import type { TaskDefinition } from './tasks/defineTask.js';
import type { TaskMetadata } from './tasks/schema.js';
import { type SplitData, taskTypeModule } from './taskTypes/registry.js';
import type { LexicalRetriever } from './taskTypes/retrieval.js';
import { lexicalUnsupported, type ScoringOptions, type SplitScores } from './taskTypes/taskType.js';

/** What is evaluated: any `Embedder`, or a lexical retriever (BM25) for Retrieval tasks. */
export type EvalModel = { embedder: Embedder } | { lexical: LexicalRetriever };

/** Options of {@link evaluateTask}. */
export interface EvaluateOptions extends ScoringOptions {
  /** Matryoshka sizes; `null` is the model's full size. @default [null] */
  dims?: readonly (number | null)[];
  /** @default 'gecko' */
  prompts?: PromptSetting;
  /** Texts per embedder call. @default 256 */
  batchSize?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
}

/** True when `model` can evaluate `meta`'s task type. */
export function supportsTask(model: EvalModel, meta: TaskMetadata): boolean {
  return 'embedder' in model || taskTypeModule(meta.type).lexical === true;
}

/**
 * Evaluates one task the way mteb's `AbsTask.evaluate` does (template method: task → split → scores), once
 * per Matryoshka size, and returns one MTEB-schema result per size. Texts are embedded once for all sizes.
 *
 * @throws EvaluationError when the model cannot run this task type (BM25 on non-retrieval tasks) or data is missing.
 * @example const [r] = await evaluateTask(loadLocalTask('data/mteb/STSBenchmark'), { embedder });
 */
export async function evaluateTask(
  task: TaskDefinition,
  model: EvalModel,
  options: EvaluateOptions = {},
): Promise<TaskResult[]> {
  const meta = task.metadata;
  const reporter = options.reporter ?? silentReporter;
  if (!supportsTask(model, meta))
    throw lexicalUnsupported(meta, (model as { lexical: LexicalRetriever }).lexical);
  const dims = 'embedder' in model ? (options.dims ?? [null]) : [null];
  const prompts = promptsFor(meta, options.prompts);
  const splits = new Map<string, SplitData>();
  for (const split of meta.eval_splits) splits.set(split, await task.load(split));
  const trainSplit = taskTypeModule(meta.type).trainSplit?.(meta);
  const train = trainSplit === undefined ? null : await task.load(trainSplit);
  const hash = await task.dataHash();
  if (hash && meta.data_sha256 && hash !== meta.data_sha256)
    reporter.warn(
      `${meta.name}: data hash ${hash.slice(0, 12)}… differs from the pinned ${meta.data_sha256.slice(0, 12)}…; scores may not be comparable`,
    );
  const encoders: (Encoder | null)[] =
    'embedder' in model
      ? createTaskEncoders(model.embedder, dims, {
          prompts,
          batchSize: options.batchSize,
          reporter,
          signal: options.signal,
          label: meta.name,
        })
      : [null];
  const results: TaskResult[] = [];
  for (const [i, encoder] of encoders.entries()) {
    const started = performance.now();
    const scores: Record<string, ScoreEntry[]> = {};
    for (const [split, data] of splits) {
      options.signal?.throwIfAborted();
      const s = await evaluateSplit(meta, data, train, encoder, model, options);
      const main = s[meta.main_score];
      if (main === undefined)
        throw new EvaluationError(
          meta.name,
          `main_score "${meta.main_score}" is not among the ${meta.type} scores`,
        );
      scores[split] = [{ ...s, main_score: main, hf_subset: 'default', languages: ['eng-Latn'] }];
    }
    results.push({
      dataset_revision: meta.dataset?.revision ?? 'local',
      task_name: meta.name,
      mteb_version: MTEB_COMPAT,
      scores,
      evaluation_time: (performance.now() - started) / 1000,
      kg_co2_emissions: null,
      gecko: {
        schema_version: RESULTS_SCHEMA_VERSION,
        gecko_version: GECKO_PRODUCER,
        model: 'embedder' in model ? model.embedder.id : model.lexical.id,
        task_type: meta.type,
        main_score_name: meta.main_score,
        dimensions: dims[i] ?? null,
        prompts: 'embedder' in model ? prompts : {},
        seed: options.seed ?? 42,
        sklearn: options.sklearn ?? '1.4+',
        data_sha256: hash,
      },
    });
  }
  return results;
}

/** One split through its task type's module (mteb `AbsTask._evaluate_subset`). */
function evaluateSplit(
  meta: TaskMetadata,
  data: SplitData,
  train: SplitData | null,
  encoder: Encoder | null,
  model: EvalModel,
  options: EvaluateOptions,
): Promise<SplitScores> {
  return taskTypeModule(data.type).evaluate(data, {
    meta,
    model: 'lexical' in model ? { lexical: model.lexical } : { encoder: encoder as Encoder },
    train,
    sklearn: options.sklearn,
    seed: options.seed,
    summarization: options.summarization,
  });
}
