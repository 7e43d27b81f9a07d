import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { ModelError } from '../ModelError.js';
import { type BertNormalizerOptions, bertPreTokenize } from './bertText.js';
import { WordPieceEncoder } from './wordPiece.js';

/** A Hugging Face `tokenizer.json`, kept as parsed JSON so it is saved back unchanged. */
export type TokenizerJson = Record<string, unknown>;

/** A tokenised batch: flat ids, CSR offsets (length B + 1), and how many texts were cut at `maxLength`. */
export interface TokenBatch {
  ids: Int32Array;
  offsets: Int32Array;
  /** Number of texts that had more than `maxLength` tokens and were truncated. */
  truncated: number;
}

export interface EncodeBatchOptions {
  /** Keep at most this many tokens per text (the rest is cut and counted). @default 512 */
  maxLength?: number;
}

export const DEFAULT_MAX_LENGTH = 512;

interface AddedToken {
  id: number;
  content: string;
}

/**
 * Loads any Hugging Face `tokenizer.json` (WordPiece, BPE, Unigram, WordLevel) and encodes without special
 * tokens, as model2vec and sentence-transformers' `StaticEmbedding` do. BERT-style WordPiece tokenizers (the
 * common case for static models) take a cached fast path that gives the same ids as the general
 * @huggingface/tokenizers path (tested), several times faster.
 * Pure: no Node APIs (bundled for the browser); loading from disk lives in `../formats/`.
 *
 * @example
 * const tok = Tokenizer.fromJSON(JSON.parse(text));
 * const { ids, offsets } = tok.encodeBatch(['a sentence'], { maxLength: 128 });
 */
export class Tokenizer {
  readonly json: TokenizerJson;
  /** Number of rows a token table needs: one past the largest id. */
  readonly vocabSize: number;
  readonly unkId: number | null;
  private readonly hf: HfTokenizer;
  private readonly fast: { encoder: WordPieceEncoder; normalizer: BertNormalizerOptions } | null;
  private readonly addedPattern: RegExp | null;
  private readonly idToTokenMap: Map<number, string>;

  private constructor(json: TokenizerJson, source: string) {
    this.json = json;
    const model = json.model as Record<string, unknown> | undefined;
    if (!model || typeof model !== 'object' || (typeof model.type !== 'string' && !model.vocab)) {
      throw new ModelError(
        source,
        'not a tokenizer.json: expected a "model" object with a "type" and a "vocab"',
      );
    }
    try {
      this.hf = new HfTokenizer(json, {});
    } catch (e) {
      throw new ModelError(source, `cannot load tokenizer: ${(e as Error).message}`, { cause: e });
    }
    const vocab = this.hf.get_vocab(true);
    let max = -1;
    this.idToTokenMap = new Map();
    for (const [tok, id] of vocab) {
      if (id > max) max = id;
      this.idToTokenMap.set(id, tok);
    }
    this.vocabSize = max + 1;
    const unk = typeof model.unk_token === 'string' ? vocab.get(model.unk_token) : undefined;
    this.unkId = unk ?? (typeof model.unk_id === 'number' ? model.unk_id : null);
    const added = (Array.isArray(json.added_tokens) ? json.added_tokens : []) as AddedToken[];
    this.addedPattern =
      added.length > 0
        ? new RegExp(added.map((t) => t.content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))
        : null;
    this.fast = fastPath(json, model, this.unkId);
  }

  /**
   * Builds a tokenizer from parsed `tokenizer.json` content.
   * @throws {ModelError} when the JSON is not a tokenizer the library can load.
   */
  static fromJSON(json: TokenizerJson, source = 'tokenizer.json'): Tokenizer {
    return new Tokenizer(json, source);
  }

  /** Token ids of one text, without special tokens and without truncation. */
  encode(text: string): number[] {
    if (this.fast && !(this.addedPattern?.test(text) ?? false)) {
      const out: number[] = [];
      for (const w of bertPreTokenize(text, this.fast.normalizer)) this.fast.encoder.encodeWord(w, out);
      return out;
    }
    return this.hf.encode(text, { add_special_tokens: false }).ids;
  }

  /** Encodes a batch into flat ids + offsets, truncating each text to `maxLength` tokens (counted). */
  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): TokenBatch {
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    const offsets = new Int32Array(texts.length + 1);
    const all: number[] = [];
    let truncated = 0;
    for (let i = 0; i < texts.length; i++) {
      const ids = this.encode(texts[i]!);
      let n = ids.length;
      if (n > maxLength) {
        truncated++;
        n = maxLength;
      }
      for (let t = 0; t < n; t++) all.push(ids[t]!);
      offsets[i + 1] = all.length;
    }
    return { ids: Int32Array.from(all), offsets, truncated };
  }

  tokenToId(token: string): number | undefined {
    return this.hf.token_to_id(token);
  }

  idToToken(id: number): string | undefined {
    return this.idToTokenMap.get(id);
  }

  /** The tokenizer's words, for display: `encode` then map ids back to tokens. */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.idToToken(id) ?? '?');
  }
}

function fastPath(
  json: TokenizerJson,
  model: Record<string, unknown>,
  unkId: number | null,
): { encoder: WordPieceEncoder; normalizer: BertNormalizerOptions } | null {
  const norm = json.normalizer as Record<string, unknown> | null | undefined;
  const pre = json.pre_tokenizer as Record<string, unknown> | null | undefined;
  if (model.type !== 'WordPiece' || unkId === null) return null;
  if (norm?.type !== 'BertNormalizer' || pre?.type !== 'BertPreTokenizer') return null;
  const vocab = new Map(Object.entries(model.vocab as Record<string, number>));
  return {
    encoder: new WordPieceEncoder({
      vocab,
      unkId,
      prefix: typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##',
      maxInputCharsPerWord:
        typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : 100,
    }),
    normalizer: {
      cleanText: norm.clean_text !== false,
      handleChineseChars: norm.handle_chinese_chars !== false,
      stripAccents: typeof norm.strip_accents === 'boolean' ? norm.strip_accents : null,
      lowercase: norm.lowercase !== false,
    },
  };
}
