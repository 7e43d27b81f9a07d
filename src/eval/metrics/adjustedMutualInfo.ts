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
  const rows = counts(truth);
  const cols = counts(pred);
  if ((rows.size === 1 && cols.size === 1) || n === 0) return 1;
  const table = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = `${String(truth[i])}\0${String(pred[i])}`;
    table.set(key, (table.get(key) ?? 0) + 1);
  }
  let mi = 0;
  for (const [key, nij] of table) {
    const [t, p] = key.split('\0') as [string, string];
    const a = rows.get(t) as number;
    const b = cols.get(p) as number;
    mi += (nij / n) * (Math.log(nij) - Math.log(n)) + (nij / n) * (-Math.log(a * b) + 2 * Math.log(n));
  }
  mi = Math.max(0, mi);
  const emi = expectedMutualInfo([...rows.values()], [...cols.values()], n);
  const h = (c: Map<string, number>): number => {
    let s = 0;
    for (const v of c.values()) s -= (v / n) * (Math.log(v) - Math.log(n));
    return s;
  };
  const normalizer = (h(rows) + h(cols)) / 2;
  let denominator = normalizer - emi;
  const eps = 2.220446049250313e-16;
  denominator = denominator < 0 ? Math.min(denominator, -eps) : Math.max(denominator, eps);
  return (mi - emi) / denominator;
}

function counts(labels: ArrayLike<number | string>): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < labels.length; i++) {
    const k = String(labels[i]);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
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
