import type { SparseRows } from './SparseRows.js';

export interface AdamOptions {
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  eps?: number;
  /** Decoupled weight decay (AdamW); 0 gives Adam. @default 0 */
  weightDecay?: number;
}

export const DEFAULT_ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 } as const;

/** Optimiser state, saved in checkpoints. */
export interface AdamState {
  step: number;
  m: Float32Array;
  v: Float32Array;
}

/**
 * Adam / AdamW with lazy updates: only the rows a batch touched have their moments and values updated (as
 * PyTorch's SparseAdam), so a step costs O(touched rows x d), not O(V x d). Bias correction uses the global
 * step count. Weight decay, when set, is decoupled (AdamW) and applied to the touched rows only.
 *
 * @example
 * const opt = new SparseAdam(table, dim, { weightDecay: 0.01 });
 * opt.step(rows, lr);
 */
export class SparseAdam {
  readonly params: Float32Array;
  readonly dim: number;
  state: AdamState;
  private readonly o: Required<AdamOptions>;

  constructor(params: Float32Array, dim: number, options: AdamOptions = {}, state?: AdamState) {
    this.params = params;
    this.dim = dim;
    this.o = { ...DEFAULT_ADAM, ...options };
    this.state = state ?? {
      step: 0,
      m: new Float32Array(params.length),
      v: new Float32Array(params.length),
    };
  }

  /** Applies one update to the rows in `rows` (gradients already scaled, e.g. clipped). */
  step(rows: SparseRows, lr: number, gradScale = 1): void {
    const { beta1, beta2, eps, weightDecay } = this.o;
    const st = this.state;
    st.step++;
    const bc1 = 1 - beta1 ** st.step;
    const bc2 = 1 - beta2 ** st.step;
    const stepSize = lr / bc1;
    const invBc2 = 1 / bc2;
    const decay = 1 - lr * weightDecay;
    const d = this.dim;
    const { m, v } = st;
    const p = this.params;
    const g = rows.grad;
    const b1c = 1 - beta1;
    const b2c = 1 - beta2;
    for (let s = 0; s < rows.count; s++) {
      const base = rows.ids[s]! * d;
      const gs = s * d;
      for (let c = 0; c < d; c++) {
        const i = base + c;
        const gi = g[gs + c]! * gradScale;
        const mi = beta1 * m[i]! + b1c * gi;
        const vi = beta2 * v[i]! + b2c * gi * gi;
        m[i] = mi;
        v[i] = vi;
        let pi = p[i]!;
        if (weightDecay !== 0) pi *= decay;
        p[i] = pi - (stepSize * mi) / (Math.sqrt(vi * invBc2) + eps);
      }
    }
  }
}
