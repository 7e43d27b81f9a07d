import { UsageError } from '../../errors/UsageError.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import { type BertNormalizerOptions, bertPreTokenize } from './bertText.js';
import { MaxHeap } from './MaxHeap.js';
import type { TokenizerJson } from './Tokenizer.js';
import { BERT_SPECIAL_TOKENS, wordPieceTokenizerJson } from './wordPieceJson.js';

export interface TrainWordPieceOptions {
  /** Target vocabulary size, special tokens and alphabet included. @default 30000 */
  vocabSize?: number;
  /** Pairs seen fewer times than this are never merged. @default 2 */
  minFrequency?: number;
  /** Keep at most this many distinct characters (the most frequent); the rest map to [UNK]. @default 1000 */
  limitAlphabet?: number;
  normalizer?: BertNormalizerOptions;
  reporter?: Reporter;
}

export const DEFAULT_TRAIN_WORDPIECE = { vocabSize: 30_000, minFrequency: 2, limitAlphabet: 1000 } as const;

const PAIR_BASE = 1 << 22;
const pairKey = (a: number, b: number): number => a * PAIR_BASE + b;

/**
 * Trains a BERT-style WordPiece vocabulary from texts, the way Hugging Face's `WordPieceTrainer` does: count
 * pre-tokenised words, start from the character alphabet (`c` at a word start, `##c` inside), then merge
 * the most frequent adjacent pair until the vocabulary is full. The Rust `tokenizers` binding on npm does not
 * expose trainer options (vocabulary size), hence this implementation. A max-heap with lazy deletion and a
 * pair-to-words index keep each merge proportional to the words it touches.
 *
 * @throws {UsageError} when vocabSize is too small to hold the special tokens and the alphabet.
 * @example
 * const json = trainWordPiece(texts, { vocabSize: 8000 });
 */
export function trainWordPiece(texts: Iterable<string>, options: TrainWordPieceOptions = {}): TokenizerJson {
  const vocabSize = options.vocabSize ?? DEFAULT_TRAIN_WORDPIECE.vocabSize;
  const minFrequency = options.minFrequency ?? DEFAULT_TRAIN_WORDPIECE.minFrequency;
  const limitAlphabet = options.limitAlphabet ?? DEFAULT_TRAIN_WORDPIECE.limitAlphabet;
  const reporter = options.reporter ?? silentReporter;
  const normalizer = options.normalizer ?? {};

  const wordCounts = countWords(texts, normalizer);
  const vocab = new Vocabulary();
  for (const t of BERT_SPECIAL_TOKENS) vocab.add(t);
  const alphabet = topCharacters(wordCounts, limitAlphabet);
  for (const c of alphabet) vocab.add(c);
  for (const c of alphabet) vocab.add(`##${c}`);
  if (vocabSize < vocab.tokens.length) {
    throw new UsageError(
      `vocabulary size ${vocabSize} is smaller than the special tokens plus alphabet (${vocab.tokens.length}); raise --vocab-size or lower --limit-alphabet.`,
    );
  }
  const { words, counts } = symbolWords(wordCounts, vocab);
  const pairs = new PairIndex();
  words.forEach((syms, w) => {
    for (let i = 0; i + 1 < syms.length; i++) pairs.bump(syms[i]!, syms[i + 1]!, w, counts[w]!);
  });
  const heap = new MaxHeap();
  for (const [k, n] of pairs.count) heap.push(n, k);

  const { tokens } = vocab;
  const progress = reporter.progress('merges', { total: vocabSize - tokens.length, unit: 'merges' });
  while (tokens.length < vocabSize) {
    const top = heap.pop();
    if (!top) break;
    const [n, k] = top;
    if (pairs.count.get(k) !== n) continue; // stale entry
    if (n < minFrequency) break;
    const touched = mergePair(k, vocab, words, counts, pairs);
    // Lazy deletion: the changed counts go in as new entries; the old ones are skipped when popped.
    for (const t of touched) {
      const n2 = pairs.count.get(t);
      if (n2 !== undefined && n2 > 0) heap.push(n2, t);
    }
    progress.tick();
  }
  progress.done(`vocabulary: ${tokens.length} tokens from ${wordCounts.size} distinct words`);
  return wordPieceTokenizerJson(tokens, { lowercase: normalizer.lowercase ?? true });
}

/** How often each pre-tokenised word occurs in the texts. */
function countWords(texts: Iterable<string>, normalizer: BertNormalizerOptions): Map<string, number> {
  const wordCounts = new Map<string, number>();
  for (const text of texts) {
    for (const w of bertPreTokenize(text, normalizer)) wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1);
  }
  return wordCounts;
}

/** The `limit` most frequent characters (ties by code order), sorted: the alphabet every word is spelled in. */
function topCharacters(wordCounts: ReadonlyMap<string, number>, limit: number): string[] {
  const charCounts = new Map<string, number>();
  for (const [w, n] of wordCounts) for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + n);
  return [...charCounts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, limit)
    .map(([c]) => c)
    .sort();
}

/** Tokens in id order; adding a token already present returns its id. */
class Vocabulary {
  readonly tokens: string[] = [];
  readonly idOf = new Map<string, number>();

  add(t: string): number {
    let id = this.idOf.get(t);
    if (id === undefined) {
      id = this.tokens.length;
      this.tokens.push(t);
      this.idOf.set(t, id);
    }
    return id;
  }
}

/** Words as symbol sequences; words with a character outside the alphabet are left out of the merges. */
function symbolWords(
  wordCounts: ReadonlyMap<string, number>,
  vocab: Vocabulary,
): { words: number[][]; counts: number[] } {
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [w, n] of wordCounts) {
    const chars = Array.from(w);
    const syms: number[] = [];
    let ok = true;
    chars.forEach((ch, i) => {
      const id = vocab.idOf.get(i === 0 ? ch : `##${ch}`);
      if (id === undefined) ok = false;
      else syms.push(id);
    });
    if (ok) {
      words.push(syms);
      counts.push(n);
    }
  }
  return { words, counts };
}

/** Weighted counts of adjacent symbol pairs, and the words each pair occurs in (so a merge visits only those). */
class PairIndex {
  readonly count = new Map<number, number>();
  readonly words = new Map<number, Set<number>>();

  bump(a: number, b: number, w: number, delta: number): void {
    const k = pairKey(a, b);
    this.count.set(k, (this.count.get(k) ?? 0) + delta);
    if (delta > 0) {
      const s = this.words.get(k);
      if (s) s.add(w);
      else this.words.set(k, new Set([w]));
    }
  }

  delete(k: number): void {
    this.count.delete(k);
    this.words.delete(k);
  }
}

/**
 * Merges pair `k` into a new token in every word holding it, moving the counts of the neighbouring pairs
 * from the old symbols to the merged one. Returns the keys of the pairs whose counts changed.
 */
function mergePair(
  k: number,
  vocab: Vocabulary,
  words: number[][],
  counts: readonly number[],
  pairs: PairIndex,
): Set<number> {
  const a = Math.floor(k / PAIR_BASE);
  const b = k % PAIR_BASE;
  const m = vocab.add(vocab.tokens[a]! + vocab.tokens[b]!.slice(2));
  const touched = new Set<number>();
  for (const w of pairs.words.get(k) ?? []) {
    const syms = words[w]!;
    const c = counts[w]!;
    for (let i = 0; i + 1 < syms.length; i++) {
      if (syms[i] !== a || syms[i + 1] !== b) continue;
      if (i > 0) {
        pairs.bump(syms[i - 1]!, a, w, -c);
        pairs.bump(syms[i - 1]!, m, w, c);
        touched.add(pairKey(syms[i - 1]!, a)).add(pairKey(syms[i - 1]!, m));
      }
      if (i + 2 < syms.length) {
        pairs.bump(b, syms[i + 2]!, w, -c);
        pairs.bump(m, syms[i + 2]!, w, c);
        touched.add(pairKey(b, syms[i + 2]!)).add(pairKey(m, syms[i + 2]!));
      }
      syms.splice(i, 2, m);
    }
  }
  pairs.delete(k);
  return touched;
}
