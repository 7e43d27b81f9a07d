/**
 * Rank arithmetic of FRet step 2 (Gecko appendix A). Pure functions over score arrays aligned with the
 * candidate list; ties are always broken by the retriever's order (the candidate's index), so results never
 * depend on sort stability or on floating-point noise between equal scores.
 */

/**
 * 1-based ranks of `scores` in descending order (best = 1). Ties keep the candidates' order. NaN (a score that
 * could not be computed) ranks after every number.
 *
 * @example ranksDescending([0.1, 0.9, 0.5]) // [3, 1, 2]
 */
export function ranksDescending(scores: readonly number[]): number[] {
  const order = orderDescending(scores);
  const ranks = new Array<number>(scores.length);
  order.forEach((candidate, position) => {
    ranks[candidate] = position + 1;
  });
  return ranks;
}

/** Candidate indices sorted best first by `scores` (ties and NaNs as in {@link ranksDescending}). */
export function orderDescending(scores: readonly number[]): number[] {
  const idx = scores.map((_, i) => i);
  idx.sort((a, b) => {
    const x = scores[a] as number;
    const y = scores[b] as number;
    const xn = Number.isNaN(x);
    const yn = Number.isNaN(y);
    if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1;
    return y - x || a - b;
  });
  return idx;
}

/**
 * Reciprocal rank fusion: `R(p) = Σ_lists 1 / (k + r_list(p))`. Gecko uses k = 0 on two lists,
 * `R = 1/r_QL + 1/r_RC`; the usual RRF constant is k = 60.
 *
 * @throws RangeError when the rank lists differ in length or k is negative.
 * @example reciprocalRankFusion([[1, 2, 3], [2, 1, 3]], 0) // [1.5, 1.5, 0.666…]
 */
export function reciprocalRankFusion(rankLists: readonly (readonly number[])[], k = 0): number[] {
  if (!(k >= 0)) throw new RangeError(`RRF constant k must be >= 0, got ${k}`);
  const n = rankLists[0]?.length ?? 0;
  const fused = new Array<number>(n).fill(0);
  for (const ranks of rankLists) {
    if (ranks.length !== n) throw new RangeError('reciprocalRankFusion: rank lists differ in length');
    for (let i = 0; i < n; i++) fused[i] = (fused[i] as number) + 1 / (k + (ranks[i] as number));
  }
  return fused;
}

/** Log-softmax of `logits` (numerically stable). */
export function logSoftmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const lse = max + Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0));
  return logits.map((x) => x - lse);
}
