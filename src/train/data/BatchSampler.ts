import { UsageError } from '../../errors/UsageError.js';
import { createRng, mixSeed, shuffleInPlace } from '../../math/rng.js';
import type { Dataset } from './Dataset.js';

export interface BatchSamplerOptions {
  batchSize: number;
  seed: number;
  /** 'proportional': each source weight x size per epoch; 'uniform': every task equally often. @default 'proportional' */
  taskSampling?: 'proportional' | 'uniform';
}

/** Where the sampler is: enough to continue exactly after a resume. */
export interface SamplerState {
  epoch: number;
  cursor: number;
  deferred: number[];
}

/**
 * Draws batches from a mixture of sources. An epoch holds round(weight x size) examples of each source (a
 * weight of 2 repeats a source, 0.5 samples half of it), or with uniform task sampling the same number per
 * task; the order is a seeded shuffle of (seed, epoch), so the sampler's state is three small values and a
 * resumed run sees exactly the batches an uninterrupted one would. No text appears twice in a batch: an
 * example that would repeat a text is deferred to the next batch (duplicates would be false negatives).
 *
 * @example
 * const sampler = new BatchSampler(ds, { batchSize: 256, seed: 42 });
 * const batch = sampler.next(); // example indices
 */
export class BatchSampler {
  readonly epochSize: number;
  private readonly ds: Dataset;
  private readonly o: Required<BatchSamplerOptions>;
  private st: SamplerState;
  private order: Int32Array;
  private readonly used: Uint8Array;

  constructor(ds: Dataset, options: BatchSamplerOptions, state?: SamplerState) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 2) {
      throw new UsageError(`batch size must be an integer >= 2, got ${options.batchSize}`);
    }
    this.ds = ds;
    this.o = { taskSampling: 'proportional', ...options };
    this.st = state ? { ...state, deferred: [...state.deferred] } : { epoch: 0, cursor: 0, deferred: [] };
    this.order = this.plan(this.st.epoch);
    this.epochSize = this.order.length;
    if (this.epochSize === 0) throw new UsageError('the training mixture is empty (all weights are 0?)');
    this.used = new Uint8Array(ds.texts.length);
  }

  state(): SamplerState {
    return { ...this.st, deferred: [...this.st.deferred] };
  }

  /** Fractional epochs done. */
  get epochProgress(): number {
    return this.st.epoch + this.st.cursor / this.epochSize;
  }

  /** The next batch of example indices (smaller than batchSize only if the data cannot fill one). */
  next(): Int32Array {
    const out: number[] = [];
    const touched: number[] = [];
    const { anchor, positive, negative } = this.ds;
    const tryAdd = (e: number): boolean => {
      const a = anchor[e]!;
      const p = positive[e]!;
      const n = negative[e]!;
      if (this.used[a] || this.used[p] || (n >= 0 && this.used[n])) return false;
      this.used[a] = 1;
      this.used[p] = 1;
      if (n >= 0) this.used[n] = 1;
      touched.push(a, p, n);
      out.push(e);
      return true;
    };
    const stillDeferred: number[] = [];
    for (const e of this.st.deferred) {
      if (out.length >= this.o.batchSize || !tryAdd(e)) stillDeferred.push(e);
    }
    let scanned = 0;
    const limit = this.epochSize + stillDeferred.length;
    while (out.length < this.o.batchSize && scanned < limit) {
      if (this.st.cursor >= this.order.length) {
        this.st.epoch++;
        this.st.cursor = 0;
        this.order = this.plan(this.st.epoch);
      }
      const e = this.order[this.st.cursor++]!;
      scanned++;
      if (!tryAdd(e)) stillDeferred.push(e);
    }
    this.st.deferred = stillDeferred;
    for (const t of touched) if (t >= 0) this.used[t] = 0;
    return Int32Array.from(out);
  }

  private plan(epoch: number): Int32Array {
    const rng = createRng(mixSeed(this.o.seed, epoch));
    const n = this.ds.anchor.length;
    const groups = new Map<number, number[]>();
    const uniform = this.o.taskSampling === 'uniform';
    for (let e = 0; e < n; e++) {
      const g = uniform ? this.ds.task[e]! : this.ds.source[e]!;
      const list = groups.get(g) ?? [];
      list.push(e);
      groups.set(g, list);
    }
    const counts = new Map<number, number>();
    if (uniform) {
      let total = 0;
      for (let e = 0; e < n; e++) total += this.ds.sources[this.ds.source[e]!]!.weight;
      const per = Math.round(total / groups.size);
      for (const g of groups.keys()) counts.set(g, per);
    } else {
      for (const [g, list] of groups) counts.set(g, Math.round(this.ds.sources[g]!.weight * list.length));
    }
    const out: number[] = [];
    for (const [g, list] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
      const want = counts.get(g)!;
      let left = want;
      while (left > 0) {
        const round = shuffleInPlace([...list], rng);
        for (let k = 0; k < round.length && left > 0; k++, left--) out.push(round[k]!);
      }
    }
    return Int32Array.from(shuffleInPlace(out, rng));
  }
}
