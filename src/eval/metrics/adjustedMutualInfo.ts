import { contingency, entropy, mutualInfo } from './contingency.js';
import { logGamma } from './correlation.js';

/**
 * scikit-learn's `adjusted_mutual_info_score` (arithmetic normalisation), which mteb's v2 clustering
 * reports next to the V-measure: `(MI − E[MI]) / (mean(H(C), H(K)) − E[MI])`, with the expected mutual
 * information of Vinh, Epps & Bailey (2010) under the hypergeometric model.
 *
 * @example adjustedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]) // 1
 */
export function adjustedMutualInfo(
  truth: ArrayLike<number | string>,
  pred: ArrayLike<number | string>,
): number {
  const n = truth.length;
  const table = contingency(truth, pred);
  if ((table.rowSum.length === 1 && table.colSum.length === 1) || n === 0) return 1;
  const mi = mutualInfo(table);
  const emi = expectedMutualInfo(Array.from(table.rowSum), Array.from(table.colSum), n);
  const normalizer = (entropy(table.rowSum, n) + entropy(table.colSum, n)) / 2;
  let denominator = normalizer - emi;
  const eps = 2.220446049250313e-16;
  denominator = denominator < 0 ? Math.min(denominator, -eps) : Math.max(denominator, eps);
  return (mi - emi) / denominator;
}

function expectedMutualInfo(a: number[], b: number[], n: number): number {
  const lgN = logGamma(n + 1);
  let emi = 0;
  for (const ai of a) {
    for (const bj of b) {
      const start = Math.max(1, ai + bj - n);
      const end = Math.min(ai, bj);
      const fixed = logGamma(ai + 1) + logGamma(bj + 1) + logGamma(n - ai + 1) + logGamma(n - bj + 1) - lgN;
      for (let nij = start; nij <= end; nij++) {
        const term = (nij / n) * (Math.log(n * nij) - Math.log(ai * bj));
        const gln =
          fixed -
          logGamma(nij + 1) -
          logGamma(ai - nij + 1) -
          logGamma(bj - nij + 1) -
          logGamma(n - ai - bj + nij + 1);
        emi += term * Math.exp(gln);
      }
    }
  }
  return emi;
}
