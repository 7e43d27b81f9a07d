import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/UsageError.js';
import {
  type EmbeddingLoss,
  GeckoLoss,
  type LossBatch,
  type LossResult,
  StaticModel,
  type TrainOptions,
  trainStaticModel,
} from '../../../src/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { bertTokenizer } from '../model/fixtures.js';
import { stsTriplets } from './fixtures.js';

const D = 16;

/** Wraps a loss, keeping the shape of every batch it is given. */
function recording(inner: (batch: LossBatch) => LossResult, name: string) {
  const seen: { rows: number; dim: number; negatives: boolean }[] = [];
  const loss: EmbeddingLoss = {
    config: () => ({ name }),
    compute(batch) {
      seen.push({ rows: batch.rows, dim: batch.dim, negatives: batch.negatives !== null });
      return inner(batch);
    },
  };
  return { loss, seen };
}

/** A loss of 0.5 whatever the batch, with a zero gradient. */
function flat(batch: LossBatch): LossResult {
  const n = batch.rows * batch.dim;
  return {
    loss: 0.5,
    grad: {
      anchors: new Float32Array(n),
      positives: new Float32Array(n),
      negatives: batch.negatives ? new Float32Array(n) : null,
    },
    parts: { flat: 0.5 },
  };
}

/** Mean squared distance between each anchor and its positive (no negatives): a simple alternative. */
function pull(batch: LossBatch): LossResult {
  const { rows, dim, anchors, positives } = batch;
  const ga = new Float32Array(rows * dim);
  const gp = new Float32Array(rows * dim);
  let loss = 0;
  for (let i = 0; i < rows * dim; i++) {
    const diff = anchors[i]! - positives[i]!;
    loss += (diff * diff) / rows;
    ga[i] = (2 * diff) / rows;
    gp[i] = (-2 * diff) / rows;
  }
  return { loss, grad: { anchors: ga, positives: gp, negatives: null }, parts: {} };
}

/** The loss settings the trainer recorded in the model's config. */
const trainedLoss = (model: StaticModel): unknown => (model.config.training as { loss?: unknown }).loss;

describe('TrainOptions.loss', () => {
  const tok = bertTokenizer();
  const ds = stsTriplets(64, 5);
  const base = (outDir: string): TrainOptions => ({ outDir, steps: 6, batchSize: 16, logEvery: 2 });
  const train = async (options: TrainOptions, seed = 3) => {
    const model = StaticModel.create(tok, D, { seed });
    const result = await trainStaticModel(model, ds, options);
    return { model, result };
  };

  it("defaults to Gecko's loss with the documented settings: same model, record and checkpoint", async () => {
    const dir = tempDir();
    const byDefault = await train(base(dir));
    const explicit = await train({
      ...base(tempDir()),
      loss: new GeckoLoss({ temperature: 0.05, sameTower: true, hardNegatives: true }),
    });
    expect(Array.from(explicit.model.table)).toEqual(Array.from(byDefault.model.table));
    expect(explicit.result.finalLoss).toBe(byDefault.result.finalLoss);
    expect(trainedLoss(byDefault.model)).toEqual({
      name: 'gecko',
      temperature: 0.05,
      sameTower: true,
      hardNegatives: true,
    });
    expect(trainedLoss(explicit.model)).toEqual(trainedLoss(byDefault.model));
    // The explicit loss has the default's fingerprint: it continues the default run's checkpoint.
    const again = await train({ ...base(dir), loss: new GeckoLoss() });
    expect(again.result).toMatchObject({ resumed: true, alreadyFinished: true });
  });

  it('trains with the loss given: a zero gradient leaves the table as it was', async () => {
    const { loss, seen } = recording(flat, 'flat');
    const initial = Array.from(StaticModel.create(tok, D, { seed: 3 }).table);
    const { model, result } = await train({ ...base(tempDir()), loss });
    expect(seen).toHaveLength(6);
    expect(seen[0]).toEqual({ rows: 16, dim: D, negatives: true });
    expect(result.finalLoss).toBe(0.5);
    expect(result.history.map((p) => p.loss)).toEqual([0.5, 0.5, 0.5]);
    expect(result.history[0]!.parts).toEqual({ flat: 0.5 });
    expect(Array.from(model.table)).toEqual(initial);
    expect(trainedLoss(model)).toEqual({ name: 'flat' });
  });

  it('an alternative loss trains a different model and lowers its own loss', async () => {
    const gecko = await train(base(tempDir()));
    const { loss } = recording(pull, 'pull');
    const { model, result } = await train({ ...base(tempDir()), loss, steps: 20, lr: 0.1 });
    expect(Array.from(model.table)).not.toEqual(Array.from(gecko.model.table));
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
  });

  it('Matryoshka wraps the given loss, and hardNegatives still decides what the batches carry', async () => {
    const { loss, seen } = recording(flat, 'flat');
    const { model } = await train({
      ...base(tempDir()),
      steps: 2,
      loss,
      hardNegatives: false,
      matryoshkaDims: [16, 8],
    });
    expect(seen.map((s) => s.dim)).toEqual([16, 8, 16, 8]);
    expect(seen.every((s) => !s.negatives)).toBe(true);
    expect(trainedLoss(model)).toMatchObject({ name: 'matryoshka', inner: { name: 'flat' } });
  });

  it('refuses the default loss settings beside a custom loss, and a loss that is not one', async () => {
    const { loss } = recording(flat, 'flat');
    await expect(train({ ...base(tempDir()), loss, temperature: 0.1 })).rejects.toThrow(
      'temperature configures the default Gecko loss and cannot be combined with loss',
    );
    await expect(train({ ...base(tempDir()), loss, temperature: 0.1, sameTower: false })).rejects.toThrow(
      UsageError,
    );
    const notALoss = { compute: 1 } as unknown as EmbeddingLoss;
    await expect(train({ ...base(tempDir()), loss: notALoss })).rejects.toThrow(
      'loss must be an EmbeddingLoss: an object with compute(batch) and config()',
    );
  });
});
