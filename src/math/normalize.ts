/**
 * The project's one L2 normalisation (rows, single vectors) and its backward pass. Matryoshka truncation
 * normalises a prefix of each row, so the row functions take the source row stride separately from the
 * prefix width. Every part (model, serve, train, eval, fret, quantisation) calls these instead of its own
 * loop, so all of them share one zero guard: {@link NORM_EPS}.
 * Pure: no I/O, no Node APIs.
 */

/**
 * The zero guard: a vector whose norm is at most this is all zeros afterwards (instead of NaN, or of the
 * huge values dividing by a denormal norm would give). Torch's `F.normalize` divides by `max(norm, 1e-12)`
 * instead; the two differ only for vectors shorter than 1e-12, which carry no direction worth ranking by.
 */
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

/** Normalises one vector in place; returns it. A vector at or under {@link NORM_EPS} becomes zeros. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  const norm = Math.sqrt(sq);
  const inv = norm > NORM_EPS ? 1 / norm : 0;
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

/** A normalised copy of the first `width` components of `v` (all of it by default); `v` is unchanged. */
export function normalized(v: Float32Array, width = v.length): Float32Array {
  return normalizeInPlace(v.slice(0, width));
}

/** A new `rows` x `dims` matrix holding each row of `data` normalised (see {@link l2NormalizeRows}). */
export function normalizedRows(data: Float32Array, rows: number, dims: number): Float32Array {
  const out = new Float32Array(rows * dims);
  l2NormalizeRows(data, rows, dims, dims, out, new Float32Array(rows));
  return out;
}
