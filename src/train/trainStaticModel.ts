import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors/UsageError.js';
import { saveStaticModel } from '../model/formats/saveStaticModel.js';
import type { StaticModel } from '../model/StaticModel.js';
import { sha256, stableStringify } from '../util/hash.js';
import { silentReporter } from '../util/Reporter.js';
import { loadCheckpoint, saveCheckpoint, type TrainState } from './checkpoint.js';
import { type CurvePoint, writeCurves } from './curves.js';
import { BatchSampler } from './data/BatchSampler.js';
import type { Dataset } from './data/Dataset.js';
import { GeckoLoss } from './loss/GeckoLoss.js';
import { matryoshka } from './loss/matryoshka.js';
import type { EmbeddingLoss } from './loss/types.js';
import { learningRate } from './optim/schedule.js';
import {
  estimateMemory,
  type ResolvedTrainOptions,
  resolveTrainOptions,
  type TrainOptions,
} from './options.js';
import { StepRunner, tokenizeTexts } from './StepRunner.js';

export interface TrainResult {
  steps: number;
  finalLoss: number;
  bestScore: number | null;
  bestStep: number | null;
  /** Whether this call continued from a checkpoint. */
  resumed: boolean;
  /** True when the checkpoint had already reached the last step: nothing was trained, `finalLoss` is its loss. */
  alreadyFinished: boolean;
  /** True when the run stopped early (`stopAfter` or abort) with a checkpoint written. */
  stopped: boolean;
  history: CurvePoint[];
  seconds: number;
}

/** The loss a run uses: Gecko Eq. 3 with the switches, under Matryoshka when more than one dimension. */
export function buildLoss(o: ResolvedTrainOptions, dim: number): EmbeddingLoss {
  const inner = new GeckoLoss({
    temperature: o.temperature,
    sameTower: o.sameTower,
    hardNegatives: o.hardNegatives,
  });
  const dims = o.matryoshkaDims ?? [dim];
  if (dims.length === 1 && dims[0] === dim && !o.matryoshkaWeights) return inner;
  return matryoshka(inner, { dims, ...(o.matryoshkaWeights ? { weights: o.matryoshkaWeights } : {}) });
}

/**
 * Trains a static model in place on a dataset with Gecko's loss: seeded batches without duplicate texts,
 * lazy Adam(W) with warm-up and decay, clipping, periodic dev evaluation keeping the best model
 * (`outDir/best`), atomic checkpoints every `checkpointEvery` steps (`outDir/checkpoint.safetensors`) from
 * which a killed run resumes exactly, the final model (`outDir/model`) and curves (`curves.csv`, `.svg`).
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
  const o = resolveTrainOptions(options);
  const reporter = o.reporter ?? silentReporter;
  const d = model.dimensions;
  await mkdir(o.outDir, { recursive: true });
  const loss = buildLoss(o, d);
  const samplerOptions = { batchSize: o.batchSize, seed: o.seed, taskSampling: o.taskSampling };
  const sampler0 = new BatchSampler(ds, samplerOptions);
  const totalSteps = o.steps ?? Math.max(1, Math.ceil((o.epochs * sampler0.epochSize) / o.batchSize));
  const fingerprint = sha256(
    stableStringify({
      texts: ds.texts.length,
      examples: ds.anchor.length,
      sources: ds.sources,
      vocab: model.tokenizer.vocabSize,
      d,
      loss: loss.config(),
      batch: o.batchSize,
      seed: o.seed,
      totalSteps,
    }),
  );

  const ckpt = o.resume ? await loadCheckpoint(o.outDir) : null;
  let state: TrainState;
  if (ckpt) {
    if (ckpt.state.fingerprint !== fingerprint) {
      throw new UsageError(
        `${o.outDir} holds a checkpoint from different settings (data, model, loss, batch, seed or steps); use another --out or --restart`,
      );
    }
    model.table.set(ckpt.table);
    if (model.weights && ckpt.weights) model.weights.set(ckpt.weights);
    state = ckpt.state;
    reporter.info(`resuming from step ${state.step} of ${totalSteps}`);
  } else {
    state = {
      step: 0,
      totalSteps,
      sampler: sampler0.state(),
      bestScore: null,
      bestStep: null,
      history: [],
      fingerprint,
      elapsedSec: 0,
    };
  }
  const sampler = ckpt ? new BatchSampler(ds, samplerOptions, state.sampler) : sampler0;

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

  const warmupSteps = Math.round(o.warmupRatio * totalSteps);
  // A caller that draws its own progress (onStep) gets no second bar from the reporter.
  const progress = o.onStep
    ? { tick() {}, update() {}, done(_s?: string) {} }
    : reporter.progress('train', { total: totalSteps, unit: 'steps' });
  progress.update(state.step, totalSteps);
  const t0 = performance.now();
  const startStep = state.step;
  const baseElapsed = state.elapsedSec;
  let windowStart = performance.now();
  let windowSteps = 0;
  let windowTexts = 0;
  let lossSum = 0;
  let parts: Record<string, number> = {};
  let stopped = false;

  const checkpoint = async (): Promise<void> => {
    runner.backend.sync();
    state.sampler = sampler.state();
    state.elapsedSec = baseElapsed + (performance.now() - t0) / 1000;
    const adam = runner.backend.adamState();
    await saveCheckpoint(
      o.outDir,
      { state, table: model.table, weights: model.weights, adam: adam.table, weightAdam: adam.weights },
      d,
    );
  };
  const evaluate = async (): Promise<number | undefined> => {
    if (!o.evaluate) return undefined;
    runner.backend.sync();
    const score = await o.evaluate(model);
    if (state.bestScore === null || score > state.bestScore) {
      state.bestScore = score;
      state.bestStep = state.step;
      await saveModelAtomically(model, join(o.outDir, 'best'));
      reporter.debug(`new best dev score ${score.toFixed(4)} at step ${state.step}`);
    }
    return score;
  };

  while (state.step < totalSteps) {
    o.signal?.throwIfAborted();
    const lr = learningRate(state.step, { lr: o.lr, warmupSteps, decay: o.decay, totalSteps });
    const r = runner.step(sampler.next(), lr, o.hardNegatives);
    state.step++;
    windowSteps++;
    windowTexts += r.texts;
    lossSum += r.loss;
    state.lastLoss = r.loss;
    parts = r.parts;
    const isEval = o.evaluate !== undefined && (state.step % o.evalEvery === 0 || state.step === totalSteps);
    if (state.step % o.logEvery === 0 || isEval || state.step === totalSteps) {
      const secs = (performance.now() - windowStart) / 1000;
      const point: CurvePoint = {
        step: state.step,
        epoch: sampler.epochProgress,
        lr,
        loss: lossSum / windowSteps,
        stepsPerSec: windowSteps / Math.max(secs, 1e-9),
        parts,
      };
      const textsPerSec = windowTexts / Math.max(secs, 1e-9);
      if (isEval) point.dev = await evaluate();
      state.history.push(point);
      o.onStep?.({
        step: state.step,
        totalSteps,
        epoch: point.epoch,
        loss: point.loss,
        lr,
        stepsPerSec: point.stepsPerSec,
        textsPerSec,
        ...(point.dev !== undefined ? { dev: point.dev } : {}),
      });
      progress.update(state.step);
      windowStart = performance.now();
      windowSteps = 0;
      windowTexts = 0;
      lossSum = 0;
      // Let signals and timers run between steps.
      await new Promise((res) => setImmediate(res));
    }
    if (state.step % o.checkpointEvery === 0 && state.step < totalSteps) {
      await checkpoint();
      await writeCurves(o.outDir, state.history);
    }
    if (o.stopAfter !== undefined && state.step - startStep >= o.stopAfter && state.step < totalSteps) {
      stopped = true;
      break;
    }
  }
  model.config.training = {
    steps: state.step,
    batchSize: o.batchSize,
    lr: o.lr,
    seed: o.seed,
    loss: loss.config(),
    sources: ds.sources,
    bestDev: state.bestScore,
  };
  if (o.matryoshkaDims) model.config.matryoshkaDims = o.matryoshkaDims;
  await checkpoint(); // also syncs the model's table
  await writeCurves(o.outDir, state.history, `gecko train: ${state.step} steps`);
  if (!stopped) await saveModelAtomically(model, join(o.outDir, 'model'));
  const alreadyFinished = ckpt !== null && startStep >= totalSteps;
  // Checkpoints written before lastLoss was kept give the mean loss of the last logged window instead.
  const finalLoss = state.lastLoss ?? state.history.at(-1)?.loss ?? Number.NaN;
  const best =
    state.bestScore !== null ? `, best dev ${state.bestScore.toFixed(4)} at step ${state.bestStep}` : '';
  progress.done(
    stopped
      ? `stopped at step ${state.step} of ${totalSteps}; run again to resume`
      : `${alreadyFinished ? 'already trained' : 'trained'} ${state.step} steps, last loss ${finalLoss.toFixed(4)}${best}`,
  );
  return {
    steps: state.step,
    finalLoss,
    bestScore: state.bestScore,
    bestStep: state.bestStep,
    resumed: ckpt !== null,
    alreadyFinished,
    stopped,
    history: state.history,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Saves into a temporary sibling folder, then swaps it in, so `dir` is never half-written. */
async function saveModelAtomically(model: StaticModel, dir: string): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await saveStaticModel(model, tmp);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}
