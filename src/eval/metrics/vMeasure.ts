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
  const ci = codes(truth);
  const ki = codes(pred);
  const nc = ci.count;
  const nk = ki.count;
  const table = new Map<number, number>();
  const rowSum = new Float64Array(nc);
  const colSum = new Float64Array(nk);
  for (let i = 0; i < n; i++) {
    const c = ci.codes[i] as number;
    const k = ki.codes[i] as number;
    const key = c * nk + k;
    table.set(key, (table.get(key) ?? 0) + 1);
    rowSum[c] = (rowSum[c] as number) + 1;
    colSum[k] = (colSum[k] as number) + 1;
  }
  const hC = entropy(rowSum, n);
  const hK = entropy(colSum, n);
  let mi = 0;
  for (const [key, nij] of table) {
    const c = Math.floor(key / nk);
    const k = key % nk;
    // sklearn's mutual_info_score form: p_ij·(log n_ij − log n) + p_ij·(log n + log n − log(a_i·b_j)).
    const pij = nij / n;
    const logOuter = -Math.log((rowSum[c] as number) * (colSum[k] as number)) + 2 * Math.log(n);
    mi += pij * (Math.log(nij) - Math.log(n)) + pij * logOuter;
  }
  mi = Math.max(0, mi);
  const h = hC === 0 ? 1 : mi / hC;
  const c = hK === 0 ? 1 : mi / hK;
  return h + c === 0 ? 0 : (2 * h * c) / (h + c);
}

function codes(labels: ArrayLike<number | string>): { codes: Int32Array; count: number } {
  const map = new Map<number | string, number>();
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as number | string;
    let c = map.get(l);
    if (c === undefined) {
      c = map.size;
      map.set(l, c);
    }
    out[i] = c;
  }
  return { codes: out, count: map.size };
}

function entropy(counts: Float64Array, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * (Math.log(c) - Math.log(n));
  return h;
}
