import type { StaticModel } from '../model/StaticModel.js';
import type { Dataset } from './data/Dataset.js';
import { resolveTrainOptions, type TrainOptions } from './options.js';
import { checkpointHook } from './run/checkpointHook.js';
import { devEvaluationHook } from './run/devEvaluationHook.js';
import { finishRun } from './run/finishRun.js';
import { prepareRun } from './run/prepareRun.js';
import { runSteps } from './run/stepLoop.js';
import type { TrainResult } from './run/types.js';

export type { TrainResult } from './run/types.js';

/**
 * Trains a static model in place on a dataset with Gecko's loss (or `options.loss`): seeded batches without
 * duplicate texts, lazy Adam(W) with warm-up and decay, clipping, periodic dev evaluation keeping the best
 * model (`outDir/best`), atomic checkpoints every `checkpointEvery` steps (`outDir/checkpoint.safetensors`)
 * from which a killed run resumes exactly, the final model (`outDir/model`) and curves (`curves.csv`, `.svg`).
 * The pieces: `run/prepareRun.ts` (setup and resume), `run/stepLoop.ts` (the loop), `run/checkpointHook.ts`
 * and `run/devEvaluationHook.ts` (what the loop calls), `run/finishRun.ts` (final model and summary).
 *
 * @throws {UsageError} on bad options or a checkpoint from different settings.
 * @example
 * const result = await trainStaticModel(model, buildDataset(sources), { outDir: 'out', steps: 2000 });
 */
export async function trainStaticModel(
  model: StaticModel,
  ds: Dataset,
  options: TrainOptions,
): Promise<TrainResult> {
  const run = await prepareRun(model, ds, resolveTrainOptions(options));
  const hooks = { checkpoint: checkpointHook(run), evaluate: devEvaluationHook(run) };
  const stopped = await runSteps(run, hooks);
  return finishRun(run, hooks, stopped);
}
