import { describe, expect, it } from 'vitest';
import { exactSearch, recallAtK } from '../../../src/index/exactSearch.js';
import { VectorIndex } from '../../../src/index/VectorIndex.js';
import { createRng } from '../../../src/math/rng.js';
import { tempDir } from '../../helpers/tmp.js';

/** `n` random unit vectors, seeded; clustered around `centers` so neighbours are meaningful. */
function unitRows(n: number, d: number, seed: number, centers = 20): Float32Array {
  const rng = createRng(seed);
  const c = Float32Array.from({ length: centers * d }, () => rng.normal());
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rng.next() * centers);
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = c[k * d + j]! + 0.6 * rng.normal();
      out[i * d + j] = v;
      s += v * v;
    }
    for (let j = 0; j < d; j++) out[i * d + j]! /= Math.sqrt(s);
  }
  return out;
}

/** Brute force with plain loops and a full sort: the reference for the blocked gemm scan. */
function bruteForce(q: Float32Array, data: Float32Array, n: number, d: number, k: number): number[] {
  const scores = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += q[j]! * data[i * d + j]!;
    return { i, s };
  });
  return scores
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .slice(0, k)
    .map((x) => x.i);
}

describe('exactSearch', () => {
  it('matches a brute-force sort across block boundaries', () => {
    const n = 9000; // more than two 4096-row blocks
    const d = 24;
    const data = unitRows(n, d, 1);
    const queries = unitRows(5, d, 2);
    const top = exactSearch(queries, 5, data, n, d, 10);
    for (let q = 0; q < 5; q++) {
      const expected = bruteForce(queries.subarray(q * d, (q + 1) * d), data, n, d, 10);
      expect(Array.from(top[q]!.keys)).toEqual(expected);
      expect(top[q]!.scores[0]).toBeGreaterThanOrEqual(top[q]!.scores[9]!);
    }
  });

  it('returns at most n results', () => {
    const data = unitRows(3, 4, 3);
    const [top] = exactSearch(data.subarray(0, 4), 1, data, 3, 4, 10);
    expect(top!.keys).toHaveLength(3);
    expect(top!.keys[0]).toBe(0);
  });
});

describe('recallAtK', () => {
  it('counts the share of exact neighbours found', () => {
    expect(recallAtK([[1, 2, 3]], [[3, 4, 5]], 3)).toBeCloseTo(1 / 3);
    expect(
      recallAtK(
        [
          [1, 2],
          [5, 6],
        ],
        [
          [1, 2],
          [6, 7],
        ],
        2,
      ),
    ).toBeCloseTo(0.75);
    expect(() => recallAtK([[1]], [], 1)).toThrow(RangeError);
  });
});

describe('VectorIndex', () => {
  const n = 4000;
  const d = 32;
  const data = unitRows(n, d, 4);
  const queries = unitRows(50, d, 5);
  const exact = exactSearch(queries, 50, data, n, d, 10).map((t) => t.keys);

  it('auto picks exact search for small corpora, and it equals exactSearch', () => {
    const index = VectorIndex.build(data, n, d);
    expect(index.options.kind).toBe('exact');
    expect(index.searchBatch(queries, 50, 10).map((t) => Array.from(t.keys))).toEqual(
      exact.map((k) => Array.from(k)),
    );
  });

  it('HNSW reaches high recall@10 in f32, f16 and i8', () => {
    const recalls: Record<string, number> = {};
    for (const quantization of ['f32', 'f16', 'i8'] as const) {
      const index = VectorIndex.build(data, n, d, { kind: 'hnsw', quantization });
      const got = index.searchBatch(queries, 50, 10);
      recalls[quantization] = recallAtK(
        got.map((t) => t.keys),
        exact,
        10,
      );
      for (const t of got) {
        expect(t.keys).toHaveLength(10);
        expect(t.scores[0]).toBeGreaterThanOrEqual(t.scores[9]!);
      }
    }
    expect(recalls.f32).toBeGreaterThan(0.9);
    expect(recalls.f16).toBeGreaterThan(0.9);
    expect(recalls.i8).toBeGreaterThan(0.8);
  });

  it('binary HNSW finds the nearest sign vectors by Hamming distance', () => {
    // Judged against exact Hamming search, counting ties: at d = 32 many rows share a distance.
    const index = VectorIndex.build(data, n, d, { kind: 'hnsw', quantization: 'binary' });
    const ham = (q: number, row: number): number => {
      let h = 0;
      for (let j = 0; j < d; j++) if (queries[q * d + j]! > 0 !== data[row * d + j]! > 0) h++;
      return h;
    };
    let within = 0;
    for (let q = 0; q < 50; q++) {
      const all = Array.from({ length: n }, (_, r) => ham(q, r)).sort((a, b) => a - b);
      const tenth = all[9]!;
      const top = index.search(queries.subarray(q * d, (q + 1) * d), 10);
      for (const key of top.keys) if (ham(q, key) <= tenth) within++;
    }
    expect(within / 500).toBeGreaterThan(0.9);
  });

  it('binary scores are 1 - 2 * hamming / d of the sign vectors', () => {
    const index = VectorIndex.build(data, n, d, { kind: 'hnsw', quantization: 'binary' });
    const q = queries.subarray(0, d);
    const top = index.search(q, 3);
    const key = top.keys[0]!;
    let ham = 0;
    for (let j = 0; j < d; j++) if (q[j]! > 0 !== data[key * d + j]! > 0) ham++;
    expect(top.scores[0]).toBeCloseTo(1 - (2 * ham) / d, 6);
  });

  it('saves and loads both kinds with identical results', async () => {
    for (const kind of ['exact', 'hnsw'] as const) {
      const dir = tempDir('gecko-vi-');
      const index = VectorIndex.build(data, n, d, { kind, quantization: 'f32' });
      index.info = { note: kind };
      await index.save(dir);
      const loaded = await VectorIndex.load(dir);
      expect(loaded.options.kind).toBe(kind);
      expect(loaded.info).toEqual({ note: kind });
      const a = index.searchBatch(queries.subarray(0, 5 * d), 5, 10);
      const b = loaded.searchBatch(queries.subarray(0, 5 * d), 5, 10);
      expect(b.map((t) => Array.from(t.keys))).toEqual(a.map((t) => Array.from(t.keys)));
    }
    await expect(VectorIndex.load(tempDir('gecko-vi-empty-'))).rejects.toThrow(/no vector index/);
  });

  it('refuses bad options and buffers', () => {
    expect(() => VectorIndex.build(data, n + 1, d)).toThrow(/expected 4001 x 32/);
    expect(() => VectorIndex.build(data, n, d, { kind: 'exact', quantization: 'i8' })).toThrow(
      /exact search keeps float32/,
    );
    expect(() => VectorIndex.build(data, n, d, { quantization: 'f8' as 'f16' })).toThrow(
      /quantization must be one of/,
    );
    expect(() => VectorIndex.build(data, n, d).search(queries.subarray(0, d), 0)).toThrow(
      /k must be a positive integer/,
    );
  });
});
