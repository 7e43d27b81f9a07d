import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { createRng } from './rng.js';

/** A sparse matrix in compressed-row form (rows x cols). */
export interface CsrMatrix {
  rows: number;
  cols: number;
  /** rowPtr[r]..rowPtr[r+1] index `colIdx`/`values` for row r. */
  rowPtr: Int32Array | Float64Array;
  colIdx: Int32Array;
  values: Float32Array;
}

export interface RandomizedSvdOptions {
  /** Extra random directions beyond `rank` (better accuracy for the last components). @default 16 */
  oversample?: number;
  /** Power iterations (sharpen the spectrum; 1-2 is usual). @default 2 */
  powerIterations?: number;
  /** @default 42 */
  seed?: number;
}

/** The leading `rank` singular triplets: `u` is rows x rank row-major, singular values in descending order. */
export interface TruncatedSvd {
  u: Float64Array;
  s: Float64Array;
  rank: number;
}

/**
 * Truncated SVD of a large sparse matrix by the randomized range finder (Halko, Martinsson & Tropp 2011,
 * Algorithm 4.4 with power iterations): only sparse x dense products and a small dense eigenproblem, so a
 * 30k x 30k co-occurrence matrix with millions of entries takes seconds. ml-matrix solves the small
 * (rank + oversample)^2 eigenproblem; the sparse products are written here because no maintained npm
 * package multiplies CSR by dense blocks.
 */
export function randomizedSvd(m: CsrMatrix, rank: number, options: RandomizedSvdOptions = {}): TruncatedSvd {
  const k = Math.min(rank + (options.oversample ?? 16), m.rows, m.cols);
  const rng = createRng(options.seed ?? 42);
  const omega = new Float64Array(m.cols * k);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  let y = orthonormalize(multiply(m, omega, k), m.rows, k);
  for (let it = 0; it < (options.powerIterations ?? 2); it++) {
    const z = orthonormalize(multiply(m, y, k, true), m.cols, k);
    y = orthonormalize(multiply(m, z, k), m.rows, k);
  }
  // B = Q^T M (k x cols); B B^T = Q^T M M^T Q has eigenvectors W and eigenvalues s^2; U = Q W.
  const bt = multiply(m, y, k, true); // cols x k = B^T
  const gram = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let dot = 0;
      for (let r = 0; r < m.cols; r++) dot += bt[r * k + a]! * bt[r * k + b]!;
      gram.set(a, b, dot);
      gram.set(b, a, dot);
    }
  }
  const eig = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const w = eig.eigenvectorMatrix;
  const r = Math.min(rank, k);
  const u = new Float64Array(m.rows * r);
  for (let row = 0; row < m.rows; row++) {
    for (let c = 0; c < r; c++) {
      const col = order[c]!;
      let sum = 0;
      for (let j = 0; j < k; j++) sum += y[row * k + j]! * w.get(j, col);
      u[row * r + c] = sum;
    }
  }
  const s = Float64Array.from(order.slice(0, r), (i) => Math.sqrt(Math.max(0, values[i]!)));
  return { u, s, rank: r };
}

/** M (rows x cols), or M^T with `transpose`, times a dense row-major block with k columns. */
function multiply(m: CsrMatrix, x: Float64Array, k: number, transpose = false): Float64Array {
  const out = new Float64Array((transpose ? m.cols : m.rows) * k);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.rowPtr[r]!; p < m.rowPtr[r + 1]!; p++) {
      const v = m.values[p]!;
      const c = m.colIdx[p]!;
      // M x: out[r] += v x[c]; M^T x: out[c] += v x[r].
      const o = (transpose ? c : r) * k;
      const xo = (transpose ? r : c) * k;
      for (let j = 0; j < k; j++) out[o + j]! += v * x[xo + j]!;
    }
  }
  return out;
}

/** Orthonormal columns spanning those of a rows x k row-major block (modified Gram-Schmidt, twice). */
function orthonormalize(a: Float64Array, rows: number, k: number): Float64Array {
  // Column-major for contiguous column operations.
  const cols: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const c = new Float64Array(rows);
    for (let r = 0; r < rows; r++) c[r] = a[r * k + j]!;
    cols.push(c);
  }
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      const cj = cols[j]!;
      for (let i = 0; i < j; i++) {
        const ci = cols[i]!;
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += ci[r]! * cj[r]!;
        for (let r = 0; r < rows; r++) cj[r]! -= dot * ci[r]!;
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += cj[r]! * cj[r]!;
      norm = Math.sqrt(norm);
      // A column in the span of the earlier ones (rank-deficient input) becomes zero, not noise.
      const inv = norm > 1e-12 ? 1 / norm : 0;
      for (let r = 0; r < rows; r++) cj[r]! *= inv;
    }
  }
  const out = new Float64Array(rows * k);
  for (let j = 0; j < k; j++) {
    const c = cols[j]!;
    for (let r = 0; r < rows; r++) out[r * k + j] = c[r]!;
  }
  return out;
}
