import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/UsageError.js';
import { ModelError } from '../../../src/model/ModelError.js';
import { StaticModel } from '../../../src/model/StaticModel.js';
import { tinyTokenizer } from './fixtures.js';

/** Rows are hand-computable: token t has vector [t, 1, 0, 0]. */
function tinyModel(weights?: Float32Array): StaticModel {
  const tok = tinyTokenizer();
  const table = new Float32Array(tok.vocabSize * 4);
  for (let t = 0; t < tok.vocabSize; t++) table.set([t, 1, 0, 0], t * 4);
  return new StaticModel({ tokenizer: tok, table, dim: 4, weights: weights ?? null });
}

describe('StaticModel', () => {
  it('mean-pools token rows and L2-normalises', async () => {
    const m = tinyModel();
    // Without the unified-format prefix tokens: use a raw tokenised batch.
    const pooled = m.pool(m.tokenize(['gecko wall', '']));
    // gecko=5, wall=8 -> mean [6.5, 1, 0, 0]; the empty text pools to zeros.
    expect(Array.from(pooled)).toEqual([6.5, 1, 0, 0, 0, 0, 0, 0]);
    const [v] = await m.embed(['gecko wall'], { kind: 'query', task: 'x' });
    let sq = 0;
    for (const x of v!) sq += x * x;
    expect(sq).toBeCloseTo(1, 6);
  });

  it('applies Gecko unified format by kind', async () => {
    const m = tinyModel();
    const manual = (text: string): number[] => {
      const p = m.pool(m.tokenize([text]));
      const n = Math.hypot(...p);
      return Array.from(p, (x) => Math.fround(x / n));
    };
    const [q] = await m.embed(['gecko'], { kind: 'query', task: 'a wall' });
    expect(Array.from(q!)).toEqual(manual('task: a wall | query: gecko'));
    const [d] = await m.embed([{ title: 'wall', text: 'gecko' }], { kind: 'document' });
    expect(Array.from(d!)).toEqual(manual('title: wall | text: gecko'));
    expect(Array.from(q!)).not.toEqual(Array.from(d!));
  });

  it('Matryoshka truncation keeps a prefix and re-normalises', async () => {
    const m = tinyModel();
    const [full] = await m.embed(['gecko wall']);
    const [two] = await m.embed(['gecko wall'], { dimensions: 2 });
    const n = Math.hypot(full![0]!, full![1]!);
    expect(two![0]).toBeCloseTo(full![0]! / n, 6);
    expect(two![1]).toBeCloseTo(full![1]! / n, 6);
    await expect(m.embed(['x'], { dimensions: 5 })).rejects.toThrow(UsageError);
  });

  it('per-token weights scale rows before the mean', () => {
    const w = new Float32Array(11).fill(1);
    w[5] = 3;
    const m = tinyModel(w);
    expect(Array.from(m.pool(m.tokenize(['gecko wall'])))).toEqual([(15 + 8) / 2, 2, 0, 0]);
    expect(Array.from(m.foldedTable().subarray(20, 24))).toEqual([15, 3, 0, 0]);
  });

  it('quantises to int8 and binary', () => {
    const m = tinyModel();
    const q8 = m.embedQuantized(['gecko wall'], { precision: 'int8' });
    expect(q8.data).toBeInstanceOf(Int8Array);
    expect(Math.max(...Array.from(q8.data as Int8Array))).toBe(127);
    const [f] = m.embedSync(['gecko wall']);
    const [d8] = m.embedSync(['gecko wall'], { precision: 'int8' });
    for (let i = 0; i < 4; i++) expect(d8![i]).toBeCloseTo(f![i]!, 2);
    const bin = m.embedQuantized(['gecko wall'], { precision: 'binary' });
    expect(Array.from(bin.data)).toEqual([0b11000000]);
    const [db] = m.embedSync(['gecko wall'], { precision: 'binary' });
    expect(Array.from(db!)).toEqual([0.5, 0.5, -0.5, -0.5]);
  });

  it('reports truncation', () => {
    const warnings: string[] = [];
    const tok = tinyTokenizer();
    const m = new StaticModel({
      tokenizer: tok,
      table: new Float32Array(tok.vocabSize * 2),
      dim: 2,
      config: { maxLength: 1 },
      reporter: {
        debug() {},
        info() {},
        warn: (s) => warnings.push(s),
        progress: () => ({ tick() {}, update() {}, done() {} }),
      },
    });
    m.tokenize(['gecko wall', 'a']);
    m.tokenize(['gecko wall', 'a wall']);
    expect(warnings).toEqual([
      'truncated 1 of 2 texts to 1 tokens (later truncations are counted in truncatedTotal and shown with --verbose)',
    ]);
    expect(m.truncatedTotal).toBe(3);
  });

  it('checks the table against the vocabulary', () => {
    expect(
      () => new StaticModel({ tokenizer: tinyTokenizer(), table: new Float32Array(10 * 4), dim: 4 }),
    ).toThrow(ModelError);
  });

  it('id changes with the weights', () => {
    const a = tinyModel();
    const b = tinyModel();
    expect(a.id).toBe(b.id);
    b.table[3] = 9;
    expect(StaticModel.create(tinyTokenizer(), 4).id).not.toBe(a.id);
  });
});
