import { describe, expect, it } from 'vitest';
import {
  logSoftmax,
  orderDescending,
  ranksDescending,
  reciprocalRankFusion,
} from '../../../src/fret/fusion.js';
import { rcScore } from '../../../src/fret/judge/LlmJudge.js';

describe('rank arithmetic', () => {
  it('ranks scores descending from 1, ties in candidate order, NaN last', () => {
    expect(ranksDescending([0.1, 0.9, 0.5])).toEqual([3, 1, 2]);
    expect(ranksDescending([2, 2, 3])).toEqual([2, 3, 1]);
    expect(ranksDescending([Number.NaN, -5, Number.NaN, -1])).toEqual([3, 2, 4, 1]);
    expect(orderDescending([-3, -1, -2])).toEqual([1, 2, 0]);
  });

  it("fuses with Gecko's k = 0: R = 1/r_QL + 1/r_RC", () => {
    // QL ranks: a=1, b=2, c=3; RC ranks: a=3, b=1, c=2.
    const fused = reciprocalRankFusion(
      [
        [1, 2, 3],
        [3, 1, 2],
      ],
      0,
    );
    expect(fused[0]).toBeCloseTo(1 + 1 / 3, 12);
    expect(fused[1]).toBeCloseTo(1 / 2 + 1, 12);
    expect(fused[2]).toBeCloseTo(1 / 3 + 1 / 2, 12);
    // b (1.5) beats a (1.333) beats c (0.833).
    expect(orderDescending(fused)).toEqual([1, 0, 2]);
  });

  it('with k = 60 the same ranks fuse to 1/(60+r) sums', () => {
    const fused = reciprocalRankFusion(
      [
        [1, 2],
        [2, 1],
      ],
      60,
    );
    expect(fused[0]).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[0]).toBe(fused[1]);
    // A tie keeps the retriever's order.
    expect(orderDescending(fused)).toEqual([0, 1]);
  });

  it('rejects lists of different lengths and a negative k', () => {
    expect(() => reciprocalRankFusion([[1, 2], [1]], 0)).toThrow(RangeError);
    expect(() => reciprocalRankFusion([[1]], -1)).toThrow(RangeError);
  });

  it('normalises label log-likelihoods over the label set', () => {
    const lp = logSoftmax([Math.log(0.2), Math.log(0.2), Math.log(0.6)]);
    expect(Math.exp(lp[0] as number)).toBeCloseTo(0.2, 12);
    // top: log P(first label | label set); expected: 1·0.2 + 0.5·0.2 + 0·0.6.
    expect(rcScore([Math.log(2), Math.log(2), Math.log(6)], 'top')).toBeCloseTo(Math.log(0.2), 12);
    expect(rcScore([Math.log(2), Math.log(2), Math.log(6)], 'expected')).toBeCloseTo(0.3, 12);
  });
});
