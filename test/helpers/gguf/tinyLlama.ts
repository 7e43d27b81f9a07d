/**
 * Writes a tiny llama-architecture GGUF with seeded random float32 weights, which llama.cpp (node-llama-cpp)
 * loads like any real model. It produces gibberish: it proves wiring (prompting, grammar, log-probabilities,
 * batching, caching), never quality. Deterministic: the same options always give the same bytes.
 *
 * @example
 * const path = writeTinyLlamaGguf(join(tmp, 'tiny.gguf'), { seed: 7 });
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeGguf, type GgufTensor, type GgufValue } from './ggufWriter.js';

/** Options of {@link writeTinyLlamaGguf}. */
export interface TinyLlamaOptions {
  /** Seed of the weight generator. @default 1 */
  seed?: number;
  /** Extra SentencePiece pieces (use `▁` for a leading space) added after the built-in vocabulary. @default [] */
  vocab?: readonly string[];
  /** Hidden width. @default 64 */
  embeddingLength?: number;
  /** Transformer blocks. @default 2 */
  blockCount?: number;
  /** Attention heads. @default 4 */
  headCount?: number;
  /** Key/value heads (grouped-query attention when smaller than headCount). @default 2 */
  headCountKv?: number;
  /** Feed-forward width. @default 128 */
  feedForwardLength?: number;
  /** Trained context length written to the metadata. @default 2048 */
  contextLength?: number;
  /**
   * Which byte-fallback tokens to include: `all` (any text tokenizes) or `ascii` (0x00-0x7F only, so the
   * model can never emit invalid UTF-8: useful where generated text is checked character by character).
   * @default 'all'
   */
  byteTokens?: 'all' | 'ascii';
  /** Standard deviation of the output projection: larger means peakier next-token distributions. @default 0.25 */
  outputScale?: number;
}

/** Ids of the special tokens every tiny model has. */
export const TINY_LLAMA_SPECIAL = { unk: 0, bos: 1, eos: 2 } as const;

const WORDS = [
  'the',
  'of',
  'and',
  'to',
  'in',
  'is',
  'for',
  'on',
  'that',
  'with',
  'as',
  'by',
  'it',
  'are',
  'be',
  'this',
  'from',
  'or',
  'at',
  'an',
  'was',
  'which',
  'can',
  'how',
  'what',
  'do',
  'does',
  'why',
  'when',
  'where',
  'who',
  'query',
  'passage',
  'task',
  'relevant',
  'yes',
  'no',
  'search',
  'find',
  'question',
  'answer',
  'document',
  'gecko',
  'lizard',
  'wall',
  'climb',
  'feet',
  'toe',
  'pad',
  'hair',
  'sticky',
  'force',
  'water',
  'sun',
  'moon',
  'cat',
  'dog',
  'tree',
  'house',
  'model',
  'text',
  'embedding',
  'given',
  'retrieve',
  'retrieval',
  'web',
];

/** Built-in pieces: letters, digits, punctuation and a few words, with and without a leading `▁`. */
function builtinPieces(): string[] {
  const pieces: string[] = ['▁'];
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?\'"{}[]()-_';
  for (const c of chars) pieces.push(c, `▁${c}`);
  for (const w of WORDS) pieces.push(w, `▁${w}`);
  for (const bi of [
    'th',
    'he',
    'in',
    'er',
    'an',
    're',
    'on',
    'at',
    'en',
    'nd',
    'es',
    'or',
    'te',
    'ed',
    'is',
  ]) {
    pieces.push(bi, `▁${bi}`);
  }
  return pieces;
}

/** mulberry32: a small, fast, seedable PRNG (deterministic fixtures; quality is irrelevant here). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The tokenizer part of the model: tokens, SentencePiece scores and token types (1 normal, 2 unknown, 3 control, 6 byte). */
export function tinyLlamaVocabulary(
  extra: readonly string[] = [],
  byteTokens: 'all' | 'ascii' = 'all',
): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  const scores = [0, 0, 0];
  for (let b = 0; b < (byteTokens === 'all' ? 256 : 128); b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
    scores.push(0);
  }
  const seen = new Set(tokens);
  for (const p of [...builtinPieces(), ...extra]) {
    if (seen.has(p)) continue;
    seen.add(p);
    tokens.push(p);
    types.push(1);
    // SentencePiece merges prefer higher scores: favour longer pieces so words become single tokens.
    scores.push(-100 + [...p].length * 10);
  }
  return { tokens, scores, types };
}

/**
 * Writes the tiny model to `path` (creating folders) and returns `path`.
 * @throws Error when the head counts don't divide the width.
 */
export function writeTinyLlamaGguf(path: string, options: TinyLlamaOptions = {}): string {
  writeFileSync(mkdirFor(path), encodeTinyLlamaGguf(options));
  return path;
}

function mkdirFor(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** The GGUF bytes of the tiny model (see {@link writeTinyLlamaGguf}). */
export function encodeTinyLlamaGguf(options: TinyLlamaOptions = {}): Uint8Array {
  const seed = options.seed ?? 1;
  const nEmbd = options.embeddingLength ?? 64;
  const nLayer = options.blockCount ?? 2;
  const nHead = options.headCount ?? 4;
  const nHeadKv = options.headCountKv ?? 2;
  const nFf = options.feedForwardLength ?? 128;
  const nCtx = options.contextLength ?? 2048;
  if (nEmbd % nHead !== 0 || nHead % nHeadKv !== 0)
    throw new Error('tiny llama: heads must divide the width');
  const headDim = nEmbd / nHead;
  const nEmbdKv = headDim * nHeadKv;
  const vocab = tinyLlamaVocabulary(options.vocab, options.byteTokens);
  const nVocab = vocab.tokens.length;

  const rand = mulberry32(seed);
  // Uniform on [-a, a] has standard deviation a/sqrt(3).
  const tensor = (name: string, dims: number[], std: number): GgufTensor => {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const a = std * Math.sqrt(3);
    for (let i = 0; i < n; i++) data[i] = (rand() * 2 - 1) * a;
    return { name, dims, data };
  };
  const ones = (name: string, n: number): GgufTensor => ({
    name,
    dims: [n],
    data: new Float32Array(n).fill(1),
  });

  const tensors: GgufTensor[] = [tensor('token_embd.weight', [nEmbd, nVocab], 1)];
  for (let l = 0; l < nLayer; l++) {
    const p = `blk.${l}`;
    const s = 1 / Math.sqrt(nEmbd);
    tensors.push(
      ones(`${p}.attn_norm.weight`, nEmbd),
      tensor(`${p}.attn_q.weight`, [nEmbd, nEmbd], s),
      tensor(`${p}.attn_k.weight`, [nEmbd, nEmbdKv], s),
      tensor(`${p}.attn_v.weight`, [nEmbd, nEmbdKv], s),
      tensor(`${p}.attn_output.weight`, [nEmbd, nEmbd], s),
      ones(`${p}.ffn_norm.weight`, nEmbd),
      tensor(`${p}.ffn_gate.weight`, [nEmbd, nFf], s),
      tensor(`${p}.ffn_up.weight`, [nEmbd, nFf], s),
      tensor(`${p}.ffn_down.weight`, [nFf, nEmbd], 1 / Math.sqrt(nFf)),
    );
  }
  tensors.push(
    ones('output_norm.weight', nEmbd),
    tensor('output.weight', [nEmbd, nVocab], options.outputScale ?? 0.25),
  );

  const metadata: Array<[string, GgufValue]> = [
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: `gecko-tiny-llama-seed${seed}` }],
    ['general.alignment', { type: 'u32', value: 32 }],
    ['llama.context_length', { type: 'u32', value: nCtx }],
    ['llama.embedding_length', { type: 'u32', value: nEmbd }],
    ['llama.block_count', { type: 'u32', value: nLayer }],
    ['llama.feed_forward_length', { type: 'u32', value: nFf }],
    ['llama.attention.head_count', { type: 'u32', value: nHead }],
    ['llama.attention.head_count_kv', { type: 'u32', value: nHeadKv }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.rope.dimension_count', { type: 'u32', value: headDim }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: 'f32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: 'i32[]', value: vocab.types }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: TINY_LLAMA_SPECIAL.bos }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: TINY_LLAMA_SPECIAL.eos }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: TINY_LLAMA_SPECIAL.unk }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
  ];
  return encodeGguf(metadata, tensors);
}
