import { NumpyRandomState, searchSorted } from '../metrics/numpyRandom.js';
import { float32PairwiseSum } from './float32Sum.js';
import { gatherRows } from './gatherRows.js';
import type { SklearnGeneration } from './logisticRegression.js';

const f = Math.fround;

/** Options of {@link miniBatchKMeans}; defaults are scikit-learn's `MiniBatchKMeans` ones with mteb's seed. */
export interface MiniBatchKMeansOptions {
  /** @default 1024 (mteb passes 500 for legacy clustering, 512 for the v2 protocol) */
  batchSize?: number;
  /** @default 100 */
  maxIter?: number;
  /** @default 10 */
  maxNoImprovement?: number;
  /** @default 0.01 */
  reassignmentRatio?: number;
  /** @default 3·batchSize (at least 3·k), at most n */
  initSize?: number;
  /** numpy `RandomState` seed. @default 42 */
  seed?: number;
  /**
   * `'1.4+'`: mini-batches and the first k-means++ centre drawn with `choice(p=w/Σw)` (sklearn ≥ 1.3/1.5, as
   * in the 1.9.1 that the mteb spec was checked against); `'1.2'`: drawn with `randint` (Debian 12).
   * @default '1.4+'
   */
  sklearn?: SklearnGeneration;
  /** Called after each mini-batch with its mean inertia and the smoothed (EWA) inertia, for diagnostics. */
  onStep?: (step: number, batchInertia: number, ewaInertia: number | null) => void;
}

export interface KMeansResult {
  labels: Int32Array;
  centers: Float32Array;
  nSteps: number;
}

/**
 * scikit-learn's `MiniBatchKMeans(n_clusters=k, n_init=1, init="k-means++", random_state=seed)` ported on
 * float32 data: the same RNG calls in the same order (validation indices, init subsample, greedy
 * k-means++ with 2 + ⌊ln k⌋ local trials, one mini-batch per step, random reassignment of small clusters),
 * float32 centre updates, the EWA-inertia early stop, then `labels_` for all points.
 * Distances for k-means++ follow sklearn's float64-upcast `euclidean_distances`.
 *
 * @param X row-major `n×d` float32 data.
 * @throws RangeError when k is not within 1..n.
 * @example const { labels } = miniBatchKMeans(X, 64, 10, { batchSize: 500 });
 */
export function miniBatchKMeans(
  X: Float32Array,
  dims: number,
  k: number,
  options: MiniBatchKMeansOptions = {},
): KMeansResult {
  const n = X.length / dims;
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RangeError(`miniBatchKMeans: k=${k} must be within 1..${n}`);
  const gen = options.sklearn ?? '1.4+';
  // sklearn clamps the batch to the sample count (`_check_params_vs_input`).
  const batch = Math.min(options.batchSize ?? 1024, n);
  let initSize = options.initSize ?? 3 * batch;
  if (initSize < k) initSize = 3 * k;
  initSize = Math.min(initSize, n);
  const rs = new NumpyRandomState(options.seed ?? 42);
  const uniformP = new Float64Array(n).fill(f(1 / n));
  rs.randint(0, n, initSize); // validation set: only used to pick the best of n_init (= 1) inits
  let sub: Float32Array = X;
  let ns = n;
  if (initSize < n) {
    const idx = rs.randint(0, n, initSize);
    sub = gatherRows(X, dims, idx);
    ns = initSize;
  }
  let centers: Float32Array = kmeansPlusPlus(sub, ns, dims, k, rs, gen).centers;
  let centersNew: Float32Array = new Float32Array(k * dims);
  const counts = new Float32Array(k);
  let ewa: number | null = null;
  let ewaMin: number | null = null;
  let noImprovement = 0;
  let sinceReassign = 0;
  const nSteps = Math.floor(((options.maxIter ?? 100) * n) / batch);
  const alpha = Math.min((batch * 2) / (n + 1), 1);
  let step = 0;
  for (; step < nSteps; step++) {
    const idx = gen === '1.2' ? rs.randint(0, n, batch) : rs.choiceWithP(uniformP, batch);
    const xb = gatherRows(X, dims, idx);
    sinceReassign += batch;
    let reassign = false;
    if (counts.some((c) => c === 0) || sinceReassign >= 10 * k) {
      sinceReassign = 0;
      reassign = true;
    }
    const inertia = miniBatchStep(
      xb,
      batch,
      dims,
      centers,
      centersNew,
      counts,
      rs,
      reassign,
      options.reassignmentRatio ?? 0.01,
      gen,
    );
    [centers, centersNew] = [centersNew, centers];
    options.onStep?.(step, inertia / batch, ewa);
    if (step === 0) continue; // the first batch's inertia reflects the initialisation
    const bi = inertia / batch;
    ewa = ewa === null ? bi : ewa * (1 - alpha) + bi * alpha;
    if (ewaMin === null || ewa < ewaMin) {
      noImprovement = 0;
      ewaMin = ewa;
    } else noImprovement++;
    if (noImprovement >= (options.maxNoImprovement ?? 10)) break;
  }
  const labels = new Int32Array(n);
  assign(X, n, dims, centers, k, labels);
  return { labels, centers, nSteps: Math.min(step + 1, nSteps) };
}

/** Squared distances from row `c` of `C` to every row of `X`, as sklearn's float32 path computes them. */
function sqDistances(
  C: Float32Array,
  c: number,
  X: Float32Array,
  n: number,
  dims: number,
  xx: Float64Array,
): Float32Array {
  const out = new Float32Array(n);
  let cc = 0;
  for (let j = 0; j < dims; j++) cc += (C[c * dims + j] as number) ** 2;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += (C[c * dims + j] as number) * (X[i * dims + j] as number);
    out[i] = Math.max(0, -2 * dot + cc + (xx[i] as number));
  }
  return out;
}

/** Greedy k-means++ (sklearn `_kmeans_plusplus`): returns the centres and the chosen row indices. */
export function kmeansPlusPlus(
  X: Float32Array,
  n: number,
  dims: number,
  k: number,
  rs: NumpyRandomState,
  gen: SklearnGeneration,
): { centers: Float32Array; indices: number[] } {
  const centers = new Float32Array(k * dims);
  const xx = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dims; j++) xx[i] = (xx[i] as number) + (X[i * dims + j] as number) ** 2;
  const trials = 2 + Math.floor(Math.log(k));
  const first =
    gen === '1.2'
      ? rs.randomInterval(n - 1)
      : (rs.choiceWithP(new Float64Array(n).fill(f(1 / n)), 1)[0] as number);
  centers.set(X.subarray(first * dims, (first + 1) * dims), 0);
  const indices = [first];
  let closest: Float32Array = sqDistances(X, first, X, n, dims, xx);
  let pot = float32PairwiseSum(closest);
  for (let c = 1; c < k; c++) {
    const cum = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += closest[i] as number;
      cum[i] = acc;
    }
    const cands: number[] = [];
    for (let t = 0; t < trials; t++)
      cands.push(Math.min(searchSorted(cum, rs.randomSample() * pot, 'left'), n - 1));
    let bestPot = Number.POSITIVE_INFINITY;
    let best = -1;
    let bestDist: Float32Array = closest;
    for (const cand of cands) {
      const d = sqDistances(X, cand, X, n, dims, xx);
      for (let i = 0; i < n; i++) d[i] = Math.min(d[i] as number, closest[i] as number);
      const p = float32PairwiseSum(d);
      if (p < bestPot) {
        bestPot = p;
        best = cand;
        bestDist = d;
      }
    }
    pot = bestPot;
    closest = bestDist;
    centers.set(X.subarray(best * dims, (best + 1) * dims), c * dims);
    indices.push(best);
  }
  return { centers, indices };
}

/** Nearest centre per row (first minimum of ‖c‖² − 2x·c); returns the summed squared distances. */
function assign(
  X: Float32Array,
  n: number,
  dims: number,
  C: Float32Array,
  k: number,
  labels: Int32Array,
): number {
  const cc = new Float64Array(k);
  for (let c = 0; c < k; c++)
    for (let j = 0; j < dims; j++) cc[c] = (cc[c] as number) + (C[c * dims + j] as number) ** 2;
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < dims; j++) dot += (X[i * dims + j] as number) * (C[c * dims + j] as number);
      const d = (cc[c] as number) - 2 * dot;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    labels[i] = best;
    let sq = 0;
    for (let j = 0; j < dims; j++) sq += ((X[i * dims + j] as number) - (C[best * dims + j] as number)) ** 2;
    inertia += sq;
  }
  return inertia;
}

function miniBatchStep(
  xb: Float32Array,
  b: number,
  dims: number,
  centers: Float32Array,
  centersNew: Float32Array,
  counts: Float32Array,
  rs: NumpyRandomState,
  reassign: boolean,
  ratio: number,
  gen: SklearnGeneration,
): number {
  const k = counts.length;
  const labels = new Int32Array(b);
  const inertia = assign(xb, b, dims, centers, k, labels);
  for (let c = 0; c < k; c++) {
    let wsum = 0;
    for (let i = 0; i < b; i++) if (labels[i] === c) wsum++;
    const off = c * dims;
    if (wsum > 0) {
      const cnt = counts[c] as number;
      for (let j = 0; j < dims; j++) centersNew[off + j] = f((centers[off + j] as number) * cnt);
      for (let i = 0; i < b; i++) {
        if (labels[i] !== c) continue;
        for (let j = 0; j < dims; j++)
          centersNew[off + j] = f((centersNew[off + j] as number) + (xb[i * dims + j] as number));
      }
      counts[c] = f(cnt + wsum);
      const a = f(1 / (counts[c] as number));
      for (let j = 0; j < dims; j++) centersNew[off + j] = f((centersNew[off + j] as number) * a);
    } else centersNew.set(centers.subarray(off, off + dims), off);
  }
  if (reassign && ratio > 0) {
    let max = 0;
    for (const c of counts) max = Math.max(max, c);
    // numpy 1.x promotes float32·float to float64; numpy 2 (NEP 50) keeps float32.
    const threshold = gen === '1.2' ? ratio * max : f(f(ratio) * max);
    const flag = Array.from(counts, (c) => c < threshold);
    if (flag.filter(Boolean).length > 0.5 * b) {
      const order = Array.from({ length: k }, (_, i) => i).sort(
        (x, y) => (counts[x] as number) - (counts[y] as number),
      );
      for (const i of order.slice(Math.floor(0.5 * b))) flag[i] = false;
    }
    const targets = flag.flatMap((v, i) => (v ? [i] : []));
    if (targets.length > 0) {
      const picks = rs.choiceWithoutReplacement(b, targets.length);
      targets.forEach((c, t) => {
        const p = picks[t] as number;
        centersNew.set(xb.subarray(p * dims, (p + 1) * dims), c * dims);
      });
    }
    let minKept = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (!flag[c]) minKept = Math.min(minKept, counts[c] as number);
    for (const c of targets) counts[c] = minKept;
  }
  return inertia;
}
