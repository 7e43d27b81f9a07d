import { UsageError } from '../errors/UsageError.js';
import type { StaticModel } from '../model/StaticModel.js';
import type { Reporter } from '../util/Reporter.js';
import type { EmbeddingLoss } from './loss/types.js';
import type { DecaySchedule } from './optim/schedule.js';

/** Progress of a running training, passed to `onStep` after each logged step. */
export interface StepInfo {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  lr: number;
  stepsPerSec: number;
  textsPerSec: number;
  dev?: number;
}

export interface TrainOptions {
  /** Output folder: checkpoint, best and final model, curves. */
  outDir: string;
  /** Total optimisation steps; overrides `epochs`. */
  steps?: number;
  /** Passes over the mixture (used when `steps` is not given). @default 1 */
  epochs?: number;
  /** Examples per batch (each has an anchor, a positive and maybe a hard negative). @default 256 */
  batchSize?: number;
  /** Peak learning rate. @default 0.05 */
  lr?: number;
  /** Warm-up as a fraction of the total steps. @default 0.05 */
  warmupRatio?: number;
  /** @default 'linear' */
  decay?: DecaySchedule;
  /** AdamW decoupled weight decay (0 = Adam). @default 0 */
  weightDecay?: number;
  /** Global gradient-norm clip (0 = off). @default 1 */
  clipNorm?: number;
  /** Softmax temperature. @default 0.05 */
  temperature?: number;
  /** Same-tower negatives (Gecko Eq. 3). @default true */
  sameTower?: boolean;
  /** Each example's own hard negative. @default true */
  hardNegatives?: boolean;
  /**
   * The loss, computed on pooled embeddings (see `EmbeddingLoss`; start from `src/train/loss/GeckoLoss.ts`).
   * `matryoshkaDims` still wraps it. `temperature` and `sameTower` set up the default loss, so they cannot be
   * given with it; `hardNegatives` still decides whether batches carry hard negatives. Its `config()` is
   * part of the checkpoint fingerprint and of the model's training record.
   * @default Gecko's loss (Eq. 3): `new GeckoLoss({ temperature, sameTower, hardNegatives })`
   */
  loss?: EmbeddingLoss;
  /** Matryoshka dimensions (each <= the model dimension). @default [model dimension] */
  matryoshkaDims?: number[];
  /** One weight per Matryoshka dimension. @default all 1 */
  matryoshkaWeights?: number[];
  /** @default 'proportional' */
  taskSampling?: 'proportional' | 'uniform';
  /** Seeds data order (model initialisation is seeded where the model is created). @default 42 */
  seed?: number;
  /** Dev metric, higher is better; run every `evalEvery` steps and at the end. */
  evaluate?: (model: StaticModel) => Promise<number> | number;
  /** @default 500 */
  evalEvery?: number;
  /** @default 1000 */
  checkpointEvery?: number;
  /** Steps between curve points and `onStep` calls. @default 10 */
  logEvery?: number;
  /** Continue from `outDir`'s checkpoint when there is one. @default true */
  resume?: boolean;
  /** Stop (after writing a checkpoint) after this many steps in this process; for tests of kill/resume. */
  stopAfter?: number;
  reporter?: Reporter;
  onStep?: (info: StepInfo) => void;
  signal?: AbortSignal;
}

export const DEFAULT_TRAIN = {
  epochs: 1,
  batchSize: 256,
  lr: 0.05,
  warmupRatio: 0.05,
  decay: 'linear' as DecaySchedule,
  weightDecay: 0,
  clipNorm: 1,
  temperature: 0.05,
  sameTower: true,
  hardNegatives: true,
  taskSampling: 'proportional' as const,
  seed: 42,
  evalEvery: 500,
  checkpointEvery: 1000,
  logEvery: 10,
  resume: true,
};

/** The largest batch the trainer accepts (similarity matrices grow with its square). */
export const MAX_BATCH_SIZE = 4096;

export type ResolvedTrainOptions = Omit<TrainOptions, keyof typeof DEFAULT_TRAIN> & typeof DEFAULT_TRAIN;

/** Fills defaults and validates, in one place. @throws {UsageError} on out-of-range values. */
export function resolveTrainOptions(o: TrainOptions): ResolvedTrainOptions {
  const r = {
    ...DEFAULT_TRAIN,
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
  } as ResolvedTrainOptions;
  if (!Number.isInteger(r.batchSize) || r.batchSize < 2 || r.batchSize > MAX_BATCH_SIZE) {
    throw new UsageError(`batch size must be an integer from 2 to ${MAX_BATCH_SIZE}, got ${r.batchSize}`);
  }
  if (r.steps !== undefined && (!Number.isInteger(r.steps) || r.steps <= 0))
    throw new UsageError(`steps must be a positive integer, got ${r.steps}`);
  if (!(r.epochs > 0)) throw new UsageError(`epochs must be > 0, got ${r.epochs}`);
  if (!(r.lr > 0)) throw new UsageError(`learning rate must be > 0, got ${r.lr}`);
  if (!(r.warmupRatio >= 0 && r.warmupRatio < 1))
    throw new UsageError(`warmup ratio must be in [0, 1), got ${r.warmupRatio}`);
  if (!(r.temperature > 0)) throw new UsageError(`temperature must be > 0, got ${r.temperature}`);
  if (o.loss !== undefined) checkLoss(o);
  return r;
}

function checkLoss(o: TrainOptions): void {
  const loss = o.loss as Partial<EmbeddingLoss> | null;
  if (typeof loss?.compute !== 'function' || typeof loss.config !== 'function')
    throw new UsageError('loss must be an EmbeddingLoss: an object with compute(batch) and config()');
  const set = (['temperature', 'sameTower'] as const).filter((k) => o[k] !== undefined);
  if (set.length > 0) {
    throw new UsageError(
      `${set.join(' and ')} configure${set.length === 1 ? 's' : ''} the default Gecko loss and cannot be combined with loss; set ${set.length === 1 ? 'it' : 'them'} on the loss instead`,
    );
  }
}

/**
 * Bytes the run needs: the table and its two Adam moments (plus token weights), and per step the pooled
 * batch, its gradients, the similarity matrix and its gradient, and the touched-row gradients.
 */
export function estimateMemory(
  vocab: number,
  dim: number,
  batch: number,
  tokensPerText = 32,
  dims: number[] = [dim],
) {
  const params = vocab * dim * 4 * 3 + vocab * 4 * 3;
  const texts = 3 * batch;
  const cols = 2 * batch;
  const perDim = dims.reduce((a, m) => a + (texts * m * 4 * 4 + batch * cols * 4 * 3 + cols * m * 4 * 2), 0);
  const rows = Math.min(vocab, texts * tokensPerText) * dim * 4;
  const activations = texts * dim * 4 * 3 + perDim + rows + texts * tokensPerText * 4;
  return { params, activations, total: params + activations };
}
