import { describe, expect, it } from 'vitest';
import { type CsrMatrix, randomizedSvd } from '../../../src/math/randomizedSvd.js';
import { cooccurrenceTable } from '../../../src/model/init/cooccurrence.js';
import { Tokenizer } from '../../../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../../../src/model/tokenizer/wordPieceJson.js';

function csr(dense: number[][]): CsrMatrix {
  const rowPtr = [0];
  const colIdx: number[] = [];
  const values: number[] = [];
  for (const row of dense) {
    row.forEach((v, c) => {
      if (v !== 0) {
        colIdx.push(c);
        values.push(v);
      }
    });
    rowPtr.push(colIdx.length);
  }
  return {
    rows: dense.length,
    cols: dense[0]!.length,
    rowPtr: Int32Array.from(rowPtr),
    colIdx: Int32Array.from(colIdx),
    values: Float32Array.from(values),
  };
}

describe('randomizedSvd', () => {
  it('recovers the singular values and vectors of a matrix worked out by hand', () => {
    // diag(3, 2, 1) with rows permuted: singular values 3, 2, 1; u for s=3 is e_2, for s=2 is e_0.
    const m = csr([
      [0, 2, 0],
      [0, 0, 1],
      [3, 0, 0],
    ]);
    const { u, s, rank } = randomizedSvd(m, 2, { oversample: 1 });
    expect(rank).toBe(2);
    expect(s[0]).toBeCloseTo(3, 6);
    expect(s[1]).toBeCloseTo(2, 6);
    // Columns are unique up to sign.
    expect(Math.abs(u[2 * 2 + 0]!)).toBeCloseTo(1, 6);
    expect(Math.abs(u[0 * 2 + 1]!)).toBeCloseTo(1, 6);
    expect(Math.abs(u[1 * 2 + 0]!) + Math.abs(u[1 * 2 + 1]!)).toBeCloseTo(0, 6);
  });

  it('matches the exact spectrum of a random low-rank sparse matrix', () => {
    // A = x y^T + 0.5 z w^T (rank 2, orthogonal factors): singular values |x||y| and 0.5|z||w|.
    const n = 40;
    const x = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const z = Array.from({ length: n }, (_, i) => (i % 2 === 1 ? 1 : 0));
    const dense = x.map((xi, i) => x.map((_, j) => xi * (j < 20 ? 1 : 0) + 0.5 * z[i]! * (j >= 20 ? 1 : 0)));
    const { s } = randomizedSvd(csr(dense), 2);
    expect(s[0]).toBeCloseTo(Math.sqrt(20) * Math.sqrt(20), 6);
    expect(s[1]).toBeCloseTo(0.5 * Math.sqrt(20) * Math.sqrt(20), 6);
  });
});

describe('cooccurrenceTable', () => {
  const vocab = [
    '[PAD]',
    '[UNK]',
    'cat',
    'dog',
    'purrs',
    'barks',
    'pets',
    'stocks',
    'bonds',
    'market',
    'fell',
    'rose',
    'never',
  ];
  const tokenizer = Tokenizer.fromJSON(wordPieceTokenizerJson(vocab), 'test');
  const texts: string[] = [];
  for (let i = 0; i < 50; i++) {
    texts.push(
      'cat purrs pets',
      'dog barks pets',
      'cat pets dog',
      'stocks fell market',
      'bonds rose market',
      'stocks bonds market',
    );
  }
  const cos = (t: Float32Array, d: number, a: number, b: number): number => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let c = 0; c < d; c++) {
      ab += t[a * d + c]! * t[b * d + c]!;
      aa += t[a * d + c]! ** 2;
      bb += t[b * d + c]! ** 2;
    }
    return ab / Math.sqrt(aa * bb);
  };

  it('puts words that share contexts together and keeps random rows for unseen tokens', () => {
    const d = 4;
    const init = cooccurrenceTable(tokenizer, texts, d, { window: 2 });
    const id = (w: string): number => tokenizer.tokenToId(w)!;
    expect(init.coveredTokens).toBe(10);
    expect(cos(init.table, d, id('cat'), id('dog'))).toBeGreaterThan(
      cos(init.table, d, id('cat'), id('stocks')),
    );
    expect(cos(init.table, d, id('stocks'), id('bonds'))).toBeGreaterThan(
      cos(init.table, d, id('bonds'), id('dog')),
    );
    const never = id('never');
    expect(Array.from(init.table.subarray(never * d, never * d + d)).some((v) => v !== 0)).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const a = cooccurrenceTable(tokenizer, texts, 4, { seed: 3 }).table;
    const b = cooccurrenceTable(tokenizer, texts, 4, { seed: 3 }).table;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });
});
