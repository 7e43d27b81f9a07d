import { averagePrecision } from './averagePrecision.js';

/**
 * scikit-learn's `accuracy_score`, and `f1_score`/`precision_score`/`recall_score` with `average="macro"`
 * and `"weighted"` over the labels present in either truth or predictions (zero_division → 0), plus
 * `average_precision_score` on hard predictions for binary 0/1 tasks, as mteb's classification reports.
 */
export function classificationMetrics(
  truth: readonly number[],
  pred: readonly number[],
): Record<string, number> {
  const labels = [...new Set([...truth, ...pred])].sort((a, b) => a - b);
  const n = truth.length;
  let correct = 0;
  const tp = new Map<number, number>();
  const fp = new Map<number, number>();
  const fn = new Map<number, number>();
  const support = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const t = truth[i] as number;
    const p = pred[i] as number;
    support.set(t, (support.get(t) ?? 0) + 1);
    if (t === p) {
      correct++;
      tp.set(t, (tp.get(t) ?? 0) + 1);
    } else {
      fp.set(p, (fp.get(p) ?? 0) + 1);
      fn.set(t, (fn.get(t) ?? 0) + 1);
    }
  }
  let f1M = 0;
  let pM = 0;
  let rM = 0;
  let f1W = 0;
  let pW = 0;
  let rW = 0;
  for (const l of labels) {
    const a = tp.get(l) ?? 0;
    const b = fp.get(l) ?? 0;
    const c = fn.get(l) ?? 0;
    const prec = a + b > 0 ? a / (a + b) : 0;
    const rec = a + c > 0 ? a / (a + c) : 0;
    const f1 = prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
    const w = (support.get(l) ?? 0) / n;
    f1M += f1;
    pM += prec;
    rM += rec;
    f1W += f1 * w;
    pW += prec * w;
    rW += rec * w;
  }
  const L = labels.length;
  const out: Record<string, number> = {
    accuracy: correct / n,
    f1: f1M / L,
    f1_weighted: f1W,
    precision: pM / L,
    precision_weighted: pW,
    recall: rM / L,
    recall_weighted: rW,
  };
  if (labels.every((l) => l === 0 || l === 1) && new Set(truth).size === 2) {
    out.ap = averagePrecision(truth, pred);
    out.ap_weighted = out.ap;
  }
  return out;
}
