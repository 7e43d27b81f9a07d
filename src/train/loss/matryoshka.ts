import { UsageError } from '../../errors/UsageError.js';
import type { EmbeddingLoss, LossBatch, LossResult } from './types.js';

export interface MatryoshkaOptions {
  /** Dimensions at which the inner loss is applied (each <= the model dimension). */
  dims: number[];
  /** One weight per dimension. @default all 1 */
  weights?: number[];
}

/**
 * Matryoshka representation learning (Kusupati et al. 2022): the inner loss applied to the first m
 * components of each pooled vector, for every m in `dims`, summed with weights. The inner loss normalises
 * its inputs, so each prefix is re-normalised as at inference. No model patching: prefixes are copied out
 * and their gradients added back.
 *
 * @throws {UsageError} on an empty or mismatched dims/weights list.
 * @example
 * const loss = matryoshka(new GeckoLoss(), { dims: [256, 128, 64, 32] });
 */
export function matryoshka(inner: EmbeddingLoss, options: MatryoshkaOptions): EmbeddingLoss {
  const dims = options.dims;
  const weights = options.weights ?? dims.map(() => 1);
  if (dims.length === 0) throw new UsageError('Matryoshka needs at least one dimension');
  if (weights.length !== dims.length) {
    throw new UsageError(`Matryoshka has ${dims.length} dimensions but ${weights.length} weights`);
  }
  for (const d of dims)
    if (!Number.isInteger(d) || d <= 0) throw new UsageError(`bad Matryoshka dimension ${d}`);
  return {
    config: () => ({ name: 'matryoshka', dims, weights, inner: inner.config() }),
    compute(batch: LossBatch): LossResult {
      const { rows, dim } = batch;
      const grad = {
        anchors: new Float32Array(rows * dim),
        positives: new Float32Array(rows * dim),
        negatives: batch.negatives ? new Float32Array(rows * dim) : null,
      };
      let loss = 0;
      const parts: Record<string, number> = {};
      dims.forEach((m, k) => {
        if (m > dim) throw new UsageError(`Matryoshka dimension ${m} exceeds the model dimension ${dim}`);
        const w = weights[k]!;
        const sub = m === dim ? batch : slice(batch, m);
        const r = inner.compute(sub);
        loss += w * r.loss;
        parts[`loss@${m}`] = r.loss;
        addPrefix(grad.anchors, r.grad.anchors, rows, dim, m, w);
        addPrefix(grad.positives, r.grad.positives, rows, dim, m, w);
        if (grad.negatives && r.grad.negatives) addPrefix(grad.negatives, r.grad.negatives, rows, dim, m, w);
      });
      return { loss, grad, parts };
    },
  };
}

function prefix(src: Float32Array, rows: number, dim: number, m: number): Float32Array {
  const out = new Float32Array(rows * m);
  for (let r = 0; r < rows; r++) out.set(src.subarray(r * dim, r * dim + m), r * m);
  return out;
}

function slice(batch: LossBatch, m: number): LossBatch {
  const { rows, dim } = batch;
  return {
    rows,
    dim: m,
    anchors: prefix(batch.anchors, rows, dim, m),
    positives: prefix(batch.positives, rows, dim, m),
    negatives: batch.negatives ? prefix(batch.negatives, rows, dim, m) : null,
    hasNegative: batch.hasNegative,
  };
}

function addPrefix(
  dst: Float32Array,
  src: Float32Array,
  rows: number,
  dim: number,
  m: number,
  w: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    const s = r * m;
    for (let c = 0; c < m; c++) dst[o + c]! += w * src[s + c]!;
  }
}
