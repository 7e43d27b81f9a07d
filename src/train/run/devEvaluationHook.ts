import { join } from 'node:path';
import { saveModelAtomically } from '../../model/formats/saveModelAtomically.js';
import type { TrainRun } from './types.js';

/**
 * Runs the caller's dev metric on the current model (table synced first) and, when it beats the best so
 * far, records it in the state and saves the model as `outDir/best`. Without `evaluate`, gives undefined.
 */
export function devEvaluationHook(run: TrainRun): () => Promise<number | undefined> {
  const { model, runner, state, o } = run;
  return async () => {
    if (!o.evaluate) return undefined;
    runner.backend.sync();
    const score = await o.evaluate(model);
    if (state.bestScore === null || score > state.bestScore) {
      state.bestScore = score;
      state.bestStep = state.step;
      await saveModelAtomically(model, join(o.outDir, 'best'));
      run.reporter.debug(`new best dev score ${score.toFixed(4)} at step ${state.step}`);
    }
    return score;
  };
}
