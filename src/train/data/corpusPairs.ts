import { createRng, mixSeed } from '../../math/rng.js';
import type { SelfSupervisedMode } from './types.js';

/**
 * Self-supervised pairs from one corpus passage, the one home of the rules for both `gecko train --data
 * corpus:` and `gecko distill`'s pre-finetuning pairs.
 */

const SENTENCE_END = /([.!?])\s+(?=[A-Z0-9"'(])/;
const SENTENCE_ENDS = new RegExp(SENTENCE_END.source, 'g');
/** Shortest sentence the cloze task asks about: shorter ones are headings, numbers or fragments. */
const MIN_CLOZE_CHARS = 30;

/** A pair before formatting: the query text, and the document's text and title (null: shown without one). */
export interface CorpusPair {
  query: string;
  text: string;
  title: string | null;
}

/** Splits a text into sentences at `. ! ?` followed by space and a capital, digit, quote or bracket. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of text.matchAll(SENTENCE_ENDS)) {
    const end = m.index + 1;
    out.push(text.slice(start, end).trim());
    start = end;
  }
  out.push(text.slice(start).trim());
  return out.filter((s) => s !== '');
}

/**
 * The `mode` pair of a passage, or null when it has none:
 * - `title-body`: title -> body (no title: none);
 * - `first-sentence`: the first sentence -> the rest (both at least 10 characters);
 * - `cloze`: the inverse cloze task (Lee et al. 2019, ORQA). A sentence is a pseudo-query for the passage it
 *   came from, and is taken out of the passage, so the pair teaches topical relevance rather than string
 *   overlap. The sentence is a seeded function of (seed, index), so the data is the same on every run.
 */
export function corpusPair(
  mode: SelfSupervisedMode,
  text: string,
  title: string | null,
  seed: number,
  index: number,
): CorpusPair | null {
  if (mode === 'title-body') {
    if (!title || title.trim() === '') return null;
    return { query: title, text, title: null };
  }
  if (mode === 'first-sentence') {
    const m = SENTENCE_END.exec(text);
    if (!m) return null;
    const cut = m.index + 1;
    const first = text.slice(0, cut).trim();
    const rest = text.slice(cut).trim();
    if (first.length < 10 || rest.length < 10) return null;
    return { query: first, text: rest, title: null };
  }
  const sentences = splitSentences(text);
  if (sentences.length < 3) return null;
  const candidates = sentences.flatMap((s, i) => (s.length >= MIN_CLOZE_CHARS ? [i] : []));
  if (candidates.length === 0) return null;
  const pick = candidates[createRng(mixSeed(seed, index)).int(candidates.length)]!;
  const rest = sentences.filter((_, i) => i !== pick).join(' ');
  return { query: sentences[pick]!, text: rest, title };
}
