/**
 * The project's one exact top-k: selection over a score list ({@link topKIndices}) and the blocked
 * dot-product search built on it and the gemm kernel ({@link exactTopK}). The serving index, the FRet dense
 * retriever and the MTEB retrieval evaluator all call these, so all of them share one tie rule:
 *
 * **Equal scores rank by `tieRank` ascending; without one, by position (the lower row first).** A caller
 * that needs another order states it as ranks (the evaluator passes reversed doc-id order, as trec_eval
 * ranks ties), rather than writing its own selection.
 * Pure: no I/O, no Node APIs.
 */
import { selectGemm } from './kernels.js';

/** The best `k` rows for one query: row numbers and their scores (dot products), best first. */
export interface TopK {
  keys: Int32Array;
  scores: Float32Array;
}

/** Options of {@link exactTopK}. */
export interface ExactTopKOptions {
  /** Tie order per row (see the module's tie rule). @default the row number */
  tieRank?: ArrayLike<number>;
}

/** Score-buffer size (floats) per gemm call: bounds memory on large corpora (64 MB). */
const BLOCK_FLOATS = 16_000_000;
/** Most query rows per gemm call: enough to amortise copying the rows into the kernel. */
const MAX_QUERY_BLOCK = 256;

/**
 * Indices of the `k` largest of `scores`, best first, ties by `tieRank` ascending (default the index).
 * A bounded min-heap: O(n log k), and only scores that beat the current k-th are touched.
 *
 * @example
 * topKIndices(Float32Array.from([0.1, 0.9, 0.5, 0.9]), 2); // [1, 3]
 */
export function topKIndices(scores: ArrayLike<number>, k: number, tieRank?: ArrayLike<number>): number[] {
  const kk = Math.max(0, Math.min(Math.floor(k), scores.length));
  if (kk === 0) return [];
  const rank = (i: number): number => (tieRank ? tieRank[i]! : i);
  // `worse(a, b)`: a ranks after b under the tie rule.
  const worse = (a: number, b: number): boolean => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    return sa < sb || (sa === sb && rank(a) > rank(b));
  };
  const heap: number[] = []; // heap[0] is the worst of the best so far
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const r = l + 1;
      const w = r < heap.length && worse(heap[r]!, heap[l]!) ? r : l;
      if (!worse(heap[w]!, heap[i]!)) return;
      [heap[i], heap[w]] = [heap[w]!, heap[i]!];
      i = w;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (heap.length < kk) {
      heap.push(i);
      let c = heap.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(heap[c]!, heap[p]!)) break;
        [heap[c], heap[p]] = [heap[p]!, heap[c]!];
        c = p;
      }
    } else if (worse(heap[0]!, i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}

/**
 * Exact top-k by dot product (cosine for normalised rows) of `nq` queries against `n` rows, both row-major
 * with `dims` columns. Scores are float32 sums from the project's gemm kernel (`selectGemm`), computed for
 * blocks of queries against all rows so the score buffer stays bounded; selection and ties as in
 * {@link topKIndices}. At most `min(k, n)` results per query.
 *
 * @example
 * const [top] = exactTopK(queryVec, 1, table, rows, 256, 10);
 */
export function exactTopK(
  queries: Float32Array,
  nq: number,
  data: Float32Array,
  n: number,
  dims: number,
  k: number,
  options: ExactTopKOptions = {},
): TopK[] {
  const out: TopK[] = [];
  if (nq === 0) return out;
  const { gemmNT } = selectGemm();
  const qBlock = Math.max(1, Math.min(MAX_QUERY_BLOCK, Math.floor(BLOCK_FLOATS / Math.max(1, n))));
  const block = new Float32Array(Math.min(qBlock, nq) * n);
  const rows = data.subarray(0, n * dims);
  for (let q0 = 0; q0 < nq; q0 += qBlock) {
    const qn = Math.min(qBlock, nq - q0);
    if (n > 0) gemmNT(queries.subarray(q0 * dims, (q0 + qn) * dims), rows, qn, n, dims, block);
    for (let b = 0; b < qn; b++) {
      const scores = block.subarray(b * n, (b + 1) * n);
      const keys = topKIndices(scores, k, options.tieRank);
      out.push({ keys: Int32Array.from(keys), scores: Float32Array.from(keys, (i) => scores[i]!) });
    }
  }
  return out;
}
