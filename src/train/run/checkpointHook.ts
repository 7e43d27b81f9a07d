import { saveCheckpoint } from '../checkpoint.js';
import type { TrainRun } from './types.js';

/**
 * Writes the run's checkpoint: the backend's table synced into the model first, then the sampler position,
 * the elapsed time, the table, token weights and Adam moments (atomically, see `saveCheckpoint`).
 */
export function checkpointHook(run: TrainRun): () => Promise<void> {
  const { model, runner, state, sampler } = run;
  return async () => {
    runner.backend.sync();
    state.sampler = sampler.state();
    state.elapsedSec = run.elapsedSec();
    const adam = runner.backend.adamState();
    await saveCheckpoint(
      run.o.outDir,
      { state, table: model.table, weights: model.weights, adam: adam.table, weightAdam: adam.weights },
      model.dimensions,
    );
  };
}
