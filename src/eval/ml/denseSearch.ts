import { exactTopK, topKIndices } from '../../math/topK.js';
import { compareCodePoints } from '../metrics/compareIds.js';

/** One query's retrieved documents, best first. */
export interface Hits {
  docs: Int32Array;
  scores: Float32Array;
}

/**
 * Exact top-k search by dot product of L2-normalised float32 rows (cosine), as mteb's
 * `SearchEncoderWrapper` does: scores are float32 products summed in float32 by the project's GEMM kernel
 * (as torch's matmul does, so equal-looking scores tie as they do there), and ties keep the larger doc id
 * (the heap evicts the smaller one first, and trec_eval ranks ties by docno descending): the one top-k
 * kernel (`src/math/topK.ts`) with reversed doc-id order as its tie ranks.
 *
 * @example const hits = denseTopK(q, d, dims, docIds, 1000);
 */
export function denseTopK(
  queries: Float32Array,
  docs: Float32Array,
  dims: number,
  docIds: readonly string[],
  k: number,
  candidates?: readonly (Int32Array | null)[],
): Hits[] {
  const nq = queries.length / dims;
  const nd = docs.length / dims;
  const tieRank = reversedIdRanks(docIds);
  if (candidates)
    // Reranking: each query scores only its own candidate list.
    return Array.from({ length: nq }, (_, q) => {
      const list = candidates[q] ?? new Int32Array(0);
      const sc = new Float32Array(list.length);
      const qoff = q * dims;
      list.forEach((j, c) => {
        let s = 0;
        for (let t = 0; t < dims; t++) s += (queries[qoff + t] as number) * (docs[j * dims + t] as number);
        sc[c] = s;
      });
      const picked = topKIndices(
        sc,
        k,
        Int32Array.from(list, (j) => tieRank[j] as number),
      );
      return {
        docs: Int32Array.from(picked, (i) => list[i] as number),
        scores: Float32Array.from(picked, (i) => sc[i] as number),
      };
    });
  return exactTopK(queries, nq, docs, nd, dims, k, { tieRank }).map((t) => ({
    docs: t.keys,
    scores: t.scores,
  }));
}

/** Tie ranks for the top-k kernel: the larger id (in code-point order) ranks first. */
function reversedIdRanks(ids: readonly string[]): Int32Array {
  const order = ids.map((_, i) => i).sort((a, b) => compareCodePoints(ids[b] as string, ids[a] as string));
  const rank = new Int32Array(ids.length);
  order.forEach((doc, r) => {
    rank[doc] = r;
  });
  return rank;
}
