/**
 * Term-frequency saturation for the static model's pooling. Mean pooling counts a token once per occurrence,
 * so a word repeated five times in a passage pulls its vector five times as hard as a word said once: the
 * linear term frequency that BM25 replaced with a saturating one (its k1). With saturation each distinct token
 * of a text is pooled once, weighted by f(tf): `sqrt` (f = sqrt(tf)) or `log` (f = 1 + ln tf), the damping of
 * Lucene's classic TF-IDF and of SMART's "l" weighting. `linear` is plain mean pooling (model2vec's and
 * sentence-transformers' `StaticEmbedding`), the only mode those libraries reproduce (docs/model-format.md).
 * Pure: no Node APIs (bundled for the browser).
 */
export const TERM_FREQUENCY_MODES = ['linear', 'sqrt', 'log'] as const;
export type TermFrequency = (typeof TERM_FREQUENCY_MODES)[number];

/**
 * The pooling of a new student made by `gecko train` and `gecko distill`. A model without the setting (every
 * model2vec folder, and gecko models from before it) pools linearly. sqrt, trained with, lifted every visible
 * split of the recommended recipe at 256 and 512 dimensions (docs/experiments.md, "Term-frequency pooling").
 */
export const DEFAULT_STUDENT_TERM_FREQUENCY: TermFrequency = 'sqrt';

/** A batch of texts as distinct token ids with one pooling weight each (null weights: every weight is 1). */
export interface WeightedTokens {
  ids: Int32Array;
  offsets: Int32Array;
  weights: Float32Array | null;
}

export function isTermFrequency(value: unknown): value is TermFrequency {
  return typeof value === 'string' && (TERM_FREQUENCY_MODES as readonly string[]).includes(value);
}

/** Per-id scratch, kept between calls (no allocation per text) and reset to zeros after each text. */
let counts = new Int32Array(0);

/**
 * Collapses each text's repeated ids into one entry (in first-occurrence order) weighted by f(tf). `linear`
 * returns the batch as it is.
 *
 * @example
 * saturateTermFrequency(Int32Array.of(7, 3, 7, 7), Int32Array.of(0, 4), 'sqrt');
 * // { ids: [7, 3], offsets: [0, 2], weights: [1.732, 1] }
 */
export function saturateTermFrequency(
  ids: Int32Array,
  offsets: Int32Array,
  mode: TermFrequency,
): WeightedTokens {
  if (mode === 'linear') return { ids, offsets, weights: null };
  let maxId = -1;
  for (let t = 0; t < ids.length; t++) if (ids[t]! > maxId) maxId = ids[t]!;
  if (counts.length <= maxId) counts = new Int32Array(Math.max(maxId + 1, 2 * counts.length));
  const outIds = new Int32Array(ids.length);
  const outOffsets = new Int32Array(offsets.length);
  const tf = new Int32Array(ids.length);
  let n = 0;
  for (let b = 0; b + 1 < offsets.length; b++) {
    const start = offsets[b]!;
    const end = offsets[b + 1]!;
    const first = n;
    // counts[id] holds 1 + the id's slot in this text's output while the text is open, 0 otherwise.
    for (let t = start; t < end; t++) {
      const id = ids[t]!;
      const s = counts[id]!;
      if (s === 0) {
        outIds[n] = id;
        tf[n] = 1;
        n++;
        counts[id] = n - first;
      } else tf[first + s - 1]!++;
    }
    for (let k = first; k < n; k++) counts[outIds[k]!] = 0;
    outOffsets[b + 1] = n;
  }
  const weights = new Float32Array(n);
  for (let k = 0; k < n; k++) weights[k] = mode === 'sqrt' ? Math.sqrt(tf[k]!) : 1 + Math.log(tf[k]!);
  return { ids: outIds.slice(0, n), offsets: outOffsets, weights };
}
