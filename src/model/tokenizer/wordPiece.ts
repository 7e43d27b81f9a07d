/**
 * Greedy longest-match WordPiece (as in BERT and Hugging Face `WordPiece`), with a per-word cache: natural
 * text repeats words, so after warm-up almost every word is one Map lookup. This cache is what lets the
 * static model embed over 50k sentences/s including tokenisation (bench/train.bench.ts).
 * Pure: no Node APIs.
 */
export interface WordPieceModel {
  vocab: Map<string, number>;
  unkId: number;
  /** @default '##' */
  prefix: string;
  /** Words longer than this (in characters) become the unknown token. @default 100 */
  maxInputCharsPerWord: number;
}

const CACHE_LIMIT = 200_000;

export class WordPieceEncoder {
  private readonly cache = new Map<string, readonly number[]>();
  constructor(private readonly model: WordPieceModel) {}

  /** Appends the ids of `word` to `out`. */
  encodeWord(word: string, out: number[]): void {
    let ids = this.cache.get(word);
    if (ids === undefined) {
      ids = this.split(word);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, ids);
    }
    for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
  }

  private split(word: string): number[] {
    const { vocab, unkId, prefix, maxInputCharsPerWord } = this.model;
    const direct = vocab.get(word);
    if (direct !== undefined) return [direct];
    // Index by code points, not UTF-16 units, as the Rust implementation does.
    const chars = Array.from(word);
    if (chars.length > maxInputCharsPerWord) return [unkId];
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found = -1;
      while (start < end) {
        let sub = chars.slice(start, end).join('');
        if (start > 0) sub = prefix + sub;
        const id = vocab.get(sub);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) return [unkId];
      ids.push(found);
      start = end;
    }
    return ids;
  }
}
