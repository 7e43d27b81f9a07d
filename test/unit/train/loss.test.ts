import { describe, expect, it } from 'vitest';
import { gemmNTJs } from '../../../src/math/gemmJs.js';
import { createRng } from '../../../src/math/rng.js';
import { GeckoLoss, preFinetuneLoss } from '../../../src/train/loss/GeckoLoss.js';
import { matryoshka } from '../../../src/train/loss/matryoshka.js';
import type { EmbeddingLoss, LossBatch } from '../../../src/train/loss/types.js';

function randomBatch(rows: number, dim: number, seed: number, withNeg = true): LossBatch {
  const rng = createRng(seed);
  const r = (): Float32Array => Float32Array.from({ length: rows * dim }, () => rng.normal());
  const hasNegative = Uint8Array.from({ length: rows }, (_, i) => (i % 3 === 2 ? 0 : 1));
  return {
    rows,
    dim,
    anchors: r(),
    positives: r(),
    negatives: withNeg ? r() : null,
    hasNegative: withNeg ? hasNegative : null,
  };
}

const norm = (v: number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const cos = (a: number[], b: number[]): number => norm(a).reduce((s, x, i) => s + x * norm(b)[i]!, 0);
const rowOf = (a: Float32Array, i: number, d: number): number[] => Array.from(a.subarray(i * d, (i + 1) * d));

/** Eq. 3 written out term by term, in float64: the reference for the fast implementation. */
function eq3(batch: LossBatch, tau: number, sameTower: boolean, hard: boolean): number {
  const { rows: b, dim: d } = batch;
  let total = 0;
  for (let i = 0; i < b; i++) {
    const q = rowOf(batch.anchors, i, d);
    const terms: number[] = [];
    for (let j = 0; j < b; j++) terms.push(Math.exp(cos(q, rowOf(batch.positives, j, d)) / tau));
    if (sameTower)
      for (let j = 0; j < b; j++) if (j !== i) terms.push(Math.exp(cos(q, rowOf(batch.anchors, j, d)) / tau));
    if (hard && batch.negatives && batch.hasNegative?.[i] === 1)
      terms.push(Math.exp(cos(q, rowOf(batch.negatives, i, d)) / tau));
    const pos = Math.exp(cos(q, rowOf(batch.positives, i, d)) / tau);
    total += -Math.log(pos / terms.reduce((a, x) => a + x, 0));
  }
  return total / b;
}

function checkGradient(loss: EmbeddingLoss, batch: LossBatch): void {
  const { grad } = loss.compute(batch);
  const rng = createRng(77);
  const fields = ['anchors', 'positives', 'negatives'] as const;
  for (const f of fields) {
    const arr = batch[f];
    const g = grad[f];
    if (!arr || !g) continue;
    for (let probe = 0; probe < 12; probe++) {
      const k = rng.int(arr.length);
      const old = arr[k]!;
      const e = 1e-2;
      arr[k] = old + e;
      const up = loss.compute(batch).loss;
      arr[k] = old - e;
      const down = loss.compute(batch).loss;
      arr[k] = old;
      const fd = (up - down) / (2 * e);
      expect(Math.abs(g[k]! - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    }
  }
}

describe('GeckoLoss (Eq. 3)', () => {
  for (const [sameTower, hard] of [
    [true, true],
    [false, true],
    [true, false],
    [false, false],
  ] as const) {
    it(`equals the written-out Eq. 3 (sameTower=${sameTower}, hardNegatives=${hard})`, () => {
      const batch = randomBatch(6, 5, 1);
      const loss = new GeckoLoss({ temperature: 0.5, sameTower, hardNegatives: hard });
      expect(loss.compute(batch).loss).toBeCloseTo(eq3(batch, 0.5, sameTower, hard), 4);
    });

    it(`gradients match finite differences (sameTower=${sameTower}, hardNegatives=${hard})`, () => {
      checkGradient(
        new GeckoLoss({ temperature: 0.5, sameTower, hardNegatives: hard }),
        randomBatch(5, 7, 2),
      );
    });
  }

  it('is the same on the JS and WASM kernels, and at tau = 0.05', () => {
    const batch = randomBatch(9, 12, 3);
    const a = new GeckoLoss().compute(batch);
    const b = new GeckoLoss({ gemm: gemmNTJs }).compute(batch);
    expect(a.loss).toBeCloseTo(b.loss, 4);
    expect(a.loss).toBeCloseTo(eq3(batch, 0.05, true, true), 3);
    for (let i = 0; i < a.grad.anchors.length; i++)
      expect(a.grad.anchors[i]).toBeCloseTo(b.grad.anchors[i]!, 4);
  });

  it('pre-finetuning loss is in-batch only', () => {
    const batch = randomBatch(4, 3, 4);
    expect(preFinetuneLoss({ temperature: 0.5 }).compute(batch).loss).toBeCloseTo(
      eq3(batch, 0.5, false, false),
      5,
    );
  });

  it('falls as the positive moves towards the anchor', () => {
    const batch = randomBatch(4, 8, 5);
    const before = new GeckoLoss().compute(batch).loss;
    batch.positives.set(batch.anchors);
    expect(new GeckoLoss().compute(batch).loss).toBeLessThan(before);
  });
});

describe('matryoshka', () => {
  it('sums weighted losses over prefixes, each re-normalised', () => {
    const batch = randomBatch(5, 8, 6);
    const inner = new GeckoLoss({ temperature: 0.5 });
    const mrl = matryoshka(inner, { dims: [8, 4, 2], weights: [1, 0.5, 0.25] });
    const r = mrl.compute(batch);
    const at = (m: number): number => {
      const cut = (a: Float32Array): Float32Array =>
        Float32Array.from({ length: 5 * m }, (_, k) => a[Math.floor(k / m) * 8 + (k % m)]!);
      return eq3(
        {
          ...batch,
          dim: m,
          anchors: cut(batch.anchors),
          positives: cut(batch.positives),
          negatives: cut(batch.negatives!),
        },
        0.5,
        true,
        true,
      );
    };
    expect(r.parts['loss@4']).toBeCloseTo(at(4), 4);
    expect(r.loss).toBeCloseTo(at(8) + 0.5 * at(4) + 0.25 * at(2), 4);
  });

  it('gradients match finite differences', () => {
    checkGradient(
      matryoshka(new GeckoLoss({ temperature: 0.5 }), { dims: [6, 3], weights: [1, 2] }),
      randomBatch(4, 6, 7),
    );
  });

  it('rejects mismatched weights', () => {
    expect(() => matryoshka(new GeckoLoss(), { dims: [4, 2], weights: [1] })).toThrow(
      /2 dimensions but 1 weights/,
    );
  });
});
