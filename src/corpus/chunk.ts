import { UsageError } from '../errors/UsageError.js';

/** How to split long documents into passages. */
export interface ChunkOptions {
  /** Maximum passage size, in `unit`s. */
  size: number;
  /** Units shared by consecutive passages. @default 0 */
  overlap?: number;
  /**
   * `tokens` counts whitespace-separated words (model-independent, so a corpus need not be re-chunked when the
   * student's tokenizer changes); `chars` counts characters and cuts at word boundaries. @default 'tokens'
   */
  unit?: 'tokens' | 'chars';
}

/**
 * Checks chunk options before any work starts.
 * @throws UsageError when size is not a positive integer or overlap is not smaller than size.
 */
export function validateChunkOptions(o: ChunkOptions): Required<ChunkOptions> {
  const overlap = o.overlap ?? 0;
  const unit = o.unit ?? 'tokens';
  if (!Number.isInteger(o.size) || o.size <= 0)
    throw new UsageError(`chunk size must be a positive integer, got ${o.size}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= o.size) {
    throw new UsageError(`chunk overlap must be an integer in [0, size), got ${overlap} with size ${o.size}`);
  }
  if (unit !== 'tokens' && unit !== 'chars')
    throw new UsageError(`chunk unit must be "tokens" or "chars", got "${unit}"`);
  return { size: o.size, overlap, unit };
}

/**
 * Splits `text` into passages of at most `size` units with `overlap` units of overlap. A text that fits
 * is returned whole. Cuts fall between words, so no word is split (unless one word exceeds `size` chars).
 */
export function chunkText(text: string, options: ChunkOptions): string[] {
  const o = validateChunkOptions(options);
  const words = wordSpans(text);
  if (words.length === 0) return [];
  return o.unit === 'tokens'
    ? chunkByWords(text, words, o.size, o.overlap)
    : chunkByChars(text, words, o.size, o.overlap);
}

type Span = [start: number, end: number];

function wordSpans(text: string): Span[] {
  const spans: Span[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

function chunkByWords(text: string, words: Span[], size: number, overlap: number): string[] {
  if (words.length <= size) return [text.slice(words[0]![0], words[words.length - 1]![1])];
  const out: string[] = [];
  for (let i = 0; ; i += size - overlap) {
    const last = Math.min(i + size, words.length) - 1;
    out.push(text.slice(words[i]![0], words[last]![1]));
    if (last === words.length - 1) break;
  }
  return out;
}

function chunkByChars(text: string, words: Span[], size: number, overlap: number): string[] {
  const first = words[0]![0];
  const end = words[words.length - 1]![1];
  if (end - first <= size) return [text.slice(first, end)];
  const out: string[] = [];
  let w = 0; // index of the first word of the current chunk
  while (w < words.length) {
    const start = words[w]![0];
    let last = w;
    while (last + 1 < words.length && words[last + 1]![1] - start <= size) last++;
    out.push(text.slice(start, Math.min(words[last]![1], start + Math.max(size, 1))));
    if (last === words.length - 1) break;
    // Next chunk starts at the first word that begins within `overlap` chars of this chunk's end.
    const cut = words[last]![1] - overlap;
    let next = last + 1;
    while (next - 1 > w && words[next - 1]![0] >= cut) next--;
    w = next;
  }
  return out;
}
