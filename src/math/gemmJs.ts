/**
 * C = A . B^T in plain JavaScript with 4 x 4 register tiles: 16 running sums per pass over K, so each loaded
 * value is used four times. About 4-5x a naive triple loop here; the WebAssembly SIMD kernel
 * (gemmWasm.ts) is faster still and is the default where WebAssembly is available (see bench/train.bench.ts).
 * Pure: no I/O, no Node APIs.
 */

/**
 * Computes C (M x N) = A (M x K) . B (N x K)^T, all row-major and contiguous; C is overwritten.
 *
 * @example
 * gemmNTJs(q, p, 256, 256, 64, sims); // cosine similarities of normalised rows
 */
export function gemmNTJs(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  c: Float32Array,
): Float32Array {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k;
      const b1 = b0 + k;
      const b2 = b1 + k;
      const b3 = b2 + k;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let t = 0; t < k; t++) {
        const x0 = a[a0 + t]!;
        const x1 = a[a1 + t]!;
        const x2 = a[a2 + t]!;
        const x3 = a[a3 + t]!;
        const y0 = b[b0 + t]!;
        const y1 = b[b1 + t]!;
        const y2 = b[b2 + t]!;
        const y3 = b[b3 + t]!;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      const r0 = i * n + j;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      c[r0] = c00;
      c[r0 + 1] = c01;
      c[r0 + 2] = c02;
      c[r0 + 3] = c03;
      c[r1] = c10;
      c[r1 + 1] = c11;
      c[r1 + 2] = c12;
      c[r1 + 3] = c13;
      c[r2] = c20;
      c[r2 + 1] = c21;
      c[r2 + 2] = c22;
      c[r2 + 3] = c23;
      c[r3] = c30;
      c[r3 + 1] = c31;
      c[r3 + 2] = c32;
      c[r3 + 3] = c33;
    }
    for (let r = i; r < i + 4; r++) for (let j = n4; j < n; j++) c[r * n + j] = dot(a, r * k, b, j * k, k);
  }
  for (let i = m4; i < m; i++) for (let j = 0; j < n; j++) c[i * n + j] = dot(a, i * k, b, j * k, k);
  return c;
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, k: number): number {
  let s = 0;
  for (let t = 0; t < k; t++) s += a[ao + t]! * b[bo + t]!;
  return s;
}

/** Naive C = A . B^T: the reference the tiled and SIMD kernels are tested against. */
export function gemmNTNaive(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  c: Float32Array,
): Float32Array {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[i * n + j] = dot(a, i * k, b, j * k, k);
  return c;
}

/** Writes the transpose of A (rows x cols) into `out` (cols x rows). */
export function transpose(a: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[r + j]!;
  }
  return out;
}
