import { describe, expect, it } from 'vitest';
import { NumpyRandomState } from '../../../src/eval/metrics/numpyRandom.js';
import { vMeasure } from '../../../src/eval/metrics/vMeasure.js';
import { float32PairwiseSum } from '../../../src/eval/ml/float32Sum.js';
import { minimizeLbfgsb } from '../../../src/eval/ml/lbfgsb.js';
import {
  binaryObjective,
  fitLogisticRegression,
  predictLogisticRegression,
  softmaxObjective,
} from '../../../src/eval/ml/logisticRegression.js';
import { miniBatchKMeans } from '../../../src/eval/ml/miniBatchKMeans.js';

function data(n: number, d: number, K: number, seed: number): { X: Float32Array; y: number[] } {
  const r = new NumpyRandomState(seed);
  const centers = Array.from({ length: K }, () => Array.from({ length: d }, () => r.randomSample() * 2 - 1));
  const X = new Float32Array(n * d);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % K;
    y.push(c);
    for (let j = 0; j < d; j++) X[i * d + j] = (centers[c]?.[j] as number) + 0.3 * (r.randomSample() * 2 - 1);
  }
  return { X, y };
}

/** The objective written the plain way, one row at a time. */
function referenceSoftmax(
  X: Float32Array,
  y: number[],
  d: number,
  K: number,
  w: Float64Array,
  g: Float64Array,
): number {
  g.fill(0);
  let loss = 0;
  const n = y.length;
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: K }, (_, k) => w[d * K + k] as number);
    for (let j = 0; j < d; j++)
      for (let k = 0; k < K; k++)
        z[k] = (z[k] as number) + (X[i * d + j] as number) * (w[j * K + k] as number);
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    loss += Math.log(sum) + max - (Math.log(e[y[i] as number] as number) + max);
    const r = e.map((v, k) => v / sum - (k === y[i] ? 1 : 0));
    for (let j = 0; j < d; j++)
      for (let k = 0; k < K; k++)
        g[j * K + k] = (g[j * K + k] as number) + (X[i * d + j] as number) * (r[k] as number);
    for (let k = 0; k < K; k++) g[d * K + k] = (g[d * K + k] as number) + (r[k] as number);
  }
  let pen = 0;
  for (let p = 0; p < d * K; p++) {
    pen += (w[p] as number) ** 2;
    g[p] = (g[p] as number) * (1 / n) + (1 / n) * (w[p] as number);
  }
  for (let k = 0; k < K; k++) g[d * K + k] = (g[d * K + k] as number) * (1 / n);
  return loss * (1 / n) + 0.5 * (1 / n) * pen;
}

describe('L-BFGS-B', () => {
  it('minimises Rosenbrock from the standard start', () => {
    const r = minimizeLbfgsb(
      (x, g) => {
        const a = x[0] as number;
        const b = x[1] as number;
        g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] = 200 * (b - a * a);
        return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { gtol: 1e-8, ftol: 1e-15 },
    );
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.reason === 'pgtol' || r.reason === 'ftol').toBe(true);
  });
  it('stops at maxiter', () => {
    const r = minimizeLbfgsb(
      (x, g) => {
        g[0] = Math.cos(x[0] as number) + 2 * (x[0] as number);
        return Math.sin(x[0] as number) + (x[0] as number) ** 2;
      },
      Float64Array.from([3]),
      { maxiter: 1 },
    );
    expect(r.nit).toBe(1);
    expect(r.reason).toBe('maxiter');
  });
});

describe('logistic regression', () => {
  it('the blocked multinomial objective is bit-identical to the row-by-row one, for any row count', () => {
    for (const n of [8, 10, 11]) {
      const { X, y } = data(n, 6, 3, n);
      const w = Float64Array.from({ length: 7 * 3 }, (_, i) => Math.sin(i) / 3);
      const g1 = new Float64Array(w.length);
      const g2 = new Float64Array(w.length);
      const f1 = softmaxObjective(X, Int32Array.from(y), n, 6, 3, 1 / n, 1 / n)(w, g1);
      const f2 = referenceSoftmax(X, y, 6, 3, w, g2);
      expect(f1).toBe(f2);
      expect(Array.from(g1)).toEqual(Array.from(g2));
    }
  });
  it('binary gradient matches finite differences', () => {
    const { X, y } = data(20, 4, 2, 3);
    const fun = binaryObjective(X, Int32Array.from(y), 20, 4, 1 / 20, 1 / 20);
    const w = Float64Array.from([0.1, -0.2, 0.3, 0.05, 0.2]);
    const g = new Float64Array(5);
    fun(w, g);
    for (let p = 0; p < 5; p++) {
      const h = 1e-6;
      const wp = Float64Array.from(w);
      const wm = Float64Array.from(w);
      wp[p] = (wp[p] as number) + h;
      wm[p] = (wm[p] as number) - h;
      const num = (fun(wp, new Float64Array(5)) - fun(wm, new Float64Array(5))) / (2 * h);
      expect(g[p]).toBeCloseTo(num, 6);
    }
  });
  it('separates separable classes; binary and multiclass predict the original labels', () => {
    for (const K of [2, 4]) {
      const { X, y } = data(80, 8, K, 11);
      const labels = y.map((c) => c * 10 + 5);
      const model = fitLogisticRegression(X, labels, 8);
      expect(model.classes).toEqual(Array.from({ length: K }, (_, c) => c * 10 + 5));
      expect(predictLogisticRegression(model, X)).toEqual(labels);
    }
    expect(() => fitLogisticRegression(new Float32Array(4), [1, 1], 2)).toThrow(/two classes/);
  });
});

describe('MiniBatchKMeans', () => {
  it('recovers well-separated clusters, deterministically, in both sklearn generations', () => {
    const { X, y } = data(300, 5, 4, 5);
    for (const gen of ['1.2', '1.4+'] as const) {
      const a = miniBatchKMeans(X, 5, 4, { batchSize: 64, sklearn: gen });
      const b = miniBatchKMeans(X, 5, 4, { batchSize: 64, sklearn: gen });
      expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
      expect(vMeasure(y, a.labels)).toBeCloseTo(1, 12);
    }
    expect(() => miniBatchKMeans(X, 5, 301)).toThrow(RangeError);
  });
  it('numpy float32 pairwise summation differs from naive float32 summation on long arrays', () => {
    const a = new Float32Array(100_000).fill(0.1);
    let naive = 0;
    for (const v of a) naive = Math.fround(naive + v);
    const pairwise = float32PairwiseSum(a);
    const exact = 100_000 * Math.fround(0.1);
    expect(Math.abs(pairwise - exact)).toBeLessThan(Math.abs(naive - exact));
  });
});
