/**
 * Principal component analysis of a row-major float32 matrix (rows = samples), as model2vec reduces a
 * teacher's token vectors to the student's width. The covariance (cols x cols) is accumulated with the
 * project's GEMM kernel over row chunks (a 30k x 1024 vocabulary is 30 GFLOP: the SIMD kernel makes that
 * seconds, where ml-matrix's or ml-pca's array-of-arrays products take minutes and hold the data twice as
 * float64); the symmetric eigendecomposition itself comes from ml-matrix (Householder tridiagonalisation
 * + QL), a well-kept implementation of the part that is easy to get subtly wrong.
 * Pure: no I/O.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { selectGemm } from './kernels.js';

/** A fitted PCA: `components` rows are unit eigenvectors of the covariance, by decreasing variance. */
export interface Pca {
  /** Input width. */
  cols: number;
  /** Number of components kept. */
  k: number;
  /** Column means of the fitted data (length cols). */
  mean: Float32Array;
  /** k x cols, row-major; each row has unit norm and its largest-magnitude entry positive. */
  components: Float32Array;
  /** Variance along each component (sample covariance, n - 1), decreasing. */
  variances: Float64Array;
  /** Total variance of the data (trace of the covariance): `sum(variances) / totalVariance` is the share kept. */
  totalVariance: number;
}

/** Rows per GEMM call when accumulating the covariance (bounds the transposed copy's memory). */
const CHUNK_ROWS = 2048;

/**
 * Fits a PCA with `k` components to `data` (rows x cols, row-major).
 * @throws RangeError when the shape is inconsistent, there are fewer than two rows, or k is not in 1..cols.
 * @example
 * const pca = fitPca(vectors, 30522, 768, 256);
 * const reduced = projectPca(pca, vectors, 30522); // 30522 x 256
 */
export function fitPca(data: Float32Array, rows: number, cols: number, k: number): Pca {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows * cols !== data.length)
    throw new RangeError(`PCA: data has ${data.length} values, expected rows ${rows} x cols ${cols}`);
  if (rows < 2) throw new RangeError(`PCA needs at least 2 rows, got ${rows}`);
  if (!Number.isInteger(k) || k < 1 || k > cols)
    throw new RangeError(`PCA: components must be an integer in 1..${cols}, got ${k}`);
  const mean64 = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean64[c]! += data[r * cols + c]!;
  for (let c = 0; c < cols; c++) mean64[c]! /= rows;
  const mean = Float32Array.from(mean64);

  // cov = Xc^T Xc / (n - 1), summed chunk by chunk in float64: C_chunk = T . T^T with T = chunk^T.
  const { gemmNT } = selectGemm();
  const cov = new Float64Array(cols * cols);
  const part = new Float32Array(cols * cols);
  const t = new Float32Array(cols * Math.min(CHUNK_ROWS, rows));
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - start);
    for (let r = 0; r < n; r++) {
      const base = (start + r) * cols;
      for (let c = 0; c < cols; c++) t[c * n + r] = data[base + c]! - mean[c]!;
    }
    gemmNT(t.subarray(0, cols * n), t.subarray(0, cols * n), cols, cols, n, part);
    for (let i = 0; i < cov.length; i++) cov[i]! += part[i]!;
  }
  const m = new Matrix(cols, cols);
  let trace = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < cols; j++) {
      // Symmetrise: float32 partial sums can differ in the last bit between (i, j) and (j, i).
      const v = (cov[i * cols + j]! + cov[j * cols + i]!) / 2 / (rows - 1);
      m.set(i, j, v);
    }
    trace += m.get(i, i);
  }
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  // Decreasing variance, ties by index, so Matryoshka prefixes keep the most variance deterministically.
  const order = values
    .map((_, i) => i)
    .sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  const components = new Float32Array(k * cols);
  const variances = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const col = order[j] as number;
    variances[j] = Math.max(0, values[col] as number);
    // Sign convention: the largest-magnitude entry is positive (eigenvectors are defined up to sign).
    let big = 0;
    for (let c = 0; c < cols; c++) {
      const v = vectors.get(c, col);
      if (Math.abs(v) > Math.abs(big)) big = v;
    }
    const sign = big < 0 ? -1 : 1;
    for (let c = 0; c < cols; c++) components[j * cols + c] = sign * vectors.get(c, col);
  }
  return { cols, k, mean, components, variances, totalVariance: trace };
}

/**
 * Projects rows onto a fitted PCA: `(x - mean) . components^T`, rows x k.
 * @throws RangeError when `data` does not have `rows` rows of the PCA's width.
 * @example const reduced = projectPca(pca, vectors, rows);
 */
export function projectPca(pca: Pca, data: Float32Array, rows: number): Float32Array {
  const { cols, k } = pca;
  if (data.length !== rows * cols)
    throw new RangeError(`PCA projection: data has ${data.length} values, expected ${rows} x ${cols}`);
  const centred = new Float32Array(data.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) centred[r * cols + c] = data[r * cols + c]! - pca.mean[c]!;
  const out = new Float32Array(rows * k);
  selectGemm().gemmNT(centred, pca.components, rows, k, cols, out);
  return out;
}
