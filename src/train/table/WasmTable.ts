import { instantiateWasm } from '../../math/wasm/instantiate.js';
import { TRAIN_WASM_BASE64 } from '../../math/wasm/trainWasmBytes.js';
import type { StaticModel } from '../../model/StaticModel.js';
import { type AdamOptions, type AdamState, DEFAULT_ADAM } from '../optim/SparseAdam.js';
import type { TableBackend } from './TableBackend.js';

interface Kernels {
  memory: WebAssembly.Memory;
  pool(table: number, ids: number, offs: number, n: number, dimB: number, out: number): void;
  pool_backward(grad: number, slots: number, offs: number, n: number, dimB: number, rows: number): void;
  pool_w(table: number, ids: number, w: number, offs: number, n: number, dimB: number, out: number): void;
  pool_backward_w(
    grad: number,
    slots: number,
    w: number,
    offs: number,
    n: number,
    dimB: number,
    rows: number,
  ): void;
  adam(
    params: number,
    m: number,
    v: number,
    ids: number,
    count: number,
    grad: number,
    dimB: number,
    stepSize: number,
    invBc2: number,
    beta1: number,
    beta2: number,
    eps: number,
    decay: number,
    gscale: number,
  ): void;
  sumsq(p: number, n: number): number;
}

/** WebAssembly memory is addressed with 32-bit offsets; stay well inside 4 GiB. */
const MAX_BYTES = 3.5 * 2 ** 30;

/**
 * The WebAssembly SIMD backend: the table and both Adam moments are copied once into the module's memory,
 * where pooling, the backward scatter and Adam run as f32x4 loops (wasm/trainWat.ts); `sync()` copies the
 * table back into the model. Returns null from {@link WasmTable.create} where it does not apply (no
 * WebAssembly, learned token weights, a width not a multiple of 4, a table too large for 32-bit memory).
 */
export class WasmTable implements TableBackend {
  readonly name = 'wasm-simd';
  private readonly k: Kernels;
  private readonly d: number;
  private readonly tableBytes: number;
  private readonly slotOf: Int32Array;
  private step = 0;
  private last = {
    texts: 0,
    tokens: 0,
    offsPtr: 0,
    slotsPtr: 0,
    /** Per-position weights, or -1 when the batch has none. */
    weightsPtr: -1,
    gradPtr: 0,
    rowsPtr: 0,
    rowIdsPtr: 0,
    count: 0,
  };
  private readonly o: Required<AdamOptions>;

  private constructor(
    private readonly model: StaticModel,
    k: Kernels,
    adam: AdamOptions,
    state?: { table: AdamState; weights: AdamState | null },
  ) {
    this.k = k;
    this.d = model.dimensions;
    this.tableBytes = model.table.length * 4;
    this.o = { ...DEFAULT_ADAM, ...adam };
    this.ensure(3 * this.tableBytes);
    const heap = new Float32Array(k.memory.buffer);
    heap.set(model.table, 0);
    if (state) {
      heap.set(state.table.m, model.table.length);
      heap.set(state.table.v, 2 * model.table.length);
      this.step = state.table.step;
    }
    this.slotOf = new Int32Array(model.tokenizer.vocabSize).fill(-1);
  }

  static create(
    model: StaticModel,
    adam: AdamOptions,
    state?: { table: AdamState; weights: AdamState | null },
  ): WasmTable | null {
    if (typeof WebAssembly === 'undefined' || model.weights || model.dimensions % 4 !== 0) return null;
    if (model.table.length * 4 * 3 > MAX_BYTES) return null;
    const instance = instantiateWasm(TRAIN_WASM_BASE64);
    if (!instance) return null;
    return new WasmTable(model, instance.exports as unknown as Kernels, adam, state);
  }

  private ensure(bytes: number): void {
    const mem = this.k.memory;
    if (mem.buffer.byteLength < bytes) mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / 65536));
  }

  pool(ids: Int32Array, offsets: Int32Array, positionWeights: Float32Array | null = null): Float32Array {
    const texts = offsets.length - 1;
    const dimB = this.d * 4;
    const align = (p: number): number => p + ((16 - (p % 16)) % 16);
    // Scratch after the table and moments: offsets, ids/slots, position weights, pooled, grad of pooled,
    // row ids, grad rows.
    const offsPtr = 3 * this.tableBytes;
    const idsPtr = offsPtr + 4 * (texts + 1);
    const weightsPtr = positionWeights ? align(idsPtr + 4 * ids.length) : -1;
    const outPtr = align(positionWeights ? weightsPtr + 4 * ids.length : idsPtr + 4 * ids.length);
    const gradPtr = outPtr + texts * dimB;
    const rowIdsPtr = gradPtr + texts * dimB;
    const rowsPtr = align(rowIdsPtr + 4 * ids.length);
    this.ensure(rowsPtr + ids.length * dimB);
    const buf = this.k.memory.buffer;
    new Int32Array(buf, offsPtr, texts + 1).set(offsets);
    new Int32Array(buf, idsPtr, ids.length).set(ids);
    if (positionWeights) {
      new Float32Array(buf, weightsPtr, ids.length).set(positionWeights);
      this.k.pool_w(0, idsPtr, weightsPtr, offsPtr, texts, dimB, outPtr);
    } else this.k.pool(0, idsPtr, offsPtr, texts, dimB, outPtr);
    this.last = {
      texts,
      tokens: ids.length,
      offsPtr,
      slotsPtr: idsPtr,
      weightsPtr,
      gradPtr,
      rowsPtr,
      rowIdsPtr,
      count: 0,
    };
    return new Float32Array(buf, outPtr, texts * this.d);
  }

  backward(gradPooled: Float32Array): number {
    const l = this.last;
    const buf = this.k.memory.buffer;
    // Ids -> slots in place (the ids were only needed by pool), one gradient row per distinct id.
    const slots = new Int32Array(buf, l.slotsPtr, l.tokens);
    const rowIds = new Int32Array(buf, l.rowIdsPtr, l.tokens);
    let count = 0;
    for (let t = 0; t < l.tokens; t++) {
      const id = slots[t]!;
      let s = this.slotOf[id]!;
      if (s < 0) {
        s = count++;
        this.slotOf[id] = s;
        rowIds[s] = id;
      }
      slots[t] = s;
    }
    l.count = count;
    new Float32Array(buf, l.gradPtr, gradPooled.length).set(gradPooled);
    new Float32Array(buf, l.rowsPtr, count * this.d).fill(0);
    if (l.weightsPtr >= 0) {
      this.k.pool_backward_w(l.gradPtr, l.slotsPtr, l.weightsPtr, l.offsPtr, l.texts, this.d * 4, l.rowsPtr);
    } else this.k.pool_backward(l.gradPtr, l.slotsPtr, l.offsPtr, l.texts, this.d * 4, l.rowsPtr);
    return this.k.sumsq(l.rowsPtr, count * this.d);
  }

  update(lr: number, gradScale: number): void {
    const { beta1, beta2, eps, weightDecay } = this.o;
    this.step++;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    const l = this.last;
    this.k.adam(
      0,
      this.tableBytes,
      2 * this.tableBytes,
      l.rowIdsPtr,
      l.count,
      l.rowsPtr,
      this.d * 4,
      lr / bc1,
      1 / bc2,
      beta1,
      beta2,
      eps,
      1 - lr * weightDecay,
      gradScale,
    );
    const rowIds = new Int32Array(this.k.memory.buffer, l.rowIdsPtr, l.count);
    for (let s = 0; s < l.count; s++) this.slotOf[rowIds[s]!] = -1;
    l.count = 0;
  }

  sync(): void {
    this.model.table.set(new Float32Array(this.k.memory.buffer, 0, this.model.table.length));
  }

  adamState(): { table: AdamState; weights: AdamState | null } {
    const n = this.model.table.length;
    const buf = this.k.memory.buffer;
    return {
      table: { step: this.step, m: new Float32Array(buf, 4 * n, n), v: new Float32Array(buf, 8 * n, n) },
      weights: null,
    };
  }
}
