import type { JsonlLine } from '../../util/jsonl.js';
import type { Encoder } from '../encoder.js';
import { thresholdMetrics } from '../metrics/averagePrecision.js';
import { pairedScores } from '../metrics/pairwise.js';
import { arr, num, str } from '../tasks/readFiles.js';
import { encoderOf, readSplitRows, type TaskTypeModule } from './taskType.js';

/** One PairClassification split: sentence pairs with 0/1 labels. */
export interface PairClassificationData {
  type: 'PairClassification';
  sentence1: string[];
  sentence2: string[];
  labels: number[];
}

/**
 * PairClassification: `<split>.jsonl` rows of `sentence1`/`sent1`, `sentence2`/`sent2`, `label`/`labels`,
 * or mteb v1's rows of parallel arrays.
 */
export const pairClassificationType: TaskTypeModule<'PairClassification', PairClassificationData> = {
  type: 'PairClassification',
  geckoPrompt: 'semantic similarity',
  async load(files) {
    const { f, rows } = await readSplitRows(files);
    // mteb v1 files hold one row of parallel arrays (sent1/sent2/labels); unpack them.
    if (rows.length > 0 && Array.isArray((rows[0] as JsonlLine).value.labels)) {
      const s1: string[] = [];
      const s2: string[] = [];
      const labels: number[] = [];
      for (const r of rows) {
        s1.push(...arr(r, f, 'sentence1', 'sent1').map(String));
        s2.push(...arr(r, f, 'sentence2', 'sent2').map(String));
        labels.push(...arr(r, f, 'labels').map(Number));
      }
      return { type: 'PairClassification', sentence1: s1, sentence2: s2, labels };
    }
    return {
      type: 'PairClassification',
      sentence1: rows.map((r) => str(r, f, 'sentence1', 'sent1')),
      sentence2: rows.map((r) => str(r, f, 'sentence2', 'sent2')),
      labels: rows.map((r) => num(r, f, 'label', 'labels')),
    };
  },
  evaluate: (data, run) => evaluatePairClassification(data, encoderOf(run)),
};

/**
 * PairClassification (mteb `AbsTaskPairClassification`): five score lists (model similarity = cosine,
 * cosine, Manhattan, Euclidean, dot), each with best accuracy, best F1 (+P/R), thresholds and sklearn AP;
 * `max_*` over the five. main_score = `max_ap`.
 */
export async function evaluatePairClassification(
  data: PairClassificationData,
  encoder: Encoder,
): Promise<Record<string, number>> {
  const e1 = await encoder.encode(data.sentence1, 'query');
  const e2 = await encoder.encode(data.sentence2, 'query');
  const s = pairedScores(e1, e2);
  // The model similarity is the cosine: one list, reported under both names.
  const lists: [string[], Float64Array, boolean][] = [
    [['similarity', 'cosine'], s.cosine, true],
    [['manhattan'], s.manhattan, false],
    [['euclidean'], s.euclidean, false],
    [['dot'], s.dot, true],
  ];
  const out: Record<string, number> = {};
  const max: Record<string, number> = {
    accuracy: -Infinity,
    f1: -Infinity,
    precision: -Infinity,
    recall: -Infinity,
    ap: -Infinity,
  };
  for (const [names, scores, higher] of lists) {
    const m = thresholdMetrics(data.labels, scores, higher);
    const vals: Record<string, number> = {
      accuracy: m.accuracy,
      accuracy_threshold: m.accuracyThreshold,
      f1: m.f1,
      f1_threshold: m.f1Threshold,
      precision: m.precision,
      recall: m.recall,
      ap: m.ap,
    };
    for (const name of names) for (const [k, v] of Object.entries(vals)) out[`${name}_${k}`] = v;
    for (const k of Object.keys(max)) max[k] = Math.max(max[k] as number, vals[k] as number);
  }
  for (const [k, v] of Object.entries(max)) out[`max_${k}`] = v;
  return out;
}
