import { describe, expect, it } from 'vitest';
import { gemmNTJs } from '../../../src/math/gemmJs.js';
import { StaticModel } from '../../../src/model/StaticModel.js';
import { GeckoLoss } from '../../../src/train/loss/GeckoLoss.js';
import { StepRunner, tokenizeTexts } from '../../../src/train/StepRunner.js';
import { bertTokenizer } from '../model/fixtures.js';
import { stsTriplets } from './fixtures.js';

describe('StepRunner', () => {
  const tok = bertTokenizer();
  const ds = stsTriplets(96, 7);

  it('the WebAssembly and JS table backends train identically (to float rounding)', () => {
    const a = StaticModel.create(tok, 32, { seed: 5 });
    const b = StaticModel.create(tok, 32, { seed: 5 });
    const tokens = tokenizeTexts(a, ds.texts);
    const ra = new StepRunner(a, ds, tokens, new GeckoLoss(), 1, { weightDecay: 0.01 });
    const rb = new StepRunner(
      b,
      ds,
      tokens,
      new GeckoLoss({ gemm: gemmNTJs }),
      1,
      { weightDecay: 0.01 },
      undefined,
      'js',
    );
    expect(ra.backend.name).toBe('wasm-simd');
    expect(rb.backend.name).toBe('js');
    for (let s = 0; s < 4; s++) {
      const ex = Int32Array.from({ length: 32 }, (_, i) => (s * 32 + i) % ds.anchor.length);
      const la = ra.step(ex, 0.01, true);
      const lb = rb.step(ex, 0.01, true);
      expect(la.loss).toBeCloseTo(lb.loss, 4);
      expect(la.gradNorm).toBeCloseTo(lb.gradNorm, 3);
    }
    ra.backend.sync();
    let maxDiff = 0;
    for (let i = 0; i < a.table.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.table[i]! - b.table[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
    const sa = ra.backend.adamState().table;
    expect(sa.step).toBe(4);
  });

  it('with termFrequency sqrt, both backends train identically and pool as StaticModel.pool does', () => {
    // Repeat words so that term frequencies above 1 occur in every text.
    const texts = ds.texts.map((t) => `${t} ${t.split(' ').slice(0, 3).join(' ')}`);
    const rep = { ...ds, texts };
    const config = { termFrequency: 'sqrt' as const };
    const a = StaticModel.create(tok, 32, { seed: 5, config });
    const b = StaticModel.create(tok, 32, { seed: 5, config });
    const tokens = tokenizeTexts(a, texts);
    expect(tokens.weights).not.toBeNull();
    expect(Array.from(tokens.weights!).some((w) => w > 1)).toBe(true);
    const ra = new StepRunner(a, rep, tokens, new GeckoLoss(), 1, {});
    const rb = new StepRunner(b, rep, tokens, new GeckoLoss({ gemm: gemmNTJs }), 1, {}, undefined, 'js');
    expect(ra.backend.name).toBe('wasm-simd');
    // The backend's pooled anchor rows are the model's own pooling of those texts.
    const pooled = ra.backend
      .pool(
        tokens.ids.subarray(0, tokens.offsets[2]!),
        tokens.offsets.subarray(0, 3),
        tokens.weights!.subarray(0, tokens.offsets[2]!),
      )
      .slice();
    const ref = a.pool(a.tokenize(texts.slice(0, 2)));
    for (let i = 0; i < ref.length; i++) expect(pooled[i]).toBeCloseTo(ref[i]!, 5);
    for (let s = 0; s < 4; s++) {
      const ex = Int32Array.from({ length: 32 }, (_, i) => (s * 32 + i) % ds.anchor.length);
      const la = ra.step(ex, 0.01, true);
      const lb = rb.step(ex, 0.01, true);
      expect(la.loss).toBeCloseTo(lb.loss, 4);
      expect(la.gradNorm).toBeCloseTo(lb.gradNorm, 3);
    }
    ra.backend.sync();
    let maxDiff = 0;
    for (let i = 0; i < a.table.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a.table[i]! - b.table[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('lowers the loss on a repeated batch and only moves touched rows', () => {
    const m = StaticModel.create(tok, 16, { seed: 6 });
    const before = m.table.slice();
    const r = new StepRunner(m, ds, tokenizeTexts(m, ds.texts), new GeckoLoss(), 1, {});
    const ex = Int32Array.from({ length: 16 }, (_, i) => i);
    const first = r.step(ex, 0.05, true).loss;
    let last = first;
    for (let s = 0; s < 20; s++) last = r.step(ex, 0.05, true).loss;
    expect(last).toBeLessThan(first * 0.5);
    r.backend.sync();
    const untouched = tok.tokenToId('zebra')!;
    for (let c = 0; c < 16; c++) expect(m.table[untouched * 16 + c]).toBe(before[untouched * 16 + c]);
  });

  it('learns per-token weights on the JS backend', () => {
    const m = StaticModel.create(tok, 16, { seed: 7, tokenWeights: true });
    const r = new StepRunner(m, ds, tokenizeTexts(m, ds.texts), new GeckoLoss(), 1, {});
    expect(r.backend.name).toBe('js');
    r.step(
      Int32Array.from({ length: 16 }, (_, i) => i),
      0.05,
      true,
    );
    expect(Array.from(m.weights!).some((w) => w !== 1)).toBe(true);
  });
});
