import { type Matrix, normalizedRows } from '../encoder.js';

/** Per-pair scores as mteb computes them for STS and PairClassification (sklearn paired distances). */
export interface PairedScores {
  cosine: Float64Array;
  manhattan: Float64Array;
  euclidean: Float64Array;
  dot: Float64Array;
}

/**
 * `1 − paired_cosine_distances`, `paired_manhattan_distances`, `paired_euclidean_distances` and the
 * per-pair dot product, in float64 from the float32 embeddings (mteb: float32 numpy; the difference is
 * ~1e-7 relative and can only reorder near-ties).
 */
export function pairedScores(a: Matrix, b: Matrix): PairedScores {
  const n = a.n;
  const d = a.dims;
  const na = normalizedRows(a);
  const nb = normalizedRows(b);
  const out: PairedScores = {
    cosine: new Float64Array(n),
    manhattan: new Float64Array(n),
    euclidean: new Float64Array(n),
    dot: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    let diffN = 0;
    let man = 0;
    let euc = 0;
    let dot = 0;
    for (let j = 0; j < d; j++) {
      const x = a.data[i * d + j] as number;
      const y = b.data[i * d + j] as number;
      const dn = (na[i * d + j] as number) - (nb[i * d + j] as number);
      diffN += dn * dn;
      man += Math.abs(x - y);
      euc += (x - y) * (x - y);
      dot += x * y;
    }
    out.cosine[i] = 1 - 0.5 * diffN;
    out.manhattan[i] = man;
    out.euclidean[i] = Math.sqrt(euc);
    out.dot[i] = dot;
  }
  return out;
}
