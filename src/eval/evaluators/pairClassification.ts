import type { Encoder } from '../encoder.js';
import { thresholdMetrics } from '../metrics/averagePrecision.js';
import type { SplitDataOf } from '../tasks/taskData.js';
import { pairedScores } from './pairwise.js';

/**
 * PairClassification (mteb `AbsTaskPairClassification`): five score lists (model similarity = cosine,
 * cosine, Manhattan, Euclidean, dot), each with best accuracy, best F1 (+P/R), thresholds and sklearn AP;
 * `max_*` over the five. main_score = `max_ap`.
 */
export async function evaluatePairClassification(
  data: SplitDataOf<'PairClassification'>,
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
