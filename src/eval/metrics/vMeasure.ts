import { contingency, entropy, mutualInfo } from './contingency.js';

/**
 * scikit-learn's `v_measure_score(labels_true, labels_pred)` (β = 1): homogeneity h = I/H(C) and
 * completeness c = I/H(K) from the contingency table (natural log; 1 when the entropy is 0), and
 * v = 2hc/(h+c) (0 when h + c = 0).
 *
 * @example vMeasure([0, 0, 1, 1], [1, 1, 0, 0]) // 1
 */
export function vMeasure(truth: ArrayLike<number | string>, pred: ArrayLike<number | string>): number {
  const n = truth.length;
  if (n !== pred.length) throw new RangeError(`vMeasure: ${n} true labels but ${pred.length} predictions`);
  if (n === 0) return 1;
  const table = contingency(truth, pred);
  const hC = entropy(table.rowSum, n);
  const hK = entropy(table.colSum, n);
  const mi = mutualInfo(table);
  const h = hC === 0 ? 1 : mi / hC;
  const c = hK === 0 ? 1 : mi / hK;
  return h + c === 0 ? 0 : (2 * h * c) / (h + c);
}
