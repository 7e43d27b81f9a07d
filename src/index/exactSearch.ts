/**
 * Exact top-k by dot product (cosine for normalised rows): the project's one kernel (`src/math/topK.ts`: gemm
 * scores, ties keep the lower row number first), under the name the vector index uses for the reference its
 * HNSW recall is measured against.
 *
 * @example
 * const [top] = exactSearch(queryVec, 1, table, rows, 256, 10);
 */
export { exactTopK as exactSearch, type TopK } from '../math/topK.js';

/**
 * recall@k of approximate results against exact ones: the mean over queries of |approx ∩ exact| / |exact|.
 *
 * @example
 * recallAtK(hnswKeys, exactKeys, 10); // 0.97
 */
export function recallAtK(
  approx: readonly ArrayLike<number>[],
  exact: readonly ArrayLike<number>[],
  k: number,
): number {
  if (approx.length !== exact.length)
    throw new RangeError(`${approx.length} approximate result lists for ${exact.length} exact ones`);
  if (exact.length === 0) return 0;
  let sum = 0;
  for (let q = 0; q < exact.length; q++) {
    const truth = new Set<number>();
    const e = exact[q]!;
    for (let i = 0; i < Math.min(k, e.length); i++) if (e[i]! >= 0) truth.add(e[i]!);
    if (truth.size === 0) continue;
    let hit = 0;
    const a = approx[q]!;
    for (let i = 0; i < Math.min(k, a.length); i++) if (truth.has(a[i]!)) hit++;
    sum += hit / truth.size;
  }
  return sum / exact.length;
}
