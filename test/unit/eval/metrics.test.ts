import { describe, expect, it } from 'vitest';
import { adjustedMutualInfo } from '../../../src/eval/metrics/adjustedMutualInfo.js';
import { averagePrecision, thresholdMetrics } from '../../../src/eval/metrics/averagePrecision.js';
import { classificationMetrics } from '../../../src/eval/metrics/classificationMetrics.js';
import { compareCodePoints } from '../../../src/eval/metrics/compareIds.js';
import {
  correlationPValue,
  rankAverage,
  regularizedIncompleteBeta,
  spearman,
} from '../../../src/eval/metrics/correlation.js';
import { MT19937 } from '../../../src/eval/metrics/mt19937.js';
import { NumpyRandomState, searchSorted } from '../../../src/eval/metrics/numpyRandom.js';
import { pyRound } from '../../../src/eval/metrics/pyRound.js';
import { PythonRandom } from '../../../src/eval/metrics/pythonRandom.js';
import { rankRun, scoreRun, trecQueryMeasures } from '../../../src/eval/metrics/trecEval.js';
import { vMeasure } from '../../../src/eval/metrics/vMeasure.js';

describe('random streams', () => {
  it('MT19937 init_genrand(5489) gives the reference first outputs', () => {
    const mt = new MT19937(5489);
    expect([mt.nextUint32(), mt.nextUint32(), mt.nextUint32()]).toEqual([3499211612, 581869302, 3890346734]);
  });
  it('numpy RandomState(42): randint and random_sample as numpy 1.24 draws them', () => {
    const r = new NumpyRandomState(42);
    expect(Array.from(r.randint(0, 1000, 5))).toEqual([102, 435, 860, 270, 106]);
    expect(r.randomSample()).toBe(0.7796910002727693);
  });
  it('numpy choice with p and without replacement (RandomState(1))', () => {
    const r = new NumpyRandomState(1);
    expect(Array.from(r.choiceWithP(new Float64Array(10).fill(0.1), 5))).toEqual([4, 7, 0, 3, 1]);
    expect(r.choiceWithoutReplacement(10, 3)).toEqual([6, 3, 9]);
  });
  it('CPython sample uses the pool branch for small populations and never repeats', () => {
    const s = new PythonRandom(42).sample(30, 10);
    expect(new Set(s).size).toBe(10);
    expect(s.every((x) => x >= 0 && x < 30)).toBe(true);
    expect(() => new PythonRandom(42).sample(3, 4)).toThrow(RangeError);
  });
  it('searchSorted left/right', () => {
    expect(searchSorted([1, 2, 2, 3], 2, 'left')).toBe(1);
    expect(searchSorted([1, 2, 2, 3], 2, 'right')).toBe(3);
  });
});

describe('pyRound', () => {
  it('breaks exact binary ties to even and leaves near-ties to the exact value', () => {
    expect(pyRound(0.015625, 5)).toBe(0.01562); // k/64: an exact tie
    expect(pyRound(0.046875, 5)).toBe(0.04688); // 3/64: tie, 4688 is even
    expect(pyRound(-0.015625, 5)).toBe(-0.01562);
    expect(pyRound(0.123455, 5)).toBe(0.12345); // 0.123455 is stored just below the half
    expect(pyRound(2.5, 0)).toBe(2);
    expect(pyRound(3.5, 0)).toBe(4);
    expect(pyRound(0.5174418337467067, 5)).toBe(0.51744);
  });
});

describe('correlations', () => {
  it('average ranks for ties', () => {
    expect(Array.from(rankAverage([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });
  it('spearman of a monotone transform is 1 and of a reversal −1', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
  it('incomplete beta: I_x(1,1) = x and symmetry; p-value of r = 0 is 1', () => {
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedIncompleteBeta(0.3, 2, 5) + regularizedIncompleteBeta(0.7, 5, 2)).toBeCloseTo(1, 12);
    expect(correlationPValue(0, 16)).toBeCloseTo(1, 12);
    expect(correlationPValue(1, 16)).toBe(0);
  });
});

describe('trec_eval', () => {
  it('ids compare by code point, not UTF-16 unit', () => {
    expect(compareCodePoints('9', '11')).toBeGreaterThan(0);
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0); // astral > BMP private use
    expect('\u{1F600}' < '\uFFFD').toBe(true); // what plain JS comparison would get wrong
  });
  it('map_cut divides by all relevant docs and P@k pads with non-relevant', () => {
    const m = trecQueryMeasures(['a', 'x', 'b'], { a: 1, b: 1, c: 1 }, [1, 3, 10]);
    expect(m.map[2]).toBeCloseTo((1 + 2 / 3) / 3, 12);
    expect(m.precision[2]).toBeCloseTo(2 / 10, 12);
    expect(m.recall[1]).toBeCloseTo(2 / 3, 12);
    expect(m.success[0]).toBe(1);
  });
  it('a query with only zero judgments keeps nDCG 0; queries missing from qrels are not averaged', () => {
    const s = scoreRun(
      { q1: { a: 1 }, q2: { b: 0 } },
      { q1: { a: 0.9 }, q2: { b: 0.9 }, q3: { a: 1 } },
      [10],
    );
    expect(s.ndcg_at_10).toBe(0.5);
    expect(s.mrr_at_10).toBeCloseTo(1 / 3, 12); // mrr averages over every run query
  });
  it('ties rank the larger id first', () => {
    expect(rankRun({ b: 1, a: 1, c: 2 })).toEqual(['c', 'b', 'a']);
  });
});

describe('classification metrics and AP', () => {
  it('AP groups tied scores', () => {
    expect(averagePrecision([1, 0], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    expect(averagePrecision([1, 0, 1], [0.9, 0.8, 0.8])).toBeCloseTo(1 / 2 + (1 / 2) * (2 / 3), 12);
    expect(averagePrecision([0, 0], [1, 2])).toBeNaN();
  });
  it('distance scores (lower = similar) are handled by flipping the order', () => {
    const m = thresholdMetrics([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], false);
    expect(m.accuracy).toBe(1);
    expect(m.ap).toBe(1);
  });
  it('macro/weighted F1 as sklearn computes them', () => {
    const m = classificationMetrics([0, 0, 1, 2], [0, 1, 1, 1]);
    expect(m.accuracy).toBe(0.5);
    // per-label F1: 0 → 2/3, 1 → 0.5, 2 → 0
    expect(m.f1).toBeCloseTo((2 / 3 + 0.5 + 0) / 3, 12);
    expect(m.f1_weighted).toBeCloseTo((2 / 3) * 0.5 + 0.5 * 0.25, 12);
    expect(m.ap).toBeUndefined();
  });
});

describe('adjustedMutualInfo', () => {
  it('matches scikit-learn 1.2.1 on small examples', () => {
    expect(adjustedMutualInfo([0, 0, 1, 1, 2, 2, 2, 0], [1, 1, 0, 0, 2, 0, 2, 2])).toBeCloseTo(
      0.31967265056964705,
      10,
    );
    expect(adjustedMutualInfo([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(0.2987924581708899, 10);
    expect(adjustedMutualInfo([0, 1, 0, 1], [0, 0, 0, 0])).toBeCloseTo(0, 12);
    expect(adjustedMutualInfo([0, 0, 1, 1], ['b', 'b', 'a', 'a'])).toBeCloseTo(1, 12);
  });
  it('reads labels containing NUL as themselves, and rejects lengths that differ', () => {
    expect(adjustedMutualInfo(['a\0b', 'a\0b', 'c', 'c'], ['x', 'x', 'y', 'y'])).toBeCloseTo(1, 12);
    expect(() => adjustedMutualInfo([0, 1, 0], [0, 1])).toThrow(RangeError);
  });
});

describe('vMeasure', () => {
  it('is 1 for a relabelled perfect clustering, 0 for independent labels', () => {
    expect(vMeasure([0, 0, 1, 1], [5, 5, 3, 3])).toBeCloseTo(1, 12);
    expect(vMeasure([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12);
    expect(vMeasure(['a', 'a', 'a'], [0, 0, 0])).toBe(1);
  });
});
