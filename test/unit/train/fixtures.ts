import { buildDataset, type Dataset } from '../../../src/train/data/Dataset.js';
import { sharedTexts } from '../model/fixtures.js';

/**
 * A one-source triplet dataset from the first `n` STSBenchmark validation pairs: sentence1 -> sentence2,
 * with the sentence2 `negativeOffset` rows on as each example's hard negative.
 */
export function stsTriplets(n: number, negativeOffset: number): Dataset {
  const s1 = sharedTexts('mteb/STSBenchmark/validation.jsonl', 'sentence1', n);
  const s2 = sharedTexts('mteb/STSBenchmark/validation.jsonl', 'sentence2', n);
  const examples = s1.map((a, i) => ({
    anchor: a,
    positive: s2[i]!,
    negative: s2[(i + negativeOffset) % n]!,
    task: 't',
  }));
  return buildDataset([{ name: 'sts', kind: 'triplets', weight: 1, examples }]);
}
