import { mkdir } from 'node:fs/promises';
import { UsageError } from '../../errors/UsageError.js';
import type { StaticModel } from '../../model/StaticModel.js';
import { sha256, stableStringify } from '../../util/hash.js';
import type { Progress, Reporter } from '../../util/Reporter.js';
import { silentReporter } from '../../util/Reporter.js';
import { type Checkpoint, loadCheckpoint, type TrainState } from '../checkpoint.js';
import { BatchSampler } from '../data/BatchSampler.js';
import type { Dataset } from '../data/Dataset.js';
import { buildLoss } from '../loss/buildLoss.js';
import type { EmbeddingLoss } from '../loss/types.js';
import { estimateMemory, type ResolvedTrainOptions } from '../options.js';
import { StepRunner, tokenizeTexts } from '../StepRunner.js';
import type { TrainRun } from './types.js';

/**
 * Everything before the first step: the output folder, the loss, the step count, the checkpoint to resume
 * from (refused when it was written with other settings), the tokenised texts, the step runner and the
 * progress display.
 *
 * @throws {UsageError} on a checkpoint from different settings or a bad Matryoshka setting.
 */
export async function prepareRun(
  model: StaticModel,
  ds: Dataset,
  o: ResolvedTrainOptions,
): Promise<TrainRun> {
  const reporter = o.reporter ?? silentReporter;
  await mkdir(o.outDir, { recursive: true });
  const loss = buildLoss(o, model.dimensions);
  const samplerOptions = { batchSize: o.batchSize, seed: o.seed, taskSampling: o.taskSampling };
  const sampler0 = new BatchSampler(ds, samplerOptions);
  const totalSteps = o.steps ?? Math.max(1, Math.ceil((o.epochs * sampler0.epochSize) / o.batchSize));
  const fingerprint = runFingerprint(model, ds, o, loss, totalSteps);
  const ckpt = o.resume ? await loadCheckpoint(o.outDir) : null;
  const state = ckpt
    ? restoreCheckpoint(model, ckpt, fingerprint, o.outDir)
    : freshState(totalSteps, sampler0, fingerprint);
  if (ckpt) reporter.info(`resuming from step ${state.step} of ${totalSteps}`);
  const sampler = ckpt ? new BatchSampler(ds, samplerOptions, state.sampler) : sampler0;
  const runner = stepRunner(model, ds, o, loss, reporter, ckpt);
  const progress = startProgress(o, reporter, state.step, totalSteps);
  const t0 = performance.now();
  const baseElapsed = state.elapsedSec;
  return {
    model,
    ds,
    o,
    reporter,
    loss,
    totalSteps,
    state,
    sampler,
    runner,
    resumed: ckpt !== null,
    startStep: state.step,
    progress,
    seconds: () => (performance.now() - t0) / 1000,
    elapsedSec: () => baseElapsed + (performance.now() - t0) / 1000,
  };
}

/** Hash of the settings that must not change across a resume. */
function runFingerprint(
  model: StaticModel,
  ds: Dataset,
  o: ResolvedTrainOptions,
  loss: EmbeddingLoss,
  totalSteps: number,
): string {
  return sha256(
    stableStringify({
      texts: ds.texts.length,
      examples: ds.anchor.length,
      sources: ds.sources,
      vocab: model.tokenizer.vocabSize,
      d: model.dimensions,
      loss: loss.config(),
      batch: o.batchSize,
      seed: o.seed,
      totalSteps,
    }),
  );
}

/** Puts the checkpoint's table and token weights into the model and returns its state. */
function restoreCheckpoint(
  model: StaticModel,
  ckpt: Checkpoint,
  fingerprint: string,
  outDir: string,
): TrainState {
  if (ckpt.state.fingerprint !== fingerprint) {
    throw new UsageError(
      `${outDir} holds a checkpoint from different settings (data, model, loss, batch, seed or steps); use another --out or --restart`,
    );
  }
  model.table.set(ckpt.table);
  if (model.weights && ckpt.weights) model.weights.set(ckpt.weights);
  return ckpt.state;
}

function freshState(totalSteps: number, sampler: BatchSampler, fingerprint: string): TrainState {
  return {
    step: 0,
    totalSteps,
    sampler: sampler.state(),
    bestScore: null,
    bestStep: null,
    history: [],
    fingerprint,
    elapsedSec: 0,
  };
}

/** Logs the memory estimate, tokenises every text once and builds the runner (with the checkpoint's Adam). */
function stepRunner(
  model: StaticModel,
  ds: Dataset,
  o: ResolvedTrainOptions,
  loss: EmbeddingLoss,
  reporter: Reporter,
  ckpt: Checkpoint | null,
): StepRunner {
  const d = model.dimensions;
  const mem = estimateMemory(model.tokenizer.vocabSize, d, o.batchSize, 32, o.matryoshkaDims ?? [d]);
  reporter.info(
    `memory estimate: ${(mem.params / 2 ** 20).toFixed(0)} MiB parameters + Adam state, ${(mem.activations / 2 ** 20).toFixed(0)} MiB per step (batch ${o.batchSize})`,
  );
  const tokens = tokenizeTexts(model, ds.texts);
  if (tokens.truncated > 0)
    reporter.warn(
      `truncated ${tokens.truncated} of ${ds.texts.length} training texts to ${model.maxLength} tokens`,
    );
  const runner = new StepRunner(
    model,
    ds,
    tokens,
    loss,
    o.clipNorm,
    { weightDecay: o.weightDecay },
    ckpt ? { table: ckpt.adam, weights: ckpt.weightAdam } : undefined,
  );
  reporter.debug(`table backend: ${runner.backend.name}`);
  return runner;
}

/** The reporter's progress bar, or none when the caller draws its own progress (`onStep`). */
function startProgress(
  o: ResolvedTrainOptions,
  reporter: Reporter,
  step: number,
  totalSteps: number,
): Progress {
  const progress = o.onStep
    ? { tick() {}, update() {}, done(_s?: string) {} }
    : reporter.progress('train', { total: totalSteps, unit: 'steps' });
  progress.update(step, totalSteps);
  return progress;
}
