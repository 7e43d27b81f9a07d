import { InputError } from '../../errors/InputError.js';
import type { Encoder } from '../encoder.js';
import { classificationMetrics } from '../metrics/classificationMetrics.js';
import { NumpyRandomState } from '../metrics/numpyRandom.js';
import { gatherRows } from '../ml/gatherRows.js';
import {
  fitLogisticRegression,
  predictLogisticRegression,
  type SklearnGeneration,
} from '../ml/logisticRegression.js';
import { str } from '../tasks/readFiles.js';
import type { TaskMetadata } from '../tasks/schema.js';
import { encoderOf, readSplitRows, type TaskTypeModule } from './taskType.js';

/** One Classification split: texts and integer labels (string labels coded per task, in order of appearance). */
export interface ClassificationData {
  type: 'Classification';
  text: string[];
  label: number[];
}

/**
 * Classification: `<split>.jsonl` rows of `text` and `label` (an integer, or a string or boolean coded
 * through the task's label table); fitted on `train_split` (default `train`).
 */
export const classificationType: TaskTypeModule<'Classification', ClassificationData> = {
  type: 'Classification',
  geckoPrompt: 'classification',
  trainSplit: (meta) => meta.train_split ?? 'train',
  async load(files) {
    const { f, rows } = await readSplitRows(files);
    const codes = files.labelCodes;
    const label = rows.map((r) => {
      const v = r.value.label;
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string' || typeof v === 'boolean') {
        const key = String(v);
        if (!codes.has(key)) codes.set(key, codes.size);
        return codes.get(key) as number;
      }
      throw new InputError({ file: f, line: r.line, field: 'label' }, 'expected an integer or string label');
    });
    return { type: 'Classification', text: rows.map((r) => str(r, f, 'text')), label };
  },
  async evaluate(data, run) {
    // evaluateTask loads the train split for every type with trainSplit.
    const train = run.train as ClassificationData;
    const r = await evaluateClassification(train, data, run.meta, encoderOf(run), {
      sklearn: run.sklearn,
      seed: run.seed,
    });
    return Object.assign({ scores_per_experiment: r.perExperiment }, r.scores);
  },
};

/** Options of {@link evaluateClassification}. */
export interface ClassificationOptions {
  /** @default '1.4+' */
  sklearn?: SklearnGeneration;
  /** numpy RandomState seed of the undersampling. @default 42 */
  seed?: number;
}

/**
 * mteb's `AbsTaskClassification._undersample_data` over all experiments: the training indices each experiment
 * uses, in the order mteb passes them to the classifier. Each experiment shuffles the index list carried over
 * from the previous one with a FRESH `RandomState(seed)` (mteb 2.x builds one per call; 1.x used the global
 * RNG, which every evaluator's constructor re-seeded to 42), so experiment e applies the same permutation e+1
 * times. Seeding one generator and drawing across experiments, seeding `seed + e`, or `default_rng(seed)`
 * (mteb development versions before PR #2898 restored `RandomState` "for backward compatibility with v1") give other samples and, on small binary tasks, scores a few points apart.
 */
export function undersampleExperiments(
  labels: readonly number[],
  samplesPerLabel: number,
  nExperiments: number,
  seed: number,
): number[][] {
  const idxs = Array.from({ length: labels.length }, (_, i) => i);
  const selections: number[][] = [];
  for (let e = 0; e < nExperiments; e++) {
    new NumpyRandomState(seed).shuffle(idxs);
    const counts = new Map<number, number>();
    const sel: number[] = [];
    for (const i of idxs) {
      const l = labels[i] as number;
      const c = counts.get(l) ?? 0;
      if (c < samplesPerLabel) {
        sel.push(i);
        counts.set(l, c + 1);
      }
    }
    selections.push(sel);
  }
  return selections;
}

/**
 * mteb's `AbsTaskClassification`: `n_experiments` times, a fresh `RandomState(seed)` shuffles the carried
 * index list, the first `samples_per_label` examples of each label are kept (in shuffled order), a
 * scikit-learn-default logistic regression is fitted on their raw embeddings and scored on the whole test
 * split. Metrics are the means over experiments; `scores_per_experiment` keeps each one.
 */
export async function evaluateClassification(
  train: ClassificationData,
  test: ClassificationData,
  meta: TaskMetadata,
  encoder: Encoder,
  options: ClassificationOptions = {},
): Promise<{ scores: Record<string, number>; perExperiment: Record<string, number>[] }> {
  const selections = undersampleExperiments(
    train.label,
    meta.samples_per_label ?? 8,
    meta.n_experiments ?? 10,
    options.seed ?? 42,
  );
  // Train texts are embedded once: the union of all selections.
  const union = [...new Set(selections.flat())].sort((a, b) => a - b);
  const trainEmb = await encoder.encode(
    union.map((i) => train.text[i] as string),
    'query',
  );
  const row = new Map(union.map((i, r) => [i, r]));
  const testEmb = await encoder.encode(test.text, 'query');
  const d = encoder.dims;
  const perExperiment: Record<string, number>[] = [];
  for (const sel of selections) {
    const X = gatherRows(
      trainEmb.data,
      d,
      sel.map((i) => row.get(i) as number),
    );
    const model = fitLogisticRegression(
      X,
      sel.map((i) => train.label[i] as number),
      d,
      { sklearn: options.sklearn },
    );
    const pred = predictLogisticRegression(model, testEmb.data);
    perExperiment.push(classificationMetrics(test.label, pred));
  }
  const scores: Record<string, number> = {};
  for (const key of Object.keys(perExperiment[0] ?? {})) {
    const vals = perExperiment.map((m) => m[key]).filter((v): v is number => v !== undefined);
    scores[key] = vals.reduce((a, b) => a + b, 0) / vals.length;
  }
  return { scores, perExperiment };
}
