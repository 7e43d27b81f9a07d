import { MT19937 } from './mt19937.js';

/**
 * CPython's `random.Random(seed)` for a non-negative integer seed below 2³² (seeded with
 * `init_by_array([seed])`), with the methods mteb's bootstrapped clustering uses: `random`, `getrandbits`,
 * `sample(range(n), k)` and `choices(range(n), k)`.
 *
 * @example new PythonRandom(42).sample(2048, 81).slice(0, 3) // [456, 102, 1126], as random.Random(42)
 */
export class PythonRandom {
  readonly #bits: MT19937;

  constructor(seed = 42) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError(`PythonRandom: seed must be an integer in [0, 2^32), got ${seed}`);
    this.#bits = new MT19937([seed]);
  }

  /** `random()`: a 53-bit double in [0, 1). */
  random(): number {
    return this.#bits.nextDouble();
  }

  /** `getrandbits(k)` for 1 ≤ k ≤ 32. */
  getrandbits(k: number): number {
    if (k < 1 || k > 32) throw new RangeError(`getrandbits: k must be in 1..32, got ${k}`);
    return this.#bits.nextUint32() >>> (32 - k);
  }

  /** `_randbelow(n)`: rejection sampling on `n.bit_length()` bits. */
  randbelow(n: number): number {
    const k = n === 0 ? 0 : 32 - Math.clz32(n);
    if (k === 0) return 0;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** `sample(range(n), k)`: CPython's pool algorithm for small populations, its set algorithm otherwise. */
  sample(n: number, k: number): number[] {
    if (k < 0 || k > n) throw new RangeError(`sample: k (${k}) must be within 0..${n}`);
    const result = new Array<number>(k);
    let setsize = 21;
    if (k > 5) setsize += 4 ** Math.ceil(Math.log(k * 3) / Math.log(4));
    if (n <= setsize) {
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.randbelow(n - i);
        result[i] = pool[j] as number;
        pool[j] = pool[n - i - 1] as number;
      }
    } else {
      const selected = new Set<number>();
      for (let i = 0; i < k; i++) {
        let j = this.randbelow(n);
        while (selected.has(j)) j = this.randbelow(n);
        selected.add(j);
        result[i] = j;
      }
    }
    return result;
  }

  /** `choices(range(n), k=k)` without weights: `floor(random() * n)` per draw (with replacement). */
  choices(n: number, k: number): number[] {
    const out = new Array<number>(k);
    for (let i = 0; i < k; i++) out[i] = Math.floor(this.random() * n);
    return out;
  }
}
