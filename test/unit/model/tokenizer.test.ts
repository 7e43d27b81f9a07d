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

  it('agrees with the Rust tokenizers where JavaScript differs: control characters, final sigma', async () => {
    const tok = bertTokenizer();
    const rust = RustTokenizer.fromString(JSON.stringify(tok.json));
    const texts = ['a\u000bb a\u000cb a\u0085b a\u2028b', 'ΣΑΣ σας ΌΣΟΣ', 'İstanbul ß ﬁ'];
    const rustIds = await rust.encodeBatch(texts, { addSpecialTokens: false });
    texts.forEach((t, i) => {
      expect(tok.encode(t)).toEqual(rustIds[i]!.getIds());
    });
  });

  it('tokenises as model2vec does: character cut, unknown ids dropped, then the token cut', () => {
    const tok = tinyTokenizer();
    // model2vec's median_token_length: median code-point length of every token, ## included, truncated.
    const lengths = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'gecko', 'climb', '##s', 'wall', '.', 'a']
      .map((t) => t.length)
      .sort((a, b) => a - b);
    expect(tok.medianTokenLength).toBe(lengths[5]);
    expect(tok.droppedUnkId).toBe(1);
    const plain = tok.encodeBatch(['zebra gecko zebra wall'], { maxLength: 2 });
    expect(Array.from(plain.ids)).toEqual([1, 5]);
    const dropped = tok.encodeBatch(['zebra gecko zebra wall'], { maxLength: 2, dropUnknown: true });
    expect(Array.from(dropped.ids)).toEqual([5, 8]);
    expect(dropped.truncated).toBe(0);
    // 'gecko wall a' cut to 8 code points is 'gecko wa' -> gecko + [UNK] (dropped); the cut counts.
    const cut = tok.encodeBatch(['gecko wall a', 'a'], { maxChars: 8, dropUnknown: true });
    expect(Array.from(cut.ids)).toEqual([5, 10]);
    expect(cut.truncated).toBe(1);
    // Code points, not UTF-16 units: the emoji counts once, and the cut never splits a surrogate pair.
    // 'a 😀😀 gecko' is 12 UTF-16 units but 10 code points.
    const emoji = tok.encodeBatch(['😀😀 gecko'], { maxChars: 10, prefixes: ['a '] });
    expect(Array.from(emoji.ids)).toEqual([10, 1, 5]);
    expect(emoji.truncated).toBe(0);
    const pairs = tok.encodeBatch(['😀😀 gecko'], { maxChars: 3, prefixes: ['a '] });
    expect(Array.from(pairs.ids)).toEqual([10, 1]);
    expect(pairs.truncated).toBe(1);
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

describe('Tokenizer model types', () => {
  const base = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
  };
  const bpe = {
    ...base,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '[UNK]',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab: { '[UNK]': 0, a: 1, b: 2, c: 3, ab: 4, abc: 5 },
      merges: ['a b', 'ab c'],
    },
  };
  const unigram = {
    ...base,
    model: {
      type: 'Unigram',
      unk_id: 0,
      vocab: [
        ['<unk>', 0],
        ['a', -1],
        ['b', -2],
        ['ab', -0.5],
      ],
    },
  };

  it('loads BPE and Unigram tokenizer.json with the same ids as the Rust tokenizers', async () => {
    for (const [json, text, ids] of [
      [bpe, 'abc ab c', [5, 4, 3]],
      [unigram, 'ab ba', [3, 2, 1]],
    ] as const) {
      const tok = Tokenizer.fromJSON(json);
      expect(tok.encode(text)).toEqual(ids);
      const rust = RustTokenizer.fromString(JSON.stringify(json));
      expect((await rust.encode(text, null, { addSpecialTokens: false })).getIds()).toEqual(ids);
    }
    expect(Tokenizer.fromJSON(bpe).vocabSize).toBe(6);
  });
});

describe('prefix encoding', () => {
  it('prefix + text tokenises the same with the cached prefix as joined', () => {
    const tok = bertTokenizer();
    const texts = [
      ...sharedTexts('mteb/STSBenchmark/validation.jsonl', 'sentence1', 200),
      ' leading space',
      '\u0301accent first',
      '中文 [SEP] text',
      '',
      'x'.repeat(300),
    ];
    const prefixes = texts.map((_, i) =>
      i % 3 === 0 ? 'task: sentence similarity | query: ' : i % 3 === 1 ? 'title: none | text: ' : 'no space',
    );
    const a = tok.encodeBatch(texts, { prefixes, maxLength: 40 });
    const b = tok.encodeBatch(
      texts.map((t, i) => prefixes[i] + t),
      { maxLength: 40 },
    );
    expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
    expect(Array.from(a.offsets)).toEqual(Array.from(b.offsets));
    expect(a.truncated).toBe(b.truncated);
  });

  it("Gecko's format is a prefix plus the text", async () => {
    const { formatInput } = await import('../../../src/model/unifiedFormat.js');
    for (const kind of ['query', 'document'] as const) {
      for (const input of ['t', { title: 'T', text: 't' }, { title: null, text: 't' }]) {
        const prefix = formatInput(typeof input === 'string' ? '' : { ...input, text: '' }, kind, 'x');
        expect(prefix + 't').toBe(formatInput(input, kind, 'x'));
      }
    }
  });
});
