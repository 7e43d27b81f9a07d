/**
 * SIF weighting of token vectors (Arora et al. 2017, "A simple but tough-to-beat baseline for sentence
 * embeddings"), as model2vec applies it after PCA: row t is scaled by a / (a + p(t)), so frequent tokens
 * (function words, punctuation) weigh little in a mean-pooled sentence and rare, informative ones weigh
 * about 1. p(t) comes from corpus counts when there is a corpus, else from Zipf's law over the vocabulary
 * order (tokenizer vocabularies list frequent pieces first). Pure: no I/O.
 */
import type { Tokenizer } from '../tokenizer/Tokenizer.js';

/** model2vec's default SIF coefficient `a`. */
export const DEFAULT_SIF_COEFFICIENT = 1e-4;

/**
 * Zipf probabilities for `n` items ranked by position: p(r) proportional to 1 / (r + 2) for r = 0..n-1 (the
 * first item is given rank 2, so the top token is not weighted as if it were every other token).
 * @example zipfProbabilities(3); // [0.4615…, 0.3077…, 0.2308…]
 */
export function zipfProbabilities(n: number): Float64Array {
  const p = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    p[r] = 1 / (r + 2);
    sum += p[r] as number;
  }
  for (let r = 0; r < n; r++) p[r]! /= sum;
  return p;
}

/**
 * Relative frequencies from counts; all-zero counts give all-zero probabilities (every weight 1).
 * @example countProbabilities([3, 1, 0]); // [0.75, 0.25, 0]
 */
export function countProbabilities(counts: ArrayLike<number>): Float64Array {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) sum += counts[i] as number;
  const p = new Float64Array(counts.length);
  if (sum > 0) for (let i = 0; i < counts.length; i++) p[i] = (counts[i] as number) / sum;
  return p;
}

/**
 * SIF weights a / (a + p) for probabilities `p`.
 * @throws RangeError when `a` is not in (0, 1).
 * @example sifWeights(zipfProbabilities(30522), 1e-4);
 */
export function sifWeights(p: ArrayLike<number>, a: number = DEFAULT_SIF_COEFFICIENT): Float32Array {
  if (!(a > 0 && a < 1)) throw new RangeError(`the SIF coefficient must be in (0, 1), got ${a}`);
  const w = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) w[i] = a / (a + (p[i] as number));
  return w;
}

/**
 * How often each token id occurs when `texts` are tokenised (batches of 512 texts through `encodeBatch`).
 * @example const counts = await countTokens(tokenizer, corpusTexts());
 */
export async function countTokens(
  tokenizer: Tokenizer,
  texts: Iterable<string> | AsyncIterable<string>,
  maxLength = 100_000,
): Promise<Float64Array> {
  const counts = new Float64Array(tokenizer.vocabSize);
  let batch: string[] = [];
  const flush = (): void => {
    const b = tokenizer.encodeBatch(batch, { maxLength });
    for (const id of b.ids) counts[id]! += 1;
    batch = [];
  };
  for await (const t of texts) {
    batch.push(t);
    if (batch.length === 512) flush();
  }
  if (batch.length > 0) flush();
  return counts;
}

/**
 * Scales row i of `table` (rows x dim) by `weights[i]`, in place.
 * @example scaleRows(table, 256, sifWeights(p));
 */
export function scaleRows(table: Float32Array, dim: number, weights: ArrayLike<number>): Float32Array {
  for (let r = 0; r < weights.length; r++) {
    const w = weights[r] as number;
    for (let c = 0; c < dim; c++) table[r * dim + c]! *= w;
  }
  return table;
}
