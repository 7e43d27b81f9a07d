import { compareCodePoints } from '../metrics/compareIds.js';

/** One query's retrieved documents, best first. */
export interface Hits {
  docs: Int32Array;
  scores: Float32Array;
}

/**
 * Exact top-k search by dot product of L2-normalised float32 rows (cosine), as mteb's
 * `SearchEncoderWrapper` does: scores are float32 (stored through a `Float32Array`, so equal-looking
 * scores tie as they do in torch), ties keep the larger doc id (the heap evicts the smaller one first, and
 * trec_eval ranks ties by docno descending). Queries are scored in blocks so each document row is read once
 * per block from cache, and only the top `k` are sorted.
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
  const out: Hits[] = [];
  const BLOCK = 8;
  const scores = Array.from({ length: BLOCK }, () => new Float32Array(nd));
  for (let q0 = 0; q0 < nq; q0 += BLOCK) {
    const qn = Math.min(BLOCK, nq - q0);
    if (!candidates) {
      for (let j = 0; j < nd; j++) {
        const off = j * dims;
        for (let b = 0; b < qn; b++) {
          const qoff = (q0 + b) * dims;
          let s = 0;
          for (let t = 0; t < dims; t++) s += (queries[qoff + t] as number) * (docs[off + t] as number);
          (scores[b] as Float32Array)[j] = s;
        }
      }
    }
    for (let b = 0; b < qn; b++) {
      const cand = candidates?.[q0 + b];
      if (candidates) {
        const list = cand ?? new Int32Array(0);
        const sc = new Float32Array(list.length);
        const qoff = (q0 + b) * dims;
        list.forEach((j, c) => {
          let s = 0;
          for (let t = 0; t < dims; t++) s += (queries[qoff + t] as number) * (docs[j * dims + t] as number);
          sc[c] = s;
        });
        out.push(selectTop(sc, list, idRank, k));
      } else out.push(selectTop(scores[b] as Float32Array, null, idRank, k));
    }
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
