import type { Encoder } from '../encoder.js';
import { pearson, spearman } from '../metrics/correlation.js';
import { pairedScores } from '../metrics/pairwise.js';
import { num, str } from '../tasks/readFiles.js';
import type { TaskMetadata } from '../tasks/schema.js';
import { encoderOf, readSplitRows, type TaskTypeModule } from './taskType.js';

/** One STS split: sentence pairs and their gold similarity (on the task's min_score..max_score scale). */
export interface StsData {
  type: 'STS';
  sentence1: string[];
  sentence2: string[];
  score: number[];
}

/** STS: `<split>.jsonl` rows of `sentence1`, `sentence2`, `score`. */
export const stsType: TaskTypeModule<'STS', StsData> = {
  type: 'STS',
  geckoPrompt: 'semantic similarity',
  async load(files) {
    const { f, rows } = await readSplitRows(files);
    return {
      type: 'STS',
      sentence1: rows.map((r) => str(r, f, 'sentence1')),
      sentence2: rows.map((r) => str(r, f, 'sentence2')),
      score: rows.map((r) => num(r, f, 'score')),
    };
  },
  evaluate: (data, run) => evaluateSts(data, run.meta, encoderOf(run)),
};

/**
 * STS (mteb `AbsTaskSTS` + `AnySTSEvaluator`): each side embedded separately, gold scores normalised by
 * (x − min)/(max − min), Pearson and Spearman for cosine, negated Manhattan and Euclidean distances, and
 * the model similarity (cosine for gecko's embedders). main_score = `cosine_spearman`.
 */
export async function evaluateSts(
  data: StsData,
  meta: TaskMetadata,
  encoder: Encoder,
): Promise<Record<string, number>> {
  const e1 = await encoder.encode(data.sentence1, 'query');
  const e2 = await encoder.encode(data.sentence2, 'query');
  const lo = meta.min_score ?? 0;
  const hi = meta.max_score ?? 5;
  const gold = data.score.map((x) => (x - lo) / (hi - lo));
  const s = pairedScores(e1, e2);
  const man = s.manhattan.map((x) => -x);
  const euc = s.euclidean.map((x) => -x);
  // The model similarity is the cosine, so the plain and cosine_ scores are the same two numbers.
  const cosinePearson = pearson(gold, s.cosine);
  const cosineSpearman = spearman(gold, s.cosine);
  return {
    pearson: cosinePearson,
    spearman: cosineSpearman,
    cosine_pearson: cosinePearson,
    cosine_spearman: cosineSpearman,
    manhattan_pearson: pearson(gold, man),
    manhattan_spearman: spearman(gold, man),
    euclidean_pearson: pearson(gold, euc),
    euclidean_spearman: spearman(gold, euc),
  };
}
