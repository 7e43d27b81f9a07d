/**
 * The contingency table of two labelings and the quantities scikit-learn derives from it
 * (`mutual_info_score`, label entropies), shared by {@link vMeasure} and {@link adjustedMutualInfo}.
 * Labels are coded in first-seen order, and cells are kept in the order their first pair appears.
 */
export interface Contingency {
  n: number;
  /** Count of each true label, by code. */
  rowSum: Float64Array;
  /** Count of each predicted label, by code. */
  colSum: Float64Array;
  /** Non-zero cells, keyed `row · colSum.length + col`. */
  cells: Map<number, number>;
}

/** Builds the contingency table of `truth` against `pred`. @throws RangeError when the lengths differ. */
export function contingency(
  truth: ArrayLike<number | string>,
  pred: ArrayLike<number | string>,
): Contingency {
  const n = truth.length;
  if (n !== pred.length) throw new RangeError(`contingency: ${n} true labels but ${pred.length} predictions`);
  const ci = codes(truth);
  const ki = codes(pred);
  const nk = ki.count;
  const cells = new Map<number, number>();
  const rowSum = new Float64Array(ci.count);
  const colSum = new Float64Array(nk);
  for (let i = 0; i < n; i++) {
    const c = ci.codes[i] as number;
    const k = ki.codes[i] as number;
    const key = c * nk + k;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rowSum[c] = (rowSum[c] as number) + 1;
    colSum[k] = (colSum[k] as number) + 1;
  }
  return { n, rowSum, colSum, cells };
}

/** sklearn's `mutual_info_score` from a contingency table (natural log), clipped at 0. */
export function mutualInfo({ n, rowSum, colSum, cells }: Contingency): number {
  const nk = colSum.length;
  let mi = 0;
  for (const [key, nij] of cells) {
    const c = Math.floor(key / nk);
    const k = key % nk;
    // sklearn's form: p_ij·(log n_ij − log n) + p_ij·(log n + log n − log(a_i·b_j)).
    const pij = nij / n;
    const logOuter = -Math.log((rowSum[c] as number) * (colSum[k] as number)) + 2 * Math.log(n);
    mi += pij * (Math.log(nij) - Math.log(n)) + pij * logOuter;
  }
  return Math.max(0, mi);
}

/** Entropy (natural log) of a labeling given its label counts over `n` items. */
export function entropy(counts: Float64Array, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * (Math.log(c) - Math.log(n));
  return h;
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
