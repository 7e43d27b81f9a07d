/**
 * scikit-learn's `average_precision_score` for binary labels: scores are grouped into distinct levels
 * (descending), and `AP = Σ (R_l − R_{l−1})·P_l` with precision and recall taken after each whole tie group.
 * Returns NaN when there is no positive label (sklearn warns and returns a meaningless value there).
 *
 * @example averagePrecision([1, 0, 1], [0.9, 0.8, 0.8]) // 0.8333…
 */
export function averagePrecision(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  if (n !== scores.length) throw new RangeError(`averagePrecision: ${n} labels but ${scores.length} scores`);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  let totalPos = 0;
  for (let i = 0; i < n; i++) if ((labels[i] as number) === 1) totalPos++;
  if (totalPos === 0) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  let i = 0;
  while (i < n) {
    const level = scores[order[i] as number] as number;
    while (i < n && scores[order[i] as number] === level) {
      if ((labels[order[i] as number] as number) === 1) tp++;
      else fp++;
      i++;
    }
    const recall = tp / totalPos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/** Best accuracy over thresholds and best F1, as mteb's PairClassification finds them. */
export interface ThresholdMetrics {
  accuracy: number;
  accuracyThreshold: number;
  f1: number;
  f1Threshold: number;
  precision: number;
  recall: number;
  ap: number;
}

/**
 * mteb's `_find_best_acc_and_threshold` / `_find_best_f1_and_threshold` plus AP for one score list.
 * Rows are stable-sorted by score (descending when `higherIsSimilar`), and cuts are tried after rows
 * 0..n−2 only, ignoring ties, exactly as the library does.
 */
export function thresholdMetrics(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  higherIsSimilar: boolean,
): ThresholdMetrics {
  const n = labels.length;
  const sign = higherIsSimilar ? 1 : -1;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => sign * ((scores[b] as number) - (scores[a] as number)) || a - b,
  );
  let positives = 0;
  for (let i = 0; i < n; i++) positives += (labels[i] as number) === 1 ? 1 : 0;
  let maxAcc = 0;
  let accThr = -1;
  let pos = 0;
  let negRemaining = n - positives;
  let bestF1 = 0;
  let bestP = 0;
  let bestR = 0;
  let f1Thr = 0;
  let nExtract = 0;
  let nCorrect = 0;
  for (let i = 0; i < n - 1; i++) {
    const idx = order[i] as number;
    const label = labels[idx] as number;
    const s = scores[idx] as number;
    const next = scores[order[i + 1] as number] as number;
    if (label === 1) pos++;
    else negRemaining--;
    const acc = (pos + negRemaining) / n;
    if (acc > maxAcc) {
      maxAcc = acc;
      accThr = (s + next) / 2;
    }
    nExtract++;
    if (label === 1) nCorrect++;
    if (nCorrect > 0) {
      const p = nCorrect / nExtract;
      const r = nCorrect / positives;
      const f1 = (2 * p * r) / (p + r);
      if (f1 > bestF1) {
        bestF1 = f1;
        bestP = p;
        bestR = r;
        f1Thr = (s + next) / 2;
      }
    }
  }
  const signed = Float64Array.from({ length: n }, (_, i) => sign * (scores[i] as number));
  return {
    accuracy: maxAcc,
    accuracyThreshold: accThr,
    f1: bestF1,
    f1Threshold: f1Thr,
    precision: bestP,
    recall: bestR,
    ap: averagePrecision(labels, signed),
  };
}
