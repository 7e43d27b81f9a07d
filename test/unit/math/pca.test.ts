import { describe, expect, it } from 'vitest';
import { fitPca, projectPca } from '../../../src/math/pca.js';
import { createRng } from '../../../src/math/rng.js';

const S = Math.SQRT1_2;

/**
 * Four points mean + a.u1 + b.u2 with u1 = (1,1,0)/sqrt2, u2 = (1,-1,0)/sqrt2 and (a, b) = (+-3, +-1):
 * by hand, the sample covariance (n - 1 = 3) has eigenvalues 36/3 = 12 along u1, 4/3 along u2 and 0 along
 * u3 = (0,0,1), and each row projects to (a, b) up to the sign of each component.
 */
const MEAN = [1, 2, 3];
const AB = [
  [3, 1],
  [-3, 1],
  [3, -1],
  [-3, -1],
] as const;
const X = Float32Array.from(
  AB.flatMap(([a, b]) => [MEAN[0]! + (a + b) * S, MEAN[1]! + (a - b) * S, MEAN[2]!]),
);

/** |cosine| between two vectors: equal up to sign when 1. */
function absCos(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let d = 0;
  let nu = 0;
  let nv = 0;
  for (let i = 0; i < u.length; i++) {
    d += u[i]! * v[i]!;
    nu += u[i]! * u[i]!;
    nv += v[i]! * v[i]!;
  }
  return Math.abs(d) / Math.sqrt(nu * nv);
}

describe('fitPca / projectPca', () => {
  it('matches the hand-computed reference on a 4 x 3 matrix (sign-invariant)', () => {
    const pca = fitPca(X, 4, 3, 2);
    expect(Array.from(pca.mean)).toEqual(MEAN.map((m) => expect.closeTo(m, 5)));
    expect(pca.variances[0]).toBeCloseTo(12, 4);
    expect(pca.variances[1]).toBeCloseTo(4 / 3, 4);
    expect(pca.totalVariance).toBeCloseTo(40 / 3, 4);
    expect(absCos(pca.components.subarray(0, 3), [S, S, 0])).toBeCloseTo(1, 5);
    expect(absCos(pca.components.subarray(3, 6), [S, -S, 0])).toBeCloseTo(1, 5);
    const y = projectPca(pca, X, 4);
    const s0 = Math.sign(y[0]!) * Math.sign(AB[0][0]);
    const s1 = Math.sign(y[1]!) * Math.sign(AB[0][1]);
    AB.forEach(([a, b], r) => {
      expect(y[r * 2]).toBeCloseTo(s0 * a, 4);
      expect(y[r * 2 + 1]).toBeCloseTo(s1 * b, 4);
    });
  });

  it('orders components by variance and fixes their sign (largest entry positive)', () => {
    const pca = fitPca(X, 4, 3, 3);
    expect(pca.variances[0]! >= pca.variances[1]! && pca.variances[1]! >= pca.variances[2]!).toBe(true);
    expect(pca.variances[2]).toBeCloseTo(0, 4);
    for (let j = 0; j < 3; j++) {
      const row = Array.from(pca.components.subarray(j * 3, j * 3 + 3));
      const big = row.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
      expect(big).toBeGreaterThan(0);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
  });

  it('finds eigenpairs of the covariance over several GEMM chunks', () => {
    const rows = 5000;
    const cols = 6;
    const rng = createRng(3);
    // Columns with very different spreads, mixed by a fixed rotation-like transform.
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++)
        data[r * cols + c] = rng.normal() * (c + 1) + (c === 2 ? rng.normal() * 3 : 0) + 5;
    const pca = fitPca(data, rows, cols, 4);
    // Reference covariance in float64 with a plain double loop.
    const mean = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += data[r * cols + c]! / rows;
    const cov = new Float64Array(cols * cols);
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < cols; i++)
        for (let j = 0; j < cols; j++)
          cov[i * cols + j]! +=
            ((data[r * cols + i]! - mean[i]!) * (data[r * cols + j]! - mean[j]!)) / (rows - 1);
    for (let k = 0; k < 4; k++) {
      const v = pca.components.subarray(k * cols, (k + 1) * cols);
      for (let i = 0; i < cols; i++) {
        let cv = 0;
        for (let j = 0; j < cols; j++) cv += cov[i * cols + j]! * v[j]!;
        expect(cv).toBeCloseTo(pca.variances[k]! * v[i]!, 2);
      }
    }
    expect(pca.variances[0]! > pca.variances[3]!).toBe(true);
  });

  it('rejects inconsistent shapes and component counts', () => {
    expect(() => fitPca(X, 4, 4, 2)).toThrow(/expected rows 4 x cols 4/);
    expect(() => fitPca(X, 4, 3, 4)).toThrow(/1\.\.3/);
    expect(() => fitPca(X.subarray(0, 3), 1, 3, 1)).toThrow(/at least 2 rows/);
  });
});
