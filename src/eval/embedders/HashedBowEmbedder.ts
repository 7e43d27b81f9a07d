import { UsageError } from '../../errors/UsageError.js';
import { normalized } from '../../math/normalize.js';
import type { Embedder, EmbedInput, EmbedOptions } from '../../model/Embedder.js';
import { plainText } from './plainText.js';

/** Options of {@link HashedBowEmbedder}. */
export interface HashedBowOptions {
  /** Output size (hash buckets). @default 256 */
  dimensions?: number;
  /** Also hash adjacent word pairs. @default true */
  bigrams?: boolean;
}

/**
 * A lexical dense baseline: the feature-hashing bag of words (Weinberger et al., 2009). Lower-cased words
 * (and word bigrams) are hashed with FNV-1a into `dimensions` signed buckets, weighted `1 + ln tf`, and the
 * vector is L2-normalised. No training and no vocabulary, so it is a floor that any trained model must
 * beat, and it makes evaluation runs reproducible without downloads. Task prompts are ignored: the same
 * prefix on every text would add the same words to every vector.
 *
 * @example const bow = new HashedBowEmbedder({ dimensions: 256 }); await bow.embed(['a cat'], {});
 */
export class HashedBowEmbedder implements Embedder {
  readonly dimensions: number;
  readonly id: string;
  readonly #bigrams: boolean;

  /** @throws UsageError when `dimensions` is not a positive integer. */
  constructor(options: HashedBowOptions = {}) {
    const d = options.dimensions ?? 256;
    if (!Number.isInteger(d) || d <= 0)
      throw new UsageError(`hashed-bow dimensions must be a positive integer, got ${d}`);
    this.dimensions = d;
    this.#bigrams = options.bigrams ?? true;
    this.id = `hashed-bow:${d}${this.#bigrams ? '+bigrams' : ''}`;
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const size = options.dimensions ?? this.dimensions;
    return inputs.map((x) => {
      options.signal?.throwIfAborted();
      return normalized(this.#vector(plainText(x)), size);
    });
  }

  #vector(text: string): Float32Array {
    const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    const tf = new Map<string, number>();
    const bump = (f: string): void => {
      tf.set(f, (tf.get(f) ?? 0) + 1);
    };
    words.forEach((w, i) => {
      bump(w);
      if (this.#bigrams && i > 0) bump(`${words[i - 1]} ${w}`);
    });
    const v = new Float32Array(this.dimensions);
    for (const [f, n] of tf) {
      const h = fnv1a(f);
      const bucket = h % this.dimensions;
      const sign = (h >>> 31) & 1 ? -1 : 1;
      v[bucket] = (v[bucket] as number) + sign * (1 + Math.log(n));
    }
    return v;
  }
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
