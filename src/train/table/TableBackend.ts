import type { AdamState } from '../optim/SparseAdam.js';

/**
 * Where the token table's training arithmetic runs: pooling a gathered batch, back-propagating into the
 * touched rows, and the lazy Adam update. Two implementations share the contract and are tested against
 * each other: WebAssembly SIMD (default; the table and Adam moments live in WebAssembly memory) and plain
 * JS (fallback, and the only one that learns per-token weights).
 */
export interface TableBackend {
  readonly name: 'wasm-simd' | 'js';
  /** Mean-pools the batch (texts x dim), with optional per-position weights; the view is valid until the next call. */
  pool(ids: Int32Array, offsets: Int32Array, positionWeights?: Float32Array | null): Float32Array;
  /** Accumulates dL/dE for the last pooled batch from dL/d(pooled); returns the squared gradient norm. */
  backward(gradPooled: Float32Array): number;
  /** One Adam step on the touched rows (gradients times `gradScale`), then forgets them. */
  update(lr: number, gradScale: number): void;
  /** Copies the current parameters into the model's arrays (before evaluating, saving, checkpointing). */
  sync(): void;
  /** Optimiser state for checkpoints (views; copy before the next step if kept). */
  adamState(): { table: AdamState; weights: AdamState | null };
}
