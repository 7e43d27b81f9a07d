/**
 * The rows `idx` of a row-major `·×dims` matrix, copied in that order into a new `idx.length×dims` one.
 * @example gatherRows(emb.data, emb.dims, [3, 0, 3]) // rows 3, 0 and 3 again
 */
export function gatherRows(X: Float32Array, dims: number, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * dims);
  for (let i = 0; i < idx.length; i++)
    out.set(X.subarray((idx[i] as number) * dims, ((idx[i] as number) + 1) * dims), i * dims);
  return out;
}
