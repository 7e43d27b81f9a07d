import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/model/ModelError.js';
import { StaticModel } from '../../../src/model/StaticModel.js';
import { saturateTermFrequency } from '../../../src/model/termFrequency.js';
import { tinyTokenizer } from './fixtures.js';

describe('saturateTermFrequency', () => {
  // Two texts: [7, 3, 7, 7, 2] and [3, 3], then an empty one.
  const ids = Int32Array.of(7, 3, 7, 7, 2, 3, 3);
  const offsets = Int32Array.of(0, 5, 7, 7);

  it('collapses repeats per text, in first-occurrence order, weighted by sqrt(tf)', () => {
    const r = saturateTermFrequency(ids, offsets, 'sqrt');
    expect(Array.from(r.ids)).toEqual([7, 3, 2, 3]);
    expect(Array.from(r.offsets)).toEqual([0, 3, 4, 4]);
    expect(Array.from(r.weights!)).toEqual([Math.fround(Math.sqrt(3)), 1, 1, Math.fround(Math.sqrt(2))]);
  });

  it('log weights are 1 + ln tf, and counts do not leak into the next call', () => {
    const r = saturateTermFrequency(ids, offsets, 'log');
    expect(Array.from(r.weights!)).toEqual([
      Math.fround(1 + Math.log(3)),
      1,
      1,
      Math.fround(1 + Math.log(2)),
    ]);
    const again = saturateTermFrequency(Int32Array.of(7, 3), Int32Array.of(0, 2), 'log');
    expect(Array.from(again.weights!)).toEqual([1, 1]);
  });

  it('linear returns the batch unchanged', () => {
    const r = saturateTermFrequency(ids, offsets, 'linear');
    expect(r.ids).toBe(ids);
    expect(r.offsets).toBe(offsets);
    expect(r.weights).toBeNull();
  });
});

describe('StaticModel termFrequency', () => {
  /** Token t has vector [t, 1, 0, 0] (gecko = 5, wall = 8). */
  const model = (termFrequency?: unknown): StaticModel => {
    const tok = tinyTokenizer();
    const table = new Float32Array(tok.vocabSize * 4);
    for (let t = 0; t < tok.vocabSize; t++) table.set([t, 1, 0, 0], t * 4);
    return new StaticModel({
      tokenizer: tok,
      table,
      dim: 4,
      config: termFrequency === undefined ? {} : ({ termFrequency } as never),
    });
  };

  it('pools each distinct token once with weight f(tf)', () => {
    const linear = model();
    const sqrt = model('sqrt');
    const text = ['gecko gecko gecko gecko wall'];
    // linear: (4 * [5, 1] + [8, 1]) / 5
    expect(Array.from(linear.pool(linear.tokenize(text)))).toEqual([28 / 5, 1, 0, 0].map(Math.fround));
    // sqrt: (2 * [5, 1] + [8, 1]) / 2 distinct tokens
    expect(Array.from(sqrt.pool(sqrt.tokenize(text)))).toEqual([9, 1.5, 0, 0]);
    expect(linear.termFrequency).toBe('linear');
    expect(sqrt.id).not.toBe(linear.id);
  });

  it('rejects an unknown mode in the config', () => {
    expect(() => model('bm25')).toThrow(ModelError);
    expect(() => model('bm25')).toThrow(/termFrequency must be one of linear, sqrt, log, got "bm25"/);
  });
});
