import { describe, expect, it } from 'vitest';
import { SparseAdam } from '../../../src/train/optim/SparseAdam.js';
import { SparseRows } from '../../../src/train/optim/SparseRows.js';
import { learningRate } from '../../../src/train/optim/schedule.js';
import { estimateMemory, resolveTrainOptions } from '../../../src/train/options.js';

describe('learning-rate schedules', () => {
  const o = { lr: 1, warmupSteps: 10, totalSteps: 110 };
  it('warms up linearly, then decays', () => {
    expect(learningRate(0, o)).toBeCloseTo(0.1);
    expect(learningRate(9, o)).toBeCloseTo(1);
    expect(learningRate(60, o)).toBeCloseTo(0.5);
    expect(learningRate(60, { ...o, decay: 'cosine' })).toBeCloseTo(0.5);
    expect(learningRate(35, { ...o, decay: 'cosine' })).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)));
    expect(learningRate(60, { ...o, decay: 'constant' })).toBe(1);
    expect(learningRate(110, o)).toBe(0);
  });
});

describe('SparseAdam', () => {
  it('matches dense Adam(W) on touched rows and leaves the others alone', () => {
    const d = 3;
    const params = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9);
    const ref = Array.from(params);
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    const opt = new SparseAdam(params, d, { weightDecay: 0.1 });
    const rows = new SparseRows(3, d);
    const lr = 0.01;
    for (let step = 1; step <= 3; step++) {
      const g = [0.5 * step, -1, 2];
      rows.add(1, 1, Float32Array.from(g), 0);
      opt.step(rows, lr);
      rows.clear();
      for (let c = 0; c < d; c++) {
        m[c] = 0.9 * m[c]! + 0.1 * g[c]!;
        v[c] = 0.999 * v[c]! + 0.001 * g[c]! * g[c]!;
        const mh = m[c]! / (1 - 0.9 ** step);
        const vh = v[c]! / (1 - 0.999 ** step);
        ref[3 + c] = ref[3 + c]! * (1 - lr * 0.1) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
      }
    }
    for (let i = 0; i < 9; i++) expect(params[i]).toBeCloseTo(ref[i]!, 5);
    expect(Array.from(params.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(opt.state.step).toBe(3);
  });

  it('scales gradients (clipping) before the moments', () => {
    const a = Float32Array.of(0, 0);
    const b = Float32Array.of(0, 0);
    const ra = new SparseRows(1, 2);
    ra.add(0, 1, Float32Array.of(2, 4), 0);
    new SparseAdam(a, 2).step(ra, 0.1, 0.5);
    const rb = new SparseRows(1, 2);
    rb.add(0, 1, Float32Array.of(1, 2), 0);
    new SparseAdam(b, 2).step(rb, 0.1);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('train options', () => {
  it('limits the batch size and estimates memory', () => {
    expect(() => resolveTrainOptions({ outDir: 'x', batchSize: 4097 })).toThrow(/2 to 4096/);
    expect(resolveTrainOptions({ outDir: 'x' }).batchSize).toBe(256);
    const m = estimateMemory(30_000, 256, 4096);
    expect(m.params).toBeGreaterThan(30_000 * 256 * 12);
    expect(m.activations).toBeGreaterThan(4096 * 8192 * 4);
  });
});
