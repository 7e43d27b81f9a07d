import { stemmer } from 'stemmer';
import { ENGLISH_STOPWORDS } from './stopwords.js';

/** One query term: the word as typed (lower-cased, no diacritics) and its Porter stem as FTS5 indexes it. */
export interface QueryTerm {
  word: string;
  stem: string;
}

/**
 * Splits a query the way FTS5's `unicode61 remove_diacritics 2` tokenizer does (case-folded, diacritics
 * removed, letters and digits only) and stems each word with the Porter algorithm that FTS5's `porter`
 * tokenizer implements, so the stems can be looked up in the FTS5 vocabulary for document frequencies.
 * Stopwords are dropped unless the query has nothing else. Duplicate words are kept once.
 */
export function analyzeQuery(query: string): QueryTerm[] {
  const words = query
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  const unique = [...new Set(words)];
  const content = unique.filter((w) => !ENGLISH_STOPWORDS.has(w));
  return (content.length > 0 ? content : unique).map((word) => ({ word, stem: stemmer(word) }));
}

/** Quotes a word as an FTS5 string so that no query text is read as FTS5 syntax (NEAR, AND, ^, *, ...). */
export function ftsString(word: string): string {
  return `"${word.replaceAll('"', '""')}"`;
}
