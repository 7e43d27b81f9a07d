import type { StaticModel } from '../../model/StaticModel.js';
import type { Progress, Reporter } from '../../util/Reporter.js';
import type { TrainState } from '../checkpoint.js';
import type { CurvePoint } from '../curves.js';
import type { BatchSampler } from '../data/BatchSampler.js';
import type { Dataset } from '../data/Dataset.js';
import type { EmbeddingLoss } from '../loss/types.js';
import type { ResolvedTrainOptions } from '../options.js';
import type { StepRunner } from '../StepRunner.js';

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

/** One training call's moving parts, set up by `prepareRun` and shared by the loop and its hooks. */
export interface TrainRun {
  readonly model: StaticModel;
  readonly ds: Dataset;
  readonly o: ResolvedTrainOptions;
  readonly reporter: Reporter;
  readonly loss: EmbeddingLoss;
  readonly totalSteps: number;
  /** Mutated as the run goes; what a checkpoint saves. */
  readonly state: TrainState;
  readonly sampler: BatchSampler;
  readonly runner: StepRunner;
  /** Whether this call continued from a checkpoint. */
  readonly resumed: boolean;
  /** The step this call started at (0, or the checkpoint's). */
  readonly startStep: number;
  readonly progress: Progress;
  /** Seconds since this call's loop started. */
  seconds(): number;
  /** Seconds of training over all calls (the checkpoint's plus this call's). */
  elapsedSec(): number;
}

/** What the loop calls besides the optimiser step. */
export interface RunHooks {
  /** Writes the checkpoint (state, table, weights, Adam moments), syncing the model's table first. */
  checkpoint(): Promise<void>;
  /** The dev score at the current step (saving `best/` when it improves), or undefined without `evaluate`. */
  evaluate(): Promise<number | undefined>;
}
