import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { Tokenizer as RustTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/model/ModelError.js';
import { Tokenizer } from '../../../src/model/tokenizer/Tokenizer.js';
import { trainWordPiece } from '../../../src/model/tokenizer/trainWordPiece.js';
import { bertTokenizer, sharedTexts, tinyTokenizer } from './fixtures.js';

describe('Tokenizer', () => {
  it('encodes by greedy longest match without special tokens', () => {
    const tok = tinyTokenizer();
    expect(tok.tokenize('Geckos climb a WALL.')).toEqual(['gecko', '##s', 'climb', 'a', 'wall', '.']);
    expect(tok.encode('gecko zebra')).toEqual([5, 1]);
    expect(tok.vocabSize).toBe(11);
    expect(tok.unkId).toBe(1);
  });

  it('counts truncated texts instead of cutting silently', () => {
    const tok = tinyTokenizer();
    const b = tok.encodeBatch(['gecko gecko gecko', 'a', 'wall wall wall wall'], { maxLength: 2 });
    expect(Array.from(b.offsets)).toEqual([0, 2, 3, 5]);
    expect(b.truncated).toBe(2);
  });

  it('gives the same ids as @huggingface/tokenizers and the Rust tokenizers on real text', async () => {
    const tok = bertTokenizer();
    const hf = new HfTokenizer(tok.json, {});
    const rust = RustTokenizer.fromString(JSON.stringify(tok.json));
    const texts = [
      ...sharedTexts('mteb/STSBenchmark/validation.jsonl', 'sentence1', 400),
      ...sharedTexts('mteb/SciFact/corpus.jsonl', 'text', 100),
      'Héllo Wörld! 中文字 [CLS] foo\u0000bar\u200b naïve café — “quotes” 3.5% ＡＢＣ ½',
    ];
    const rustIds = await rust.encodeBatch(texts, { addSpecialTokens: false });
    texts.forEach((t, i) => {
      const ours = tok.encode(t);
      expect(ours).toEqual(hf.encode(t, { add_special_tokens: false }).ids);
      expect(ours).toEqual(rustIds[i]!.getIds());
    });
  });

  it('rejects a file that is not a tokenizer', () => {
    expect(() => Tokenizer.fromJSON({ hello: 1 }, 'x/tokenizer.json')).toThrow(ModelError);
    expect(() => Tokenizer.fromJSON({ hello: 1 }, 'x/tokenizer.json')).toThrow(/x\/tokenizer.json/);
  });
});

describe('trainWordPiece', () => {
  const corpus = sharedTexts('mteb/SciFact/corpus.jsonl', 'text', 600);

  it('reaches the requested vocabulary size and is deterministic', () => {
    const a = trainWordPiece(corpus, { vocabSize: 3000 });
    const b = trainWordPiece(corpus, { vocabSize: 3000 });
    const vocab = (a.model as { vocab: Record<string, number> }).vocab;
    expect(Object.keys(vocab).length).toBe(3000);
    expect(vocab['[UNK]']).toBe(1);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('learns frequent words as single tokens and loads in the Rust tokenizers', async () => {
    const json = trainWordPiece(corpus, { vocabSize: 3000 });
    const tok = Tokenizer.fromJSON(json);
    expect(tok.tokenize('the cells')).toEqual(['the', 'cells']);
    const rust = RustTokenizer.fromString(JSON.stringify(json));
    const enc = await rust.encode(corpus[0]!, null, { addSpecialTokens: false });
    expect(enc.getIds()).toEqual(tok.encode(corpus[0]!));
  });

  it('rejects a vocabulary smaller than its alphabet', () => {
    expect(() => trainWordPiece(corpus, { vocabSize: 10 })).toThrow(/smaller than the special tokens/);
  });
});
