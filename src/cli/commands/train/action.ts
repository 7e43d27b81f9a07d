import { join } from 'node:path';
import type { Command } from 'commander';
import { buildDataset } from '../../../train/data/Dataset.js';
import { readSource } from '../../../train/data/readers.js';
import { devEvaluatorFromSpec } from '../../../train/devEvaluators.js';
import type { TrainResult } from '../../../train/trainStaticModel.js';
import { trainStaticModel } from '../../../train/trainStaticModel.js';
import { contextFrom } from '../../context.js';
import { parseDataSpec } from './dataSpec.js';
import type { TrainArgs } from './flags.js';
import { initialModel } from './initialModel.js';
import { trainProgress } from './progress.js';
import { type TrainSettings, trainSettingsFromArgs } from './trainSettings.js';

/**
 * `gecko train`'s action: checks the flags, reads and mixes the data, builds or loads the model, trains
 * (Ctrl-C stops at the next step, leaving the last checkpoint) and prints the result.
 */
export async function trainAction(a: TrainArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const settings = trainSettingsFromArgs(a);
  const ds = readData(a, settings);
  const model = await initialModel(
    a,
    settings.seed,
    settings.dim,
    settings.maxLength,
    ctx.reporter,
    ds.texts,
  );
  for (const s of ds.sources)
    ctx.reporter.info(`data: ${s.name} (${s.kind}, weight ${s.weight}): ${s.count} examples`);
  ctx.reporter.info(
    `data: ${ds.anchor.length} examples, ${ds.texts.length} distinct texts, tasks: ${ds.taskNames.join(', ')}`,
  );
  const progress = trainProgress(ctx.verbosity === 'quiet');
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await trainStaticModel(model, ds, {
      ...settings.options,
      ...(a.dev ? { evaluate: devEvaluatorFromSpec(a.dev) } : {}),
      reporter: ctx.reporter,
      onStep: progress.onStep,
      signal: abort.signal,
    });
    progress.stop();
    ctx.print({ ...result, history: undefined, out: a.out }, () => summary(result, a.out));
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
  }
}

/** Every `--data` source, read with the checked flags, mixed into one dataset. */
function readData(a: TrainArgs, s: TrainSettings) {
  const sources = a.data.map((spec) =>
    readSource(
      {
        ...parseDataSpec(spec),
        threshold: s.stsThreshold,
        selfSupervised: s.selfSupervised,
        format: a.pairFormat,
        ...(s.limit ? { limit: s.limit } : {}),
      },
      s.seed,
    ),
  );
  return buildDataset(sources);
}

/** The text printed after a run: stopped, already finished, or trained (with where the files are). */
function summary(result: TrainResult, out: string): string {
  const best =
    result.bestScore !== null ? `, best dev ${result.bestScore.toFixed(4)} at step ${result.bestStep}` : '';
  if (result.stopped)
    return `stopped at step ${result.steps}; checkpoint in ${out} (run the same command to resume)`;
  if (result.alreadyFinished)
    return (
      `already finished: ${result.steps} of ${result.steps} steps, final loss ${result.finalLoss.toFixed(4)}` +
      `${best}; nothing left to train (checkpoint in ${out}; --restart trains again)\nmodel: ${join(out, 'model')}`
    );
  return (
    `trained ${result.steps} steps in ${result.seconds.toFixed(1)}s, final loss ${result.finalLoss.toFixed(4)}` +
    `${best}\nmodel: ${join(out, 'model')}${result.bestScore !== null ? `, best: ${join(out, 'best')}` : ''}; curves: ${join(out, 'curves.csv')}, ${join(out, 'curves.svg')}`
  );
}
