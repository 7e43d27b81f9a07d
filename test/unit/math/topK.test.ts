import { describe, expect, it } from 'vitest';
import { NORM_EPS, normalized, normalizedRows, normalizeInPlace } from '../../../src/math/normalize.js';
import { exactTopK, topKIndices } from '../../../src/math/topK.js';

describe('topKIndices', () => {
  it('orders by score, ties by position unless tie ranks are given', () => {
    const s = Float32Array.from([0.5, 0.9, 0.5, 0.9, 0.1]);
    expect(topKIndices(s, 3)).toEqual([1, 3, 0]);
    expect(topKIndices(s, 3, [4, 3, 2, 1, 0])).toEqual([3, 1, 2]);
    expect(topKIndices(s, 0)).toEqual([]);
    expect(topKIndices(s, 99)).toEqual([1, 3, 0, 2, 4]);
  });

  it('agrees with a full sort on random scores with many ties', () => {
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const s = Float32Array.from({ length: 2000 }, () => Math.round(rnd() * 50) / 50);
    const ref = [...s.keys()].sort((a, b) => s[b]! - s[a]! || a - b);
    for (const k of [1, 7, 100, 2000]) expect(topKIndices(s, k)).toEqual(ref.slice(0, k));
  });
});

describe('exactTopK', () => {
  it('returns the gemm scores of the best rows for each query, at most n', () => {
    const data = Float32Array.from([1, 0, 0, 1, 0.6, 0.8]);
    const queries = Float32Array.from([1, 0, 0, 1]);
    const [a, b] = exactTopK(queries, 2, data, 3, 2, 5);
    expect(Array.from(a!.keys)).toEqual([0, 2, 1]);
    expect(a!.scores[1]).toBeCloseTo(0.6, 6);
    expect(Array.from(b!.keys)).toEqual([1, 2, 0]);
    expect(exactTopK(queries, 2, data, 0, 2, 5).map((t) => t.keys.length)).toEqual([0, 0]);
  });
});

describe('normalisation zero guard', () => {
  it('turns vectors at or under NORM_EPS into zeros and leaves the input of the copying forms alone', () => {
    const tiny = Float32Array.from([NORM_EPS / 4, 0]);
    expect(Array.from(normalizeInPlace(tiny))).toEqual([0, 0]);
    const v = Float32Array.from([3, 4, 12]);
    expect(Array.from(normalized(v, 2))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(v)).toEqual([3, 4, 12]);
    expect(Array.from(normalizedRows(Float32Array.from([0, 0, 0, 2]), 2, 2))).toEqual([0, 0, 0, 1]);
  });
});
