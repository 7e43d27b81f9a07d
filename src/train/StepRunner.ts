import type { StaticModel } from '../model/StaticModel.js';
import { saturateTermFrequency } from '../model/termFrequency.js';
import type { Dataset } from './data/Dataset.js';
import type { EmbeddingLoss, LossBatch } from './loss/types.js';
import type { AdamOptions, AdamState } from './optim/SparseAdam.js';
import { JsTable } from './table/JsTable.js';
import type { TableBackend } from './table/TableBackend.js';
import { WasmTable } from './table/WasmTable.js';

/**
 * Token ids of every dataset text, CSR: text t owns ids[offsets[t] .. offsets[t+1]). With a saturating term
 * frequency the ids are each text's distinct tokens and `weights` their pooling weights (null: all 1).
 */
export interface TokenizedTexts {
  ids: Int32Array;
  offsets: Int32Array;
  weights: Float32Array | null;
  truncated: number;
}

export interface StepResult {
  loss: number;
  parts: Record<string, number>;
  gradNorm: number;
  /** Texts in the batch (anchors + positives + hard negatives). */
  texts: number;
}

/**
 * One optimisation step of the static model: gather the batch's pre-tokenised texts, pool them with the
 * table backend, run the loss, back-propagate into the touched table rows (and token weights), clip, and
 * apply lazy Adam.
 */
export class StepRunner {
  readonly backend: TableBackend;

  constructor(
    private readonly model: StaticModel,
    private readonly ds: Dataset,
    private readonly tokens: TokenizedTexts,
    private readonly loss: EmbeddingLoss,
    private readonly clipNorm: number,
    adam: AdamOptions,
    state?: { table: AdamState; weights: AdamState | null },
    backend: 'auto' | 'js' = 'auto',
  ) {
    this.backend =
      (backend === 'auto' ? WasmTable.create(model, adam, state) : null) ?? new JsTable(model, adam, state);
  }

  step(examples: Int32Array, lr: number, hardNegatives: boolean): StepResult {
    const { ds, tokens, model } = this;
    const b = examples.length;
    const d = model.dimensions;
    const negIdx: number[] = [];
    if (hardNegatives) for (let i = 0; i < b; i++) if (ds.negative[examples[i]!]! >= 0) negIdx.push(i);
    const textIds = new Int32Array(2 * b + negIdx.length);
    for (let i = 0; i < b; i++) {
      textIds[i] = ds.anchor[examples[i]!]!;
      textIds[b + i] = ds.positive[examples[i]!]!;
    }
    negIdx.forEach((i, k) => {
      textIds[2 * b + k] = ds.negative[examples[i]!]!;
    });
    // Gather the texts' ids into one flat batch.
    const offsets = new Int32Array(textIds.length + 1);
    let total = 0;
    for (let r = 0; r < textIds.length; r++) {
      const t = textIds[r]!;
      total += tokens.offsets[t + 1]! - tokens.offsets[t]!;
      offsets[r + 1] = total;
    }
    const ids = new Int32Array(total);
    const weights = tokens.weights ? new Float32Array(total) : null;
    for (let r = 0; r < textIds.length; r++) {
      const t = textIds[r]!;
      ids.set(tokens.ids.subarray(tokens.offsets[t]!, tokens.offsets[t + 1]!), offsets[r]!);
      weights?.set(tokens.weights!.subarray(tokens.offsets[t]!, tokens.offsets[t + 1]!), offsets[r]!);
    }
    const pooled = this.backend.pool(ids, offsets, weights);

    let negatives: Float32Array | null = null;
    let hasNegative: Uint8Array | null = null;
    if (negIdx.length > 0) {
      negatives = new Float32Array(b * d);
      hasNegative = new Uint8Array(b);
      negIdx.forEach((i, k) => {
        negatives!.set(pooled.subarray((2 * b + k) * d, (2 * b + k + 1) * d), i * d);
        hasNegative![i] = 1;
      });
    }
    const batch: LossBatch = {
      rows: b,
      dim: d,
      anchors: pooled.subarray(0, b * d),
      positives: pooled.subarray(b * d, 2 * b * d),
      negatives,
      hasNegative,
    };
    const r = this.loss.compute(batch);
    const gradPooled = new Float32Array(pooled.length);
    gradPooled.set(r.grad.anchors, 0);
    gradPooled.set(r.grad.positives, b * d);
    if (r.grad.negatives) {
      negIdx.forEach((i, k) => {
        gradPooled.set(r.grad.negatives!.subarray(i * d, (i + 1) * d), (2 * b + k) * d);
      });
    }
    const gradNorm = Math.sqrt(this.backend.backward(gradPooled));
    const scale = this.clipNorm > 0 && gradNorm > this.clipNorm ? this.clipNorm / gradNorm : 1;
    this.backend.update(lr, scale);
    return { loss: r.loss, parts: r.parts, gradNorm, texts: textIds.length };
  }
}

/**
 * Tokenises every dataset text once (training reuses the ids every epoch), with the model's term frequency
 * applied as `StaticModel.pool` applies it, so training pools exactly as inference does.
 */
export function tokenizeTexts(model: StaticModel, texts: readonly string[]): TokenizedTexts {
  const b = model.tokenizer.encodeBatch(texts, model.encodeOptions());
  return { ...saturateTermFrequency(b.ids, b.offsets, model.termFrequency), truncated: b.truncated };
}
