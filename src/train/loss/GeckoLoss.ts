import { UsageError } from '../../errors/UsageError.js';
import { transpose } from '../../math/gemmJs.js';
import type { GemmNT } from '../../math/gemmWasm.js';
import { selectGemm } from '../../math/kernels.js';
import { l2NormalizeBackward, l2NormalizeRows } from '../../math/normalize.js';
import type { EmbeddingLoss, LossBatch, LossResult } from './types.js';

export interface GeckoLossOptions {
  /** Softmax temperature over cosine similarities. @default 0.05 */
  temperature?: number;
  /** Include the other queries q_j (j != i) as negatives (same-tower negatives). @default true */
  sameTower?: boolean;
  /** Include each example's own hard negative. @default true */
  hardNegatives?: boolean;
  /** Matrix kernel; the fastest available by default. */
  gemm?: GemmNT;
}

export const DEFAULT_GECKO_LOSS = { temperature: 0.05, sameTower: true, hardNegatives: true } as const;

/**
 * Gecko's fine-tuning loss (Eq. 3 of arXiv 2403.20327).
 *
 * Inputs: B anchors q_i, positives p_i+, optional hard negatives p_i-, pooled (normalised here).
 * Relations: for each i, softmax over { p_j+ for all j } + { q_j for j != i } (same-tower) + { p_i- } (its
 * own hard negative only), of cos / tau; the target is p_i+. L = mean_i -log softmax_i(p_i+).
 * With `sameTower: false, hardNegatives: false` it is the in-batch softmax used for pre-finetuning (Eq. 2).
 * References: Lee et al. 2024 (Gecko) §3.3; Moiseev et al. 2023 (SamToNe).
 * Gradients are derived by hand (softmax - one-hot, then through the cosine and the normalisation) and
 * checked against finite differences in test/unit/train/loss.test.ts.
 *
 * @example
 * const loss = new GeckoLoss({ temperature: 0.05 });
 * const { loss: value, grad } = loss.compute(batch);
 */
export class GeckoLoss implements EmbeddingLoss {
  readonly temperature: number;
  readonly sameTower: boolean;
  readonly hardNegatives: boolean;
  private readonly gemm: GemmNT;

  constructor(options: GeckoLossOptions = {}) {
    this.temperature = options.temperature ?? DEFAULT_GECKO_LOSS.temperature;
    if (!(this.temperature > 0)) throw new UsageError(`temperature must be > 0, got ${this.temperature}`);
    this.sameTower = options.sameTower ?? DEFAULT_GECKO_LOSS.sameTower;
    this.hardNegatives = options.hardNegatives ?? DEFAULT_GECKO_LOSS.hardNegatives;
    this.gemm = options.gemm ?? selectGemm().gemmNT;
  }

  config(): Record<string, unknown> {
    return {
      name: 'gecko',
      temperature: this.temperature,
      sameTower: this.sameTower,
      hardNegatives: this.hardNegatives,
    };
  }

  compute(batch: LossBatch): LossResult {
    const { rows: b, dim: m } = batch;
    const n = normalizeBatch(batch, this.sameTower, this.hardNegatives);
    const g = this.gemm(n.q, n.x, b, n.cols, m, new Float32Array(b * n.cols)); // similarities -> dL/dS
    const { total, gNeg } = softmaxBackward(g, n, b, m, this.temperature, batch.hasNegative);
    if (this.sameTower) foldSameTower(g, b, n.cols);
    const { gq, gx, gn } = this.similarityBackward(g, gNeg, n, b, m);
    // Back through the normalisations into the pooled vectors.
    const grad = {
      anchors: new Float32Array(b * m),
      positives: new Float32Array(b * m),
      negatives: gn && batch.negatives ? new Float32Array(b * m) : null,
    };
    l2NormalizeBackward(n.q, gq, n.qn, b, m, grad.anchors, m);
    l2NormalizeBackward(n.x, gx, n.pn, b, m, grad.positives, m);
    if (gn && n.neg && grad.negatives) l2NormalizeBackward(n.neg, gn, n.nn, b, m, grad.negatives, m);
    const loss = total / b;
    return { loss, grad, parts: { [`loss@${m}`]: loss } };
  }

  /**
   * dL/dq = [G_P | H] . [P; Q] (plus the hard negatives' share), dL/dp = G_P^T . Q and dL/dn, all with
   * respect to the normalised rows.
   */
  private similarityBackward(
    g: Float32Array,
    gNeg: Float32Array,
    n: NormalizedBatch,
    b: number,
    m: number,
  ): { gq: Float32Array; gx: Float32Array; gn: Float32Array | null } {
    const { q, x, neg, cols } = n;
    const gq = this.gemm(
      g,
      transpose(x, cols, m, new Float32Array(cols * m)),
      b,
      m,
      cols,
      new Float32Array(b * m),
    );
    const gpT = new Float32Array(b * b);
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) gpT[j * b + i] = g[i * cols + j]!;
    const gx = this.gemm(gpT, transpose(q, b, m, new Float32Array(b * m)), b, m, b, new Float32Array(b * m));
    let gn: Float32Array | null = null;
    if (neg) {
      gn = new Float32Array(b * m);
      for (let i = 0; i < b; i++) {
        const w = gNeg[i]!;
        if (w === 0) continue;
        for (let c = 0; c < m; c++) {
          gq[i * m + c]! += w * neg[i * m + c]!;
          gn[i * m + c] = w * q[i * m + c]!;
        }
      }
    }
    return { gq, gx, gn };
  }
}

/** The batch's rows normalised, with their norms (for the backward pass). */
interface NormalizedBatch {
  /** Anchors q_i, rows x dim. */
  q: Float32Array;
  qn: Float32Array;
  /** X = [P; Q] when same-tower negatives are on, else P: cols x dim. */
  x: Float32Array;
  pn: Float32Array;
  cols: number;
  /** Hard negatives, or null when off or absent. */
  neg: Float32Array | null;
  nn: Float32Array;
}

function normalizeBatch(batch: LossBatch, sameTower: boolean, hardNegatives: boolean): NormalizedBatch {
  const { rows: b, dim: m } = batch;
  const useNeg = hardNegatives && batch.negatives !== null;
  const q = new Float32Array(b * m);
  const qn = new Float32Array(b);
  l2NormalizeRows(batch.anchors, b, m, m, q, qn);
  const cols = sameTower ? 2 * b : b;
  const x = new Float32Array(cols * m);
  const pn = new Float32Array(b);
  l2NormalizeRows(batch.positives, b, m, m, x, pn);
  if (sameTower) x.set(q, b * m);
  let neg: Float32Array | null = null;
  const nn = new Float32Array(b);
  if (useNeg) {
    neg = new Float32Array(b * m);
    l2NormalizeRows(batch.negatives!, b, m, m, neg, nn);
  }
  return { q, qn, x, pn, cols, neg, nn };
}

/**
 * Turns the similarities S (b x cols) into dL/dS in place, row by row: the softmax over the row's logits
 * (and its hard negative's) minus the one-hot target, scaled by 1 / (b tau). Gives the summed -log
 * softmax(p_i+) and each hard negative's dL/d(q_i . n_i).
 */
function softmaxBackward(
  g: Float32Array,
  n: NormalizedBatch,
  b: number,
  m: number,
  temperature: number,
  hasNeg: Uint8Array | null,
): { total: number; gNeg: Float32Array } {
  const { q, neg, cols } = n;
  const invT = 1 / temperature;
  const s0 = new Float32Array(b); // the positives' similarities, before g overwrites them
  for (let i = 0; i < b; i++) s0[i] = g[i * cols + i]!;
  const gNeg = new Float32Array(b);
  let total = 0;
  const scale = 1 / (b * temperature);
  for (let i = 0; i < b; i++) {
    const row = i * cols;
    let negLogit = Number.NEGATIVE_INFINITY;
    if (neg && (hasNeg === null || hasNeg[i] === 1)) {
      let d = 0;
      for (let c = 0; c < m; c++) d += q[i * m + c]! * neg[i * m + c]!;
      negLogit = d * invT;
    }
    let max = negLogit;
    for (let j = 0; j < cols; j++) {
      if (j === b + i) continue;
      const v = g[row + j]! * invT;
      if (v > max) max = v;
    }
    // One exp per logit: keep exp(l - max) in g, then scale by 1 / sum.
    const negExp = Number.isFinite(negLogit) ? Math.exp(negLogit - max) : 0;
    let sum = negExp;
    for (let j = 0; j < cols; j++) {
      if (j === b + i) {
        g[row + j] = 0;
        continue;
      }
      const e = Math.exp(g[row + j]! * invT - max);
      g[row + j] = e;
      sum += e;
    }
    const pos = s0[i]! * invT;
    total += max + Math.log(sum) - pos;
    const k = scale / sum;
    for (let j = 0; j < cols; j++) g[row + j]! *= k;
    g[row + i]! -= scale;
    gNeg[i] = negExp * k;
  }
  return { total, gNeg };
}

/**
 * The same-tower block is used from both sides (q_i . q_j feeds row i and row j), so fold it into
 * H = G_Q + G_Q^T first: then dL/dq = [G_P | H] . [P; Q] and dL/dp = G_P^T . Q, five B x B x m products
 * per step instead of six.
 */
function foldSameTower(g: Float32Array, b: number, cols: number): void {
  for (let i = 0; i < b; i++) {
    for (let j = i + 1; j < b; j++) {
      const h = g[i * cols + b + j]! + g[j * cols + b + i]!;
      g[i * cols + b + j] = h;
      g[j * cols + b + i] = h;
    }
  }
}

/** The pre-finetuning loss (Gecko Eq. 2): in-batch positives only, no same-tower or hard negatives. */
export function preFinetuneLoss(options: Pick<GeckoLossOptions, 'temperature' | 'gemm'> = {}): GeckoLoss {
  return new GeckoLoss({ ...options, sameTower: false, hardNegatives: false });
}
