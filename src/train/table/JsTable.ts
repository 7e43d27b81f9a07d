import { meanPool, meanPoolBackward } from '../../math/pool.js';
import type { StaticModel } from '../../model/StaticModel.js';
import { type AdamOptions, type AdamState, SparseAdam } from '../optim/SparseAdam.js';
import { SparseRows } from '../optim/SparseRows.js';
import type { TableBackend } from './TableBackend.js';

/** The plain-JS backend: works on the model's own arrays, and learns per-token weights when the model has them. */
export class JsTable implements TableBackend {
  readonly name = 'js';
  private readonly adam: SparseAdam;
  private readonly weightAdam: SparseAdam | null;
  private readonly rows: SparseRows;
  private readonly weightRows: SparseRows | null;
  private readonly weightGrad: Float32Array | null;
  private last: { ids: Int32Array; offsets: Int32Array; positionWeights: Float32Array | null } | null = null;

  constructor(
    private readonly model: StaticModel,
    adam: AdamOptions,
    state?: { table: AdamState; weights: AdamState | null },
  ) {
    const v = model.tokenizer.vocabSize;
    this.adam = new SparseAdam(model.table, model.dimensions, adam, state?.table);
    this.rows = new SparseRows(v, model.dimensions);
    if (model.weights) {
      // Token weights get no weight decay: decaying them towards 0 would shrink every text's vector.
      this.weightAdam = new SparseAdam(
        model.weights,
        1,
        { ...adam, weightDecay: 0 },
        state?.weights ?? undefined,
      );
      this.weightRows = new SparseRows(v, 1);
      this.weightGrad = new Float32Array(v);
    } else {
      this.weightAdam = null;
      this.weightRows = null;
      this.weightGrad = null;
    }
  }

  pool(ids: Int32Array, offsets: Int32Array, positionWeights: Float32Array | null = null): Float32Array {
    this.last = { ids, offsets, positionWeights };
    const m = this.model;
    return meanPool(
      { table: m.table, dim: m.dimensions, ids, offsets, weights: m.weights, positionWeights },
      new Float32Array((offsets.length - 1) * m.dimensions),
    );
  }

  backward(gradPooled: Float32Array): number {
    const { ids, offsets, positionWeights } = this.last!;
    const m = this.model;
    const rows = this.rows;
    const slots = rows.slots(ids);
    const wg = this.weightGrad;
    meanPoolBackward(
      { table: m.table, dim: m.dimensions, ids, offsets, weights: m.weights, positionWeights },
      gradPooled,
      slots,
      rows.grad,
      wg,
    );
    let sq = rows.squaredNorm();
    if (wg && this.weightRows) {
      for (let s = 0; s < rows.count; s++) {
        const id = rows.ids[s]!;
        this.weightRows.grad[this.weightRows.slot(id)] = wg[id]!;
        sq += wg[id]! * wg[id]!;
        wg[id] = 0;
      }
    }
    return sq;
  }

  update(lr: number, gradScale: number): void {
    this.adam.step(this.rows, lr, gradScale);
    if (this.weightAdam && this.weightRows) {
      this.weightAdam.step(this.weightRows, lr, gradScale);
      this.weightRows.clear();
    }
    this.rows.clear();
  }

  sync(): void {}

  adamState(): { table: AdamState; weights: AdamState | null } {
    return { table: this.adam.state, weights: this.weightAdam?.state ?? null };
  }
}
