import { selectGemm } from '../math/kernels.js';

/** The best `k` rows for each query: row numbers and their scores (dot products), best first. */
export interface TopK {
  keys: Int32Array;
  scores: Float32Array;
}

/** Rows scored per block: bounds the score buffer (queries x block floats) on million-row corpora. */
const BLOCK_ROWS = 4096;

/**
 * Exact top-k by dot product (cosine for normalised rows) of `nq` queries against `n` rows, both row-major
 * with `dims` columns. Scores come from the project's gemm kernel in blocks of rows; ties keep the lower row
 * number first, so results are deterministic. The reference the HNSW index's recall is measured against.
 * Pure: no I/O, no Node APIs.
 *
 * @example
 * const [top] = exactSearch(queryVec, 1, table, rows, 256, 10);
 */
export function exactSearch(
  queries: Float32Array,
  nq: number,
  data: Float32Array,
  n: number,
  dims: number,
  k: number,
): TopK[] {
  const kk = Math.min(k, n);
  const { gemmNT } = selectGemm();
  const best = Array.from({ length: nq }, () => ({
    keys: new Int32Array(kk).fill(-1),
    scores: new Float32Array(kk).fill(Number.NEGATIVE_INFINITY),
  }));
  const block = new Float32Array(nq * Math.min(BLOCK_ROWS, n));
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, n - start);
    gemmNT(queries, data.subarray(start * dims, (start + rows) * dims), nq, rows, dims, block);
    for (let q = 0; q < nq; q++) {
      const top = best[q]!;
      const off = q * rows;
      for (let r = 0; r < rows; r++) {
        const s = block[off + r]!;
        if (s > top.scores[kk - 1]!) insert(top, s, start + r, kk);
      }
    }
  }
  return best;
}

/** Inserts (score, key) into a descending list of length k, dropping the last; strict `>` keeps ties stable. */
function insert(top: TopK, score: number, key: number, k: number): void {
  let i = k - 1;
  while (i > 0 && score > top.scores[i - 1]!) {
    top.scores[i] = top.scores[i - 1]!;
    top.keys[i] = top.keys[i - 1]!;
    i--;
  }
  top.scores[i] = score;
  top.keys[i] = key;
}

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
