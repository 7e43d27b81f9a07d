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
  /**
   * Cut each text (prefix included) to this many code points before tokenising, as model2vec's
   * `StaticModel.tokenize` does with `max_length * median_token_length`. A cut text counts as truncated.
   * @default Infinity
   */
  maxChars?: number;
  /**
   * Drop the ids of the model's unknown token (`model.unk_token`) before `maxLength` applies, as model2vec does
   * ("necessary for word-level models"). @default false
   */
  dropUnknown?: boolean;
  /**
   * Per-text prefixes: text i is encoded as `prefixes[i] + texts[i]`. On the WordPiece fast path a prefix
   * ending in whitespace is tokenised once and cached (Gecko's format prefixes repeat for every text).
   */
  prefixes?: readonly string[];
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
  /**
   * The id model2vec drops from every text: that of `model.unk_token` when the model names one (WordPiece,
   * BPE, WordLevel); null otherwise (Unigram models give an `unk_id` only, which model2vec keeps).
   */
  readonly droppedUnkId: number | null;
  private medianLength: number | null = null;
  private hfInstance: HfTokenizer | null = null;
  private readonly fast: { encoder: WordPieceEncoder; normalizer: BertNormalizerOptions } | null;
  private readonly addedPattern: RegExp | null;
  private readonly tokenToIdMap: Map<string, number>;
  private idToTokenMap: Map<number, string> | null = null;
  private readonly source: string;

  private constructor(json: TokenizerJson, source: string) {
    this.json = json;
    this.source = source;
    const model = json.model as Record<string, unknown> | undefined;
    if (!model || typeof model !== 'object' || (typeof model.type !== 'string' && !model.vocab)) {
      throw new ModelError(
        source,
        'not a tokenizer.json: expected a "model" object with a "type" and a "vocab"',
      );
    }
    const added = (Array.isArray(json.added_tokens) ? json.added_tokens : []) as AddedToken[];
    const fastVocab = fastVocabulary(json, model);
    if (fastVocab) {
      // BERT-style WordPiece: everything needed is in the JSON; the general tokenizer is built only if a
      // text contains an added token (saves most of the load time).
      this.tokenToIdMap = new Map(fastVocab);
      for (const t of added) this.tokenToIdMap.set(t.content, t.id);
    } else {
      this.tokenToIdMap = this.hf().get_vocab(true);
    }
    let max = -1;
    for (const id of this.tokenToIdMap.values()) if (id > max) max = id;
    this.vocabSize = max + 1;
    const unk = typeof model.unk_token === 'string' ? this.tokenToIdMap.get(model.unk_token) : undefined;
    this.unkId = unk ?? (typeof model.unk_id === 'number' ? model.unk_id : null);
    this.droppedUnkId = unk ?? null;
    this.addedPattern =
      added.length > 0
        ? new RegExp(added.map((t) => t.content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))
        : null;
    this.fast = fastVocab && this.unkId !== null ? fastPath(json, model, fastVocab, this.unkId) : null;
  }

  /** The general @huggingface/tokenizers implementation, built on first use. */
  private hf(): HfTokenizer {
    if (this.hfInstance === null) {
      try {
        this.hfInstance = new HfTokenizer(this.json, {});
      } catch (e) {
        throw new ModelError(this.source, `cannot load tokenizer: ${(e as Error).message}`, { cause: e });
      }
    }
    return this.hfInstance;
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
      this.encodeFastInto(text, out);
      return out;
    }
    return this.hf().encode(text, { add_special_tokens: false }).ids;
  }

  /**
   * The median length in code points of the vocabulary's tokens (added tokens included, `##` prefixes
   * counted), truncated to an integer: model2vec's `median_token_length`, which sets its character cut.
   */
  get medianTokenLength(): number {
    if (this.medianLength === null) {
      const lengths = [...this.tokenToIdMap.keys()].map(codePointLength).sort((a, b) => a - b);
      const n = lengths.length;
      const mid = n % 2 === 1 ? lengths[(n - 1) / 2]! : (lengths[n / 2 - 1]! + lengths[n / 2]!) / 2;
      this.medianLength = Math.trunc(mid);
    }
    return this.medianLength;
  }

  /**
   * Encodes a batch into flat ids + offsets: each text is cut to `maxChars` code points, tokenised, rid of
   * unknown-token ids when `dropUnknown`, then cut to `maxLength` tokens (cut texts are counted). That order
   * is model2vec's, so with both options set the ids equal `StaticModel.tokenize(texts, max_length)`.
   */
  encodeBatch(texts: readonly string[], options: EncodeBatchOptions = {}): TokenBatch {
    const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    const maxChars = options.maxChars ?? Number.POSITIVE_INFINITY;
    const drop = options.dropUnknown === true ? this.droppedUnkId : null;
    const prefixes = options.prefixes;
    const offsets = new Int32Array(texts.length + 1);
    const all: number[] = [];
    let truncated = 0;
    for (let i = 0; i < texts.length; i++) {
      const start = all.length;
      let text = texts[i]!;
      let prefix = prefixes?.[i] ?? '';
      let cut = false;
      // UTF-16 length bounds the code-point count, so most texts skip the exact count.
      if (prefix.length + text.length > maxChars) {
        const full = prefix + text;
        const kept = sliceCodePoints(full, maxChars);
        if (kept.length < full.length) {
          cut = true;
          if (kept.length >= prefix.length) text = kept.slice(prefix.length);
          else {
            prefix = '';
            text = kept;
          }
        }
      }
      if (this.fast && !(this.addedPattern?.test(text) ?? false)) {
        // BERT pre-tokenisation splits at whitespace, so a prefix ending in whitespace tokenises on its own.
        if (prefix !== '' && /\s$/.test(prefix) && !(this.addedPattern?.test(prefix) ?? false)) {
          const ids = this.prefixIds(prefix);
          for (let t = 0; t < ids.length; t++) all.push(ids[t]!);
          this.encodeFastInto(text, all);
        } else {
          this.encodeFastInto(prefix + text, all);
        }
      } else {
        const ids = this.encode(prefix + text);
        for (let t = 0; t < ids.length; t++) all.push(ids[t]!);
      }
      if (drop !== null) {
        let w = start;
        for (let r = start; r < all.length; r++) if (all[r] !== drop) all[w++] = all[r]!;
        all.length = w;
      }
      if (all.length - start > maxLength) {
        cut = true;
        all.length = start + maxLength;
      }
      if (cut) truncated++;
      offsets[i + 1] = all.length;
    }
    return { ids: Int32Array.from(all), offsets, truncated };
  }

  private encodeFastInto(text: string, out: number[]): void {
    const f = this.fast!;
    for (const w of bertPreTokenize(text, f.normalizer)) f.encoder.encodeWord(w, out);
  }

  private readonly prefixCache = new Map<string, readonly number[]>();

  private prefixIds(prefix: string): readonly number[] {
    let ids = this.prefixCache.get(prefix);
    if (ids === undefined) {
      ids = [];
      this.encodeFastInto(prefix, ids as number[]);
      if (this.prefixCache.size >= 1024) this.prefixCache.clear();
      this.prefixCache.set(prefix, ids);
    }
    return ids;
  }

  tokenToId(token: string): number | undefined {
    return this.tokenToIdMap.get(token);
  }

  idToToken(id: number): string | undefined {
    if (this.idToTokenMap === null) {
      this.idToTokenMap = new Map();
      for (const [t, i] of this.tokenToIdMap) if (!this.idToTokenMap.has(i)) this.idToTokenMap.set(i, t);
    }
    return this.idToTokenMap.get(id);
  }

  /** The tokenizer's words, for display: `encode` then map ids back to tokens. */
  tokenize(text: string): string[] {
    return this.encode(text).map((id) => this.idToToken(id) ?? '?');
  }
}

/** Number of code points of `s` (what Python's `len` counts). */
function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The first `n` code points of `s` (Python's `s[:n]`). */
export function sliceCodePoints(s: string, n: number): string {
  if (s.length <= n) return s;
  let i = 0;
  for (let cp = 0; cp < n && i < s.length; cp++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      i += d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    } else i++;
  }
  return s.slice(0, i);
}

/** The vocabulary of a BERT-style WordPiece tokenizer (the fast path applies), else null. */
function fastVocabulary(json: TokenizerJson, model: Record<string, unknown>): Map<string, number> | null {
  const norm = json.normalizer as Record<string, unknown> | null | undefined;
  const pre = json.pre_tokenizer as Record<string, unknown> | null | undefined;
  if (model.type !== 'WordPiece' || typeof model.unk_token !== 'string') return null;
  if (norm?.type !== 'BertNormalizer' || pre?.type !== 'BertPreTokenizer') return null;
  const vocab = model.vocab;
  if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab)) return null;
  const map = new Map<string, number>();
  for (const [t, id] of Object.entries(vocab as Record<string, unknown>)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) return null;
    map.set(t, id);
  }
  return map.has(model.unk_token) ? map : null;
}

function fastPath(
  json: TokenizerJson,
  model: Record<string, unknown>,
  vocab: Map<string, number>,
  unkId: number,
): { encoder: WordPieceEncoder; normalizer: BertNormalizerOptions } {
  const norm = json.normalizer as Record<string, unknown>;
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
