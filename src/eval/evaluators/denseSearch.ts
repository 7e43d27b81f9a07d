import { selectGemm } from '../../math/kernels.js';
import { compareCodePoints } from '../metrics/compareIds.js';

/** One query's retrieved documents, best first. */
export interface Hits {
  docs: Int32Array;
  scores: Float32Array;
}

/**
 * Exact top-k search by dot product of L2-normalised float32 rows (cosine), as mteb's
 * `SearchEncoderWrapper` does: scores are float32 products summed in float32 (as torch's matmul does, so
 * equal-looking scores tie as they do there), ties keep the larger doc id (the heap evicts the smaller one
 * first, and trec_eval ranks ties by docno descending). Blocks of queries go through the project's GEMM
 * kernel (`src/math`, WebAssembly SIMD), and only each query's top `k` are sorted.
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
  const idRank = idRanks(docIds);
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
      return selectTop(sc, list, idRank, k);
    });
  const { gemmNT } = selectGemm();
  const out: Hits[] = [];
  // Query rows per GEMM call: enough to amortise copying the corpus into the kernel, bounded in memory.
  const BLOCK = Math.max(1, Math.min(256, Math.floor(16_000_000 / Math.max(1, nd))));
  const block = new Float32Array(BLOCK * nd);
  for (let q0 = 0; q0 < nq; q0 += BLOCK) {
    const qn = Math.min(BLOCK, nq - q0);
    gemmNT(queries.subarray(q0 * dims, (q0 + qn) * dims), docs, qn, nd, dims, block);
    for (let b = 0; b < qn; b++) out.push(selectTop(block.subarray(b * nd, (b + 1) * nd), null, idRank, k));
  }
  return out;
}

/** Ranks of ids in code-point order, so ties compare by an integer. */
function idRanks(ids: readonly string[]): Int32Array {
  const order = ids.map((_, i) => i).sort((a, b) => compareCodePoints(ids[a] as string, ids[b] as string));
  const rank = new Int32Array(ids.length);
  order.forEach((doc, r) => {
    rank[doc] = r;
  });
  return rank;
}

function selectTop(scores: Float32Array, docOf: Int32Array | null, idRank: Int32Array, k: number): Hits {
  const n = scores.length;
  let threshold = Number.NEGATIVE_INFINITY;
  if (n > k) {
    const sorted = Float32Array.from(scores).sort();
    threshold = sorted[n - k] as number;
  }
  const picked: number[] = [];
  for (let i = 0; i < n; i++) if ((scores[i] as number) >= threshold) picked.push(i);
  const doc = (i: number): number => (docOf ? (docOf[i] as number) : i);
  picked.sort(
    (a, b) =>
      (scores[b] as number) - (scores[a] as number) ||
      (idRank[doc(b)] as number) - (idRank[doc(a)] as number),
  );
  const m = Math.min(k, picked.length);
  const hits: Hits = { docs: new Int32Array(m), scores: new Float32Array(m) };
  for (let r = 0; r < m; r++) {
    const i = picked[r] as number;
    hits.docs[r] = doc(i);
    hits.scores[r] = scores[i] as number;
  }
  return hits;
}
