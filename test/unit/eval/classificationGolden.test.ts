import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Encoder, Matrix } from '../../../src/eval/encoder.js';
import { NumpyRandomState } from '../../../src/eval/metrics/numpyRandom.js';
import {
  evaluateClassification,
  undersampleExperiments,
} from '../../../src/eval/taskTypes/classification.js';
import type { SplitDataOf } from '../../../src/eval/taskTypes/registry.js';
import type { EmbedInput } from '../../../src/model/Embedder.js';

/**
 * Golden value for mteb's Classification task type on a binary task with 32 samples per label, written by
 * numpy and scikit-learn themselves (test/helpers/sklearn/classification_golden.py). The features are
 * RandomState(7).random_sample draws, replayed here bit-exactly, so the fixture holds no embeddings.
 */
// biome-ignore lint/suspicious/noExplicitAny: the golden file is free-form JSON read as data
const golden: any = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures/classification_binary_golden.json'), 'utf8'),
);

interface Rows {
  text: string[];
  label: number[];
  vectors: Map<string, Float32Array>;
}

/** The generator's rows: per row one draw for the label, then one per dimension (shifted if positive). */
function rows(rs: NumpyRandomState, n: number, prefix: string, vectors: Map<string, Float32Array>): Rows {
  const { dims, p_positive, shift, shifted_dims } = golden.data;
  const text: string[] = [];
  const label: number[] = [];
  for (let i = 0; i < n; i++) {
    const l = rs.randomSample() < p_positive ? 1 : 0;
    const v = new Float32Array(dims);
    for (let j = 0; j < dims; j++) v[j] = rs.randomSample() - 0.5 + (l === 1 && j < shifted_dims ? shift : 0);
    const t = `${prefix}${i}`;
    vectors.set(t, v);
    text.push(t);
    label.push(l);
  }
  return { text, label, vectors };
}

function tableEncoder(vectors: Map<string, Float32Array>, dims: number): Encoder {
  return {
    dims,
    async encode(inputs: readonly EmbedInput[]): Promise<Matrix> {
      const data = new Float32Array(inputs.length * dims);
      for (const [i, x] of inputs.entries())
        data.set(vectors.get(typeof x === 'string' ? x : x.text) as Float32Array, i * dims);
      return { data, n: inputs.length, dims };
    },
  };
}

describe('classification golden: binary, 32 samples per label (numpy + scikit-learn)', () => {
  const vectors = new Map<string, Float32Array>();
  const rs = new NumpyRandomState(7);
  const train = rows(rs, golden.data.n_train, 'train', vectors);
  const test = rows(rs, golden.data.n_test, 'test', vectors);

  it('replays the generator: same label counts as numpy drew', () => {
    const ones = train.label.filter((l) => l === 1).length;
    expect({ 0: train.label.length - ones, 1: ones }).toEqual({
      0: golden.train_label_counts['0'],
      1: golden.train_label_counts['1'],
    });
  });

  it("draws mteb's samples: fresh RandomState(42) per experiment over the carried index list", () => {
    const sel = undersampleExperiments(
      train.label,
      golden.samples_per_label,
      golden.n_experiments,
      golden.seed,
    );
    expect(sel).toEqual(golden.selections);
  });

  const evaluate = (sklearn: '1.2' | '1.4+') =>
    evaluateClassification(
      { type: 'Classification', text: train.text, label: train.label } as SplitDataOf<'Classification'>,
      { type: 'Classification', text: test.text, label: test.label } as SplitDataOf<'Classification'>,
      {
        name: 'BinaryGolden',
        type: 'Classification',
        main_score: 'accuracy',
        eval_splits: ['test'],
        samples_per_label: golden.samples_per_label,
        n_experiments: golden.n_experiments,
      },
      tableEncoder(vectors, golden.data.dims),
      { sklearn, seed: golden.seed },
    );

  it('scores what scikit-learn scores on those samples, experiment by experiment', async () => {
    const gen =
      (golden.sklearn as string).startsWith('1.2') || golden.sklearn.startsWith('1.3') ? '1.2' : '1.4+';
    const r = await evaluate(gen);
    expect(r.perExperiment.map((m) => m.accuracy)).toEqual(golden.accuracies);
    expect(r.scores.accuracy).toBeCloseTo(golden.accuracy, 12);
  });

  it("the default '1.4+' binary path matches scikit-learn 1.4's objective run through scipy's L-BFGS-B", async () => {
    const r = await evaluate('1.4+');
    expect(r.perExperiment.map((m) => m.accuracy)).toEqual(golden.sklearn_1_4_objective_via_scipy.accuracies);
  });
});
