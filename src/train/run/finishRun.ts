import { join } from 'node:path';
import { saveModelAtomically } from '../../model/formats/saveModelAtomically.js';
import { writeCurves } from '../curves.js';
import type { RunHooks, TrainResult, TrainRun } from './types.js';

/**
 * After the loop: the training settings into the model's config, the final checkpoint and curves, the
 * model as `outDir/model` (unless the run stopped early), and the summary line on the progress display.
 */
export async function finishRun(run: TrainRun, hooks: RunHooks, stopped: boolean): Promise<TrainResult> {
  const { model, o, state, totalSteps } = run;
  model.config.training = {
    steps: state.step,
    batchSize: o.batchSize,
    lr: o.lr,
    seed: o.seed,
    loss: run.loss.config(),
    sources: run.ds.sources,
    bestDev: state.bestScore,
  };
  if (o.matryoshkaDims) model.config.matryoshkaDims = o.matryoshkaDims;
  await hooks.checkpoint(); // also syncs the model's table
  await writeCurves(o.outDir, state.history, `gecko train: ${state.step} steps`);
  if (!stopped) await saveModelAtomically(model, join(o.outDir, 'model'));
  const alreadyFinished = run.resumed && run.startStep >= totalSteps;
  // Checkpoints written before lastLoss was kept give the mean loss of the last logged window instead.
  const finalLoss = state.lastLoss ?? state.history.at(-1)?.loss ?? Number.NaN;
  const best =
    state.bestScore !== null ? `, best dev ${state.bestScore.toFixed(4)} at step ${state.bestStep}` : '';
  run.progress.done(
    stopped
      ? `stopped at step ${state.step} of ${totalSteps}; run again to resume`
      : `${alreadyFinished ? 'already trained' : 'trained'} ${state.step} steps, last loss ${finalLoss.toFixed(4)}${best}`,
  );
  return {
    steps: state.step,
    finalLoss,
    bestScore: state.bestScore,
    bestStep: state.bestStep,
    resumed: run.resumed,
    alreadyFinished,
    stopped,
    history: state.history,
    seconds: run.seconds(),
  };
}
