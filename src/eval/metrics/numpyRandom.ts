import { MT19937 } from './mt19937.js';

/**
 * numpy's legacy `RandomState` (MT19937 seeded by `init_genrand`), limited to the draws that mteb and
 * scikit-learn make during evaluation: `shuffle`, `permutation`, `randint`, `random_sample`/`uniform`, and
 * `choice` with and without probabilities. Each method consumes the 32-bit stream exactly as numpy does, so
 * the same seed gives the same indices.
 *
 * @example
 * const idx = [...Array(20).keys()];
 * new NumpyRandomState(42).shuffle(idx); // idx equals numpy's RandomState(42).shuffle on the same list
 */
export class NumpyRandomState {
  readonly #bits: MT19937;

  constructor(seed = 42) {
    this.#bits = new MT19937(seed);
  }

  /** Uniform integer in [0, max] by masked rejection (numpy `random_interval`, 32-bit path). */
  randomInterval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) throw new RangeError(`randomInterval: ${max} exceeds the 32-bit range used here`);
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do v = (this.#bits.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** In-place Fisher–Yates from the end, as `RandomState.shuffle` on a list or 1-d array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randomInterval(i);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  /** `RandomState.permutation(n)`: a shuffled `arange(n)`. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** `RandomState.randint(low, high, size)` for the default int64 dtype: masked rejection on 32-bit draws. */
  randint(low: number, high: number, size: number): Int32Array {
    const range = high - 1 - low;
    if (range < 0) throw new RangeError(`randint: low (${low}) must be below high (${high})`);
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) out[i] = low + this.randomInterval(range);
    return out;
  }

  /** `random_sample()`: a 53-bit double in [0, 1). */
  randomSample(): number {
    return this.#bits.nextDouble();
  }

  /**
   * `choice(n, size, p=p, replace=True)`: inverse-CDF sampling, `searchsorted(cumsum(p)/cdf[-1], u, 'right')`
   * with one `random_sample` per draw. `p` must already hold the float values numpy would see.
   */
  choiceWithP(p: ArrayLike<number>, size: number): Int32Array {
    const n = p.length;
    const cdf = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += p[i] as number;
      cdf[i] = acc;
    }
    const last = cdf[n - 1] as number;
    for (let i = 0; i < n; i++) cdf[i] = (cdf[i] as number) / last;
    const out = new Int32Array(size);
    for (let s = 0; s < size; s++) out[s] = searchSorted(cdf, this.randomSample(), 'right');
    return out;
  }

  /** `choice(n, size, replace=False)` without probabilities: the first `size` entries of `permutation(n)`. */
  choiceWithoutReplacement(n: number, size: number): number[] {
    return this.permutation(n).slice(0, size);
  }
}

/** numpy `searchsorted` on an ascending array: first index where `v` fits (`left`) or after equals (`right`). */
export function searchSorted(sorted: ArrayLike<number>, v: number, side: 'left' | 'right' = 'left'): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = sorted[mid] as number;
    if (side === 'left' ? x < v : x <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
