import { minimizeLbfgsb } from './lbfgsb.js';

/**
 * Which scikit-learn generation to reproduce. `'1.4+'` (what current mteb requires): the loss is the mean
 * over samples with penalty `‖W‖²/(2·C·n)`, and L-BFGS-B runs with `ftol = 64·ε`, `maxls = 50`. `'1.2'`
 * (Debian 12's `python3-sklearn`): the summed loss with penalty `‖W‖²/(2C)` and scipy's default
 * `ftol ≈ 2.2e-9`, `maxls = 20`. The optimum is the same; where L-BFGS stops (after a few iterations, at
 * `gtol = 1e-4`) is not, so predictions differ slightly between the two.
 */
export type SklearnGeneration = '1.4+' | '1.2';

/** Options of {@link fitLogisticRegression}; defaults are scikit-learn's `LogisticRegression()` ones. */
export interface LogisticRegressionOptions {
  /** Inverse regularisation strength. @default 1.0 */
  C?: number;
  /** @default 100 */
  maxIter?: number;
  /** L-BFGS-B `gtol`. @default 1e-4 */
  tol?: number;
  /** @default '1.4+' */
  sklearn?: SklearnGeneration;
}

/** A fitted model: `K×(d+1)` weights (intercept last) for K ≥ 3 classes, one `d+1` row when binary. */
export interface LogisticRegressionModel {
  classes: number[];
  dims: number;
  /** Row k holds class k's weights then its intercept; binary models have one row, for `classes[1]`. */
  coef: Float64Array[];
  nIter: number;
}

/**
 * `LogisticRegression(penalty="l2", C=1, solver="lbfgs", max_iter=100, tol=1e-4)` ported from scikit-learn:
 * full softmax over all K classes when K ≥ 3 (symmetric parametrisation), a single logistic vector when
 * K = 2, unpenalised intercepts, zeros as the start, parameters raveled in Fortran order as sklearn hands
 * them to scipy, and the L-BFGS-B of {@link minimizeLbfgsb}.
 *
 * @param X row-major `n×d` features. @param y integer labels.
 * @throws RangeError when there are fewer than two classes or the sizes disagree.
 * @example const m = fitLogisticRegression(X, y, 64); predictLogisticRegression(m, Xtest);
 */
export function fitLogisticRegression(
  X: Float32Array | Float64Array,
  y: ArrayLike<number>,
  dims: number,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const n = y.length;
  if (X.length !== n * dims)
    throw new RangeError(`fitLogisticRegression: X has ${X.length} values, expected ${n}×${dims}`);
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  if (classes.length < 2) throw new RangeError('fitLogisticRegression: needs at least two classes in y');
  const C = options.C ?? 1;
  const gen = options.sklearn ?? '1.4+';
  const scale = gen === '1.4+' ? 1 / n : 1; // loss multiplier
  const l2 = gen === '1.4+' ? 1 / (C * n) : 1 / C;
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const target = Int32Array.from(Array.from(y), (v) => classIndex.get(v) as number);
  const K = classes.length === 2 ? 1 : classes.length;
  const P = (dims + 1) * K;
  const fun =
    K === 1
      ? binaryObjective(X, target, n, dims, scale, l2)
      : softmaxObjective(X, target, n, dims, K, scale, l2);
  const res = minimizeLbfgsb(fun, new Float64Array(P), {
    maxiter: options.maxIter ?? 100,
    gtol: options.tol ?? 1e-4,
    ftol: gen === '1.4+' ? 64 * 2.220446049250313e-16 : 1e7 * 2.220446049250313e-16,
    maxls: gen === '1.4+' ? 50 : 20,
  });
  const coef: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const row = new Float64Array(dims + 1);
    for (let j = 0; j <= dims; j++) row[j] = res.x[j * K + k] as number;
    coef.push(row);
  }
  return { classes, dims, coef, nIter: Math.min(res.nit, options.maxIter ?? 100) };
}

/** Predicted labels: argmax of the decision function (first maximum wins), or `z > 0` for binary models. */
export function predictLogisticRegression(
  model: LogisticRegressionModel,
  X: Float32Array | Float64Array,
): number[] {
  const { dims, coef, classes } = model;
  const n = X.length / dims;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestZ = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < coef.length; k++) {
      const w = coef[k] as Float64Array;
      let z = w[dims] as number;
      for (let j = 0; j < dims; j++) z += (X[i * dims + j] as number) * (w[j] as number);
      if (coef.length === 1) {
        best = z > 0 ? 1 : 0;
        break;
      }
      if (z > bestZ) {
        bestZ = z;
        best = k;
      }
    }
    out[i] = classes[best] as number;
  }
  return out;
}

/** @internal The multinomial objective (loss and gradient), exported for equivalence tests. */
export function softmaxObjective(
  X: Float32Array | Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  K: number,
  scale: number,
  l2: number,
): (w: Float64Array, g: Float64Array) => number {
  // Rows are processed four at a time so each weight is loaded once per block; every sum is still
  // accumulated in the same order as one row at a time, so results are bit-identical to the plain loop.
  const R = new Float64Array(4 * K);
  const block: RowBlock = { X, d, K, bn: 0, o0: 0, o1: 0, o2: 0, o3: 0 };
  return (w, g) => {
    g.fill(0);
    let loss = 0;
    for (let i0 = 0; i0 < n; i0 += 4) {
      block.bn = Math.min(4, n - i0);
      block.o0 = i0 * d;
      // Missing rows of a partial block read row i0 with zero weight (their logits are never used).
      block.o1 = block.bn > 1 ? block.o0 + d : block.o0;
      block.o2 = block.bn > 2 ? block.o0 + 2 * d : block.o0;
      block.o3 = block.bn > 3 ? block.o0 + 3 * d : block.o0;
      blockLogits(block, w, R);
      loss = blockResiduals(block, R, y, i0, loss);
      blockGradient(block, R, g);
    }
    return penalised(w, g, d * K, K, scale, l2, loss);
  };
}

/** Up to four consecutive rows of `X` (offsets `o0..o3`; `bn` of them are real) for the softmax objective. */
interface RowBlock {
  X: Float32Array | Float64Array;
  d: number;
  K: number;
  bn: number;
  o0: number;
  o1: number;
  o2: number;
  o3: number;
}

/** R[b·K + k] = z_bk = intercept_k + x_b·w_k for the block's rows (0 for missing rows). */
function blockLogits(block: RowBlock, w: Float64Array, R: Float64Array): void {
  const { X, d, K, bn, o0, o1, o2, o3 } = block;
  const dK = d * K;
  const K2 = 2 * K;
  const K3 = 3 * K;
  for (let b = 0; b < 4; b++) for (let k = 0; k < K; k++) R[b * K + k] = b < bn ? (w[dK + k] as number) : 0;
  for (let j = 0; j < d; j++) {
    const x0 = X[o0 + j] as number;
    const x1 = X[o1 + j] as number;
    const x2 = X[o2 + j] as number;
    const x3 = X[o3 + j] as number;
    const base = j * K;
    for (let k = 0; k < K; k++) {
      const wk = w[base + k] as number;
      R[k] = (R[k] as number) + x0 * wk;
      R[K + k] = (R[K + k] as number) + x1 * wk;
      R[K2 + k] = (R[K2 + k] as number) + x2 * wk;
      R[K3 + k] = (R[K3 + k] as number) + x3 * wk;
    }
  }
}

/**
 * Adds the block's cross-entropy terms to `loss` (row by row, in order) and turns R into p − onehot
 * (0 for missing rows, which then add nothing to the gradient).
 */
function blockResiduals(block: RowBlock, R: Float64Array, y: Int32Array, i0: number, loss: number): number {
  const { K, bn } = block;
  for (let b = 0; b < 4; b++) {
    const off = b * K;
    if (b >= bn) {
      for (let k = 0; k < K; k++) R[off + k] = 0;
      continue;
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) max = Math.max(max, R[off + k] as number);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp((R[off + k] as number) - max);
      R[off + k] = e;
      sum += e;
    }
    const yi = y[i0 + b] as number;
    loss += Math.log(sum) + max - (Math.log(R[off + yi] as number) + max);
    // R now holds exp(z − max); turn it into p − onehot.
    for (let k = 0; k < K; k++) R[off + k] = (R[off + k] as number) / sum - (k === yi ? 1 : 0);
  }
  return loss;
}

/** g_jk += Σ_b x_bj·R_bk (rows in order), and the intercepts' g_k += Σ_b R_bk. */
function blockGradient(block: RowBlock, R: Float64Array, g: Float64Array): void {
  const { X, d, K, bn, o0, o1, o2, o3 } = block;
  const dK = d * K;
  const K2 = 2 * K;
  const K3 = 3 * K;
  for (let j = 0; j < d; j++) {
    const x0 = X[o0 + j] as number;
    const x1 = X[o1 + j] as number;
    const x2 = X[o2 + j] as number;
    const x3 = X[o3 + j] as number;
    const base = j * K;
    for (let k = 0; k < K; k++) {
      let v = g[base + k] as number;
      v += x0 * (R[k] as number);
      v += x1 * (R[K + k] as number);
      v += x2 * (R[K2 + k] as number);
      v += x3 * (R[K3 + k] as number);
      g[base + k] = v;
    }
  }
  for (let b = 0; b < bn; b++)
    for (let k = 0; k < K; k++) g[dK + k] = (g[dK + k] as number) + (R[b * K + k] as number);
}

/** Scales the data term and adds the L2 penalty on the `dK` weights (intercepts unpenalised); returns f. */
function penalised(
  w: Float64Array,
  g: Float64Array,
  dK: number,
  K: number,
  scale: number,
  l2: number,
  loss: number,
): number {
  let pen = 0;
  for (let p = 0; p < dK; p++) {
    const v = w[p] as number;
    pen += v * v;
    g[p] = (g[p] as number) * scale + l2 * v;
  }
  for (let k = 0; k < K; k++) g[dK + k] = (g[dK + k] as number) * scale;
  return loss * scale + 0.5 * l2 * pen;
}

/** @internal The binary logistic objective, exported for tests. */
export function binaryObjective(
  X: Float32Array | Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  scale: number,
  l2: number,
): (w: Float64Array, g: Float64Array) => number {
  return (w, g) => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let z = w[d] as number;
      for (let j = 0; j < d; j++) z += (X[off + j] as number) * (w[j] as number);
      const t = y[i] as number;
      // log(1 + e^z) − t·z, computed stably as sklearn's HalfBinomialLoss does.
      loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - t * z;
      const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const r = p - t;
      for (let j = 0; j < d; j++) g[j] = (g[j] as number) + (X[off + j] as number) * r;
      g[d] = (g[d] as number) + r;
    }
    let pen = 0;
    for (let j = 0; j < d; j++) {
      const v = w[j] as number;
      pen += v * v;
      g[j] = (g[j] as number) * scale + l2 * v;
    }
    g[d] = (g[d] as number) * scale;
    return loss * scale + 0.5 * l2 * pen;
  };
}
