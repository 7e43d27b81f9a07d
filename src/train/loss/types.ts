/**
 * What losses consume and produce. Losses take embeddings, not models (as sentence-transformers'
 * `compute_loss_from_embeddings`): the trainer pools, the loss returns dL/d(pooled), the trainer
 * back-propagates into the token table.
 */
export interface LossBatch {
  rows: number;
  /** Width of each row in the arrays below. */
  dim: number;
  /** Pooled, not yet normalised, rows x dim. */
  anchors: Float32Array;
  positives: Float32Array;
  /** Hard negatives, rows x dim (rows without one are ignored through `hasNegative`), or null. */
  negatives: Float32Array | null;
  /** 1 where example i has a hard negative. */
  hasNegative: Uint8Array | null;
}

export interface LossGrad {
  anchors: Float32Array;
  positives: Float32Array;
  negatives: Float32Array | null;
}

export interface LossResult {
  loss: number;
  grad: LossGrad;
  /** Named components (e.g. the loss at each Matryoshka dimension). */
  parts: Record<string, number>;
}

export interface EmbeddingLoss {
  compute(batch: LossBatch): LossResult;
  /** The settings, for logs and checkpoints. */
  config(): Record<string, unknown>;
}
