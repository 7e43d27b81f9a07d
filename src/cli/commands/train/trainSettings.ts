import { existsSync } from 'node:fs';
import { UsageError } from '../../../errors/UsageError.js';
import { SELF_SUPERVISED_MODES, type SelfSupervisedMode } from '../../../train/data/types.js';
import { resolveTrainOptions, type TrainOptions } from '../../../train/options.js';
import { parsePositiveInt, parsePositiveIntList } from '../../context.js';
import { parseNumber } from '../fret/resources.js';
import { parseNumberList, parsePositiveNumber } from './dataSpec.js';
import type { TrainArgs } from './flags.js';

/** What `gecko train`'s flags ask for, checked: the trainer's options and how to read data and start a model. */
export interface TrainSettings {
  options: TrainOptions;
  seed: number;
  stsThreshold: number;
  selfSupervised: SelfSupervisedMode[];
  maxLength: number | undefined;
  /** A new model's dimension; undefined with `--model`. */
  dim: number | undefined;
  limit: number | undefined;
}

/**
 * Checks every flag and maps them onto `TrainOptions`, before any data is read, so a bad value fails at once
 * and names its flag (a typo must not wait for a big file). The checks run in a fixed order: the first bad
 * flag is the one reported.
 *
 * @throws {UsageError} naming the flag.
 */
export function trainSettingsFromArgs(a: TrainArgs): TrainSettings {
  const seed = parsePositiveInt('--seed', a.seed);
  const stsThreshold = parseNumber('--sts-threshold', a.stsThreshold);
  const warmupRatio = parseNumber('--warmup-ratio', a.warmupRatio, 0);
  if (warmupRatio >= 1) throw new UsageError(`--warmup-ratio must be below 1, got "${a.warmupRatio}"`);
  const weightDecay = parseNumber('--weight-decay', a.weightDecay, 0);
  const clipNorm = parseNumber('--clip', a.clip, 0);
  const maxLength = a.maxLength ? parsePositiveInt('--max-length', a.maxLength) : undefined;
  const selfSupervised = parseModes(a.selfSupervised);
  const dim = a.model ? undefined : parsePositiveInt('--dim', a.dim);
  if (!a.model && !a.tokenizer && !a.vocab)
    throw new UsageError(
      'give --model to continue training a model, or --tokenizer / --vocab to start a new one',
    );
  if (!a.model && a.tokenizer && !existsSync(a.tokenizer))
    throw new UsageError(`--tokenizer ${a.tokenizer} does not exist`);
  const limit = a.limit ? parsePositiveInt('--limit', a.limit) : undefined;
  const dims = a.matryoshka ? parsePositiveIntList('--matryoshka', a.matryoshka) : undefined;
  const big = dim === undefined ? undefined : dims?.find((d) => d > dim);
  if (big !== undefined)
    throw new UsageError(`--matryoshka ${big} is larger than the model dimension --dim ${dim}`);
  const options = trainOptionsFromArgs(a, { seed, warmupRatio, weightDecay, clipNorm, dims });
  // The trainer's own range checks (batch size, warm-up ratio), also before the data.
  resolveTrainOptions(options);
  return { options, seed, stsThreshold, selfSupervised, maxLength, dim, limit };
}

/** The flags as `TrainOptions` (the ones checked above passed in, the others parsed here in flag order). */
function trainOptionsFromArgs(
  a: TrainArgs,
  checked: {
    seed: number;
    warmupRatio: number;
    weightDecay: number;
    clipNorm: number;
    dims: number[] | undefined;
  },
): TrainOptions {
  const { seed, warmupRatio, weightDecay, clipNorm, dims } = checked;
  return {
    outDir: a.out,
    ...(a.steps ? { steps: parsePositiveInt('--steps', a.steps) } : {}),
    epochs: parsePositiveNumber('--epochs', a.epochs),
    batchSize: parsePositiveInt('--batch-size', a.batchSize),
    lr: parsePositiveNumber('--lr', a.lr),
    warmupRatio,
    decay: a.decay,
    weightDecay,
    clipNorm,
    temperature: parsePositiveNumber('--temperature', a.temperature),
    sameTower: a.sameTower && !a.preFinetune,
    hardNegatives: a.hardNegatives && !a.preFinetune,
    ...(dims ? { matryoshkaDims: dims } : {}),
    ...(a.matryoshkaWeights
      ? { matryoshkaWeights: parseNumberList('--matryoshka-weights', a.matryoshkaWeights) }
      : {}),
    taskSampling: a.taskSampling,
    seed,
    evalEvery: parsePositiveInt('--eval-every', a.evalEvery),
    checkpointEvery: parsePositiveInt('--checkpoint-every', a.checkpointEvery),
    resume: !a.restart,
    ...(a.stopAfter ? { stopAfter: parsePositiveInt('--stop-after', a.stopAfter) } : {}),
  };
}

function parseModes(value: string): SelfSupervisedMode[] {
  const modes = value.split(',').map((m) => m.trim());
  for (const m of modes) {
    if (!(SELF_SUPERVISED_MODES as readonly string[]).includes(m)) {
      throw new UsageError(
        `--self-supervised: unknown mode "${m}"; expected a comma-separated list of ${SELF_SUPERVISED_MODES.join(', ')}`,
      );
    }
  }
  return modes as SelfSupervisedMode[];
}
