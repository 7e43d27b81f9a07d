import { describe, expect, it } from 'vitest';
import { l2NormalizeBackward, l2NormalizeRows } from '../../../src/math/normalize.js';
import { meanPool, meanPoolBackward } from '../../../src/math/pool.js';
import { createRng } from '../../../src/math/rng.js';

describe('l2 normalisation', () => {
  it('normalises a prefix and leaves zero rows at zero', () => {
    const src = Float32Array.of(3, 4, 100, 0, 0, 7);
    const dst = new Float32Array(4);
    const norms = new Float32Array(2);
    l2NormalizeRows(src, 2, 3, 2, dst, norms);
    expect(Array.from(dst)).toEqual([0.6, 0.8, 0, 0].map(Math.fround));
    expect(Array.from(norms)).toEqual([5, 0]);
  });

  it('backward matches finite differences', () => {
    const rng = createRng(9);
    const x = Float64Array.from({ length: 5 }, () => rng.normal());
    const gy = Float64Array.from({ length: 4 }, () => rng.normal());
    // f(x) = gy . normalize(x[0..4]) (prefix of 4 in a row of stride 5)
    const f = (v: Float64Array): number => {
      const n = Math.hypot(v[0]!, v[1]!, v[2]!, v[3]!);
      return [0, 1, 2, 3].reduce((s, i) => s + gy[i]! * (v[i]! / n), 0);
    };
    const y = new Float32Array(4);
    const norms = new Float32Array(1);
    l2NormalizeRows(Float32Array.from(x), 1, 5, 4, y, norms);
    const gx = new Float32Array(5);
    l2NormalizeBackward(y, Float32Array.from(gy), norms, 1, 4, gx, 5);
    for (let i = 0; i < 5; i++) {
      const e = 1e-5;
      const p = Float64Array.from(x);
      const m = Float64Array.from(x);
      p[i]! += e;
      m[i]! -= e;
      expect(gx[i]).toBeCloseTo((f(p) - f(m)) / (2 * e), 4);
    }
  });
});

describe('mean pooling', () => {
  const table = Float32Array.of(1, 0, 0, 1, 2, 2); // 3 tokens x dim 2
  it('pools with and without weights', () => {
    const out = new Float32Array(4);
    meanPool({ table, dim: 2, ids: Int32Array.of(0, 1, 2), offsets: Int32Array.of(0, 2, 3) }, out);
    expect(Array.from(out)).toEqual([0.5, 0.5, 2, 2]);
    meanPool(
      {
        table,
        dim: 2,
        ids: Int32Array.of(0, 2),
        offsets: Int32Array.of(0, 2),
        weights: Float32Array.of(2, 1, 0.5),
      },
      out,
    );
    expect(Array.from(out.subarray(0, 2))).toEqual([1.5, 0.5]);
  });

  it('backward spreads the gradient over rows and weights', () => {
    const wg = new Float32Array(3);
    const gradRows = new Float32Array(4); // two slots of dim 2
    meanPoolBackward(
      {
        table,
        dim: 2,
        ids: Int32Array.of(0, 2),
        offsets: Int32Array.of(0, 2),
        weights: Float32Array.of(2, 1, 0.5),
      },
      Float32Array.of(1, -1),
      Int32Array.of(1, 0),
      gradRows,
      wg,
    );
    // token 0 (slot 1): w/n = 2/2 = 1; token 2 (slot 0): 0.5/2 = 0.25
    expect(Array.from(gradRows)).toEqual([0.25, -0.25, 1, -1]);
    // dL/dw0 = (E0 . g) / n = (1 - 0) / 2; dL/dw2 = (2 - 2) / 2
    expect(Array.from(wg)).toEqual([0.5, 0, 0]);
  });
});

describe('mean pooling with per-position weights', () => {
  const table = Float32Array.of(1, 0, 0, 1, 2, 2);
  it('multiplies each position by its weight, with token weights, forward and backward', () => {
    const input = {
      table,
      dim: 2,
      ids: Int32Array.of(0, 2),
      offsets: Int32Array.of(0, 2),
      weights: Float32Array.of(2, 1, 0.5),
      positionWeights: Float32Array.of(3, 2),
    };
    const out = new Float32Array(2);
    meanPool(input, out);
    // (3 * 2 * [1, 0] + 2 * 0.5 * [2, 2]) / 2
    expect(Array.from(out)).toEqual([4, 1]);
    const wg = new Float32Array(3);
    const gradRows = new Float32Array(4);
    meanPoolBackward(input, Float32Array.of(1, -1), Int32Array.of(1, 0), gradRows, wg);
    // slot 1 (token 0): 3 * 2 / 2 = 3; slot 0 (token 2): 2 * 0.5 / 2 = 0.5
    expect(Array.from(gradRows)).toEqual([0.5, -0.5, 3, -3]);
    // dL/dw0 = 3 * (E0 . g) / 2 = 1.5; dL/dw2 = 2 * (2 - 2) / 2 = 0
    expect(Array.from(wg)).toEqual([1.5, 0, 0]);
  });
});
