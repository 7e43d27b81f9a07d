import type { CurvePoint } from '../curves.js';
import { writeCurves } from '../curves.js';
import { learningRate } from '../optim/schedule.js';
import type { StepResult } from '../StepRunner.js';
import type { RunHooks, TrainRun } from './types.js';

/** The steps since the last logged point: their count, texts, summed loss and the latest loss parts. */
class LogWindow {
  private start = performance.now();
  private steps = 0;
  private texts = 0;
  private lossSum = 0;
  private parts: Record<string, number> = {};

  add(r: StepResult): void {
    this.steps++;
    this.texts += r.texts;
    this.lossSum += r.loss;
    this.parts = r.parts;
  }

  /** The curve point at `step`, and the texts per second, then starts a new window. */
  close(step: number, epoch: number, lr: number): { point: CurvePoint; textsPerSec: number } {
    const secs = (performance.now() - this.start) / 1000;
    const point: CurvePoint = {
      step,
      epoch,
      lr,
      loss: this.lossSum / this.steps,
      stepsPerSec: this.steps / Math.max(secs, 1e-9),
      parts: this.parts,
    };
    const textsPerSec = this.texts / Math.max(secs, 1e-9);
    return { point, textsPerSec };
  }

  reset(): void {
    this.start = performance.now();
    this.steps = 0;
    this.texts = 0;
    this.lossSum = 0;
  }
}

/**
 * The optimisation loop from the state's step to the last: one step per batch, a curve point (with the
 * dev score when due) every `logEvery` steps, a checkpoint and the curves every `checkpointEvery` steps.
 * Gives true when it stopped early because of `stopAfter` (the caller writes the final checkpoint).
 */
export async function runSteps(run: TrainRun, hooks: RunHooks): Promise<boolean> {
  const { o, state, totalSteps } = run;
  const warmupSteps = Math.round(o.warmupRatio * totalSteps);
  const window = new LogWindow();
  while (state.step < totalSteps) {
    o.signal?.throwIfAborted();
    const lr = learningRate(state.step, { lr: o.lr, warmupSteps, decay: o.decay, totalSteps });
    const r = run.runner.step(run.sampler.next(), lr, o.hardNegatives);
    state.step++;
    window.add(r);
    state.lastLoss = r.loss;
    const isEval = o.evaluate !== undefined && (state.step % o.evalEvery === 0 || state.step === totalSteps);
    if (state.step % o.logEvery === 0 || isEval || state.step === totalSteps) {
      await logPoint(run, hooks, window, lr, isEval);
      // Let signals and timers run between steps.
      await new Promise((res) => setImmediate(res));
    }
    if (state.step % o.checkpointEvery === 0 && state.step < totalSteps) {
      await hooks.checkpoint();
      await writeCurves(o.outDir, state.history);
    }
    if (o.stopAfter !== undefined && state.step - run.startStep >= o.stopAfter && state.step < totalSteps)
      return true;
  }
  return false;
}

/** Closes the window into a curve point (evaluating first when due) and tells `onStep` and the progress. */
async function logPoint(
  run: TrainRun,
  hooks: RunHooks,
  window: LogWindow,
  lr: number,
  isEval: boolean,
): Promise<void> {
  const { state, totalSteps } = run;
  const { point, textsPerSec } = window.close(state.step, run.sampler.epochProgress, lr);
  if (isEval) point.dev = await hooks.evaluate();
  state.history.push(point);
  run.o.onStep?.({
    step: state.step,
    totalSteps,
    epoch: point.epoch,
    loss: point.loss,
    lr,
    stepsPerSec: point.stepsPerSec,
    textsPerSec,
    ...(point.dev !== undefined ? { dev: point.dev } : {}),
  });
  run.progress.update(state.step);
  window.reset();
}
