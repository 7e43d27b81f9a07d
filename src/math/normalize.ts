/**
 * Row-wise L2 normalisation and its backward pass. Matryoshka truncation normalises a prefix of each row,
 * so both functions take the source row stride separately from the prefix width.
 * Pure: no I/O, no Node APIs.
 */

/** Smallest norm treated as non-zero: a zero vector stays zero instead of becoming NaN. */
export const NORM_EPS = 1e-12;

/**
 * Writes the L2-normalised first `width` components of each of `rows` rows of `src` (row stride `stride`)
 * into `dst` (rows x width) and each row's norm into `norms`.
 *
 * @example
 * l2NormalizeRows(pooled, 32, 256, 64, prefix, norms); // 64-dim Matryoshka prefix
 */
export function l2NormalizeRows(
  src: Float32Array,
  rows: number,
  stride: number,
  width: number,
  dst: Float32Array,
  norms: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const s = r * stride;
    const o = r * width;
    let sq = 0;
    for (let c = 0; c < width; c++) {
      const v = src[s + c]!;
      sq += v * v;
    }
    const norm = Math.sqrt(sq);
    norms[r] = norm;
    const inv = norm > NORM_EPS ? 1 / norm : 0;
    for (let c = 0; c < width; c++) dst[o + c] = src[s + c]! * inv;
  }
}

/**
 * Backward of {@link l2NormalizeRows}: with y = x / |x| and upstream gy, dx = (gy - y (y . gy)) / |x|,
 * accumulated (+=) into the first `width` components of each row of `gx` (row stride `stride`).
 */
export function l2NormalizeBackward(
  y: Float32Array,
  gy: Float32Array,
  norms: Float32Array,
  rows: number,
  width: number,
  gx: Float32Array,
  stride: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    const norm = norms[r]!;
    if (norm <= NORM_EPS) continue;
    let dot = 0;
    for (let c = 0; c < width; c++) dot += y[o + c]! * gy[o + c]!;
    const inv = 1 / norm;
    const g = r * stride;
    for (let c = 0; c < width; c++) gx[g + c]! += (gy[o + c]! - y[o + c]! * dot) * inv;
  }
}

/** Normalises one vector in place; returns it. A zero vector stays zero. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  const norm = Math.sqrt(sq);
  if (norm > NORM_EPS) {
    const inv = 1 / norm;
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}
