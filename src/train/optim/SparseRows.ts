/**
 * Gradient rows of a V x d table, kept only for the rows a batch touched: a slot per touched id, found
 * through a reusable id -> slot index (reset after each step in time proportional to the touched rows).
 */
export class SparseRows {
  readonly dim: number;
  /** Touched ids, in first-touch order; `count` of them are valid. */
  ids: Int32Array;
  count = 0;
  /** Gradient rows, slot-major: rows `0 .. count` are valid. */
  grad: Float32Array;
  private readonly slotOf: Int32Array;

  constructor(vocabSize: number, dim: number, initialRows = 4096) {
    this.dim = dim;
    this.slotOf = new Int32Array(vocabSize).fill(-1);
    this.ids = new Int32Array(initialRows);
    this.grad = new Float32Array(initialRows * dim);
  }

  /** Slot of `id`, creating a zeroed one on first touch. */
  slot(id: number): number {
    let s = this.slotOf[id]!;
    if (s < 0) {
      s = this.count++;
      if (s >= this.ids.length) this.grow();
      this.slotOf[id] = s;
      this.ids[s] = id;
      this.grad.fill(0, s * this.dim, (s + 1) * this.dim);
    }
    return s;
  }

  /** Slots for every id of `ids` (creating zeroed rows), so kernels can scatter without lookups. */
  slots(ids: Int32Array, out = new Int32Array(ids.length)): Int32Array {
    for (let t = 0; t < ids.length; t++) out[t] = this.slot(ids[t]!);
    return out;
  }

  /** grad[id] += scale * src[offset .. offset + dim]. */
  add(id: number, scale: number, src: Float32Array, offset: number): void {
    const d = this.dim;
    const o = this.slot(id) * d;
    const g = this.grad;
    for (let c = 0; c < d; c++) g[o + c]! += scale * src[offset + c]!;
  }

  /** Sum of squares of all valid gradient entries. */
  squaredNorm(): number {
    let s = 0;
    const n = this.count * this.dim;
    for (let i = 0; i < n; i++) s += this.grad[i]! * this.grad[i]!;
    return s;
  }

  /** Forgets all rows (O(touched)). */
  clear(): void {
    for (let s = 0; s < this.count; s++) this.slotOf[this.ids[s]!] = -1;
    this.count = 0;
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    const grad = new Float32Array(ids.length * this.dim);
    grad.set(this.grad);
    this.ids = ids;
    this.grad = grad;
  }
}
