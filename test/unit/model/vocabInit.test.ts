import { describe, expect, it } from 'vitest';
import type { Embedder, EmbedInput } from '../../../src/model/Embedder.js';
import {
  countProbabilities,
  countTokens,
  scaleRows,
  sifWeights,
  zipfProbabilities,
} from '../../../src/model/init/sifWeights.js';
import { distillVocabulary, embedVocabulary, vocabTokenText } from '../../../src/model/init/vocabDistill.js';
import { Tokenizer } from '../../../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../../../src/model/tokenizer/wordPieceJson.js';
import { openWorkspace } from '../../../src/workspace/Workspace.js';
import { tempDir } from '../../helpers/tmp.js';

const VOCAB = ['[PAD]', '[unused0]', '[UNK]', 'the', 'gecko', '##s', 'climb', 'walls', 'wall', '##ing'];
const tokenizer = Tokenizer.fromJSON(wordPieceTokenizerJson(VOCAB));

/** A teacher whose vector for a text is a fixed function of its characters (3 dims), counting calls. */
function letterTeacher(): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id: 'letters',
    dimensions: 3,
    calls,
    async embed(inputs: readonly EmbedInput[]) {
      const texts = inputs.map((x) => (typeof x === 'string' ? x : x.text));
      calls.push(texts);
      return texts.map((t) =>
        Float32Array.from([t.length, t.charCodeAt(0) / 100, (t.charCodeAt(t.length - 1) % 7) - 3]),
      );
    },
  };
}

describe('SIF weighting', () => {
  it('Zipf probabilities follow 1 / (rank + 2) and sum to 1', () => {
    const p = zipfProbabilities(3);
    const h = 1 / 2 + 1 / 3 + 1 / 4;
    expect(Array.from(p)).toEqual([1 / 2 / h, 1 / 3 / h, 1 / 4 / h].map((x) => expect.closeTo(x, 12)));
  });

  it('weights are a / (a + p): frequent tokens low, unseen tokens 1', () => {
    const w = sifWeights(countProbabilities([3, 1, 0]), 0.25);
    expect(Array.from(w)).toEqual([0.25, 0.5, 1].map((x) => expect.closeTo(x, 6)));
    expect(() => sifWeights([0.5], 0)).toThrow(/\(0, 1\)/);
  });

  it('counts token ids over texts and scales rows', async () => {
    const counts = await countTokens(tokenizer, ['the gecko climbs the walls', 'the wall']);
    expect(counts[tokenizer.tokenToId('the')!]).toBe(3);
    expect(counts[tokenizer.tokenToId('##s')!]).toBe(1);
    expect(counts[tokenizer.tokenToId('wall')!]).toBe(1);
    const t = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(scaleRows(t, 2, [0.5, 2]))).toEqual([0.5, 1, 6, 8]);
  });
});

describe('vocabulary distillation', () => {
  it('sends continuation pieces without ## and space markers as spaces', () => {
    expect(vocabTokenText('##ing')).toBe('ing');
    expect(vocabTokenText('##')).toBe('##');
    expect(vocabTokenText('▁gecko')).toBe('gecko');
    expect(vocabTokenText('Ġwall')).toBe('wall');
    expect(vocabTokenText('[CLS]')).toBe('[CLS]');
  });

  it('embeds each distinct token text once, skips [unusedN], and caches across calls', async () => {
    const ws = openWorkspace(tempDir());
    const teacher = letterTeacher();
    const v = await embedVocabulary(tokenizer, teacher, { workspace: ws, batchSize: 4 });
    expect(v.skipped).toBe(1);
    expect(Array.from(v.ids)).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(v.vectors.length).toBe(9 * 3);
    expect(v.embedded).toBe(9);
    expect(teacher.calls.map((c) => c.length)).toEqual([4, 4, 1]);
    expect(teacher.calls.flat()).toContain('ing');
    const again = letterTeacher();
    const v2 = await embedVocabulary(tokenizer, again, { workspace: ws, batchSize: 4 });
    expect(again.calls).toEqual([]);
    expect(v2.cacheHits).toBe(9);
    expect(Array.from(v2.vectors)).toEqual(Array.from(v.vectors));
    ws.close();
  });

  it('builds a V x dim table: PCA rows in token order, SIF-weighted, zero rows for skipped tokens', async () => {
    const { model, summary } = await distillVocabulary(tokenizer, letterTeacher(), {
      dim: 2,
      sifCoefficient: null,
    });
    expect(model.dimensions).toBe(2);
    expect(model.table.length).toBe(VOCAB.length * 2);
    expect(Array.from(model.table.subarray(2, 4))).toEqual([0, 0]); // [unused0]
    expect(summary).toMatchObject({ tokens: 9, teacherDim: 3, dim: 2, weighting: 'none', padded: 0 });
    // First component has the larger spread over the embedded rows.
    const col = (c: number) => [0, 2, 3, 4, 5, 6, 7, 8, 9].map((id) => model.table[id * 2 + c]!);
    const variance = (xs: number[]) => {
      const m = xs.reduce((a, x) => a + x, 0) / xs.length;
      return xs.reduce((a, x) => a + (x - m) ** 2, 0);
    };
    expect(variance(col(0))).toBeGreaterThan(variance(col(1)));
    const weighted = await distillVocabulary(tokenizer, letterTeacher(), {
      dim: 2,
      tokenCounts: [0, 0, 0, 9, 1],
    });
    expect(weighted.summary.weighting).toBe('corpus');
    const id = tokenizer.tokenToId('the')!;
    const ratio = weighted.model.table[id * 2]! / model.table[id * 2]!;
    expect(ratio).toBeCloseTo(1e-4 / (1e-4 + 0.9), 6);
    const gecko = tokenizer.tokenToId('climb')!;
    expect(weighted.model.table[gecko * 2]).toBeCloseTo(model.table[gecko * 2]!, 6); // unseen: weight 1
  });

  it('pads with small noise when the teacher is narrower than the student', async () => {
    const warnings: string[] = [];
    const reporter = {
      debug() {},
      info() {},
      warn: (m: string) => warnings.push(m),
      progress: () => ({ tick() {}, update() {}, done() {} }),
    };
    const { model, summary } = await distillVocabulary(tokenizer, letterTeacher(), { dim: 5, reporter });
    expect(summary.padded).toBe(2);
    expect(warnings.join('\n')).toMatch(/3 dimensions, fewer than the student's 5/);
    const id = tokenizer.tokenToId('walls')!;
    expect(Math.abs(model.table[id * 5 + 4]!)).toBeGreaterThan(0);
  });
});
