import { detectLanguage, languagesDiffer } from './language.js';

/** Why a generated `{task, query}` was rejected. */
export type GenerationFailure =
  | 'malformed-json'
  /** The answer ran past the token limit. */
  | 'truncated'
  | 'missing-field'
  | 'empty'
  | 'too-short'
  | 'too-long'
  | 'copy'
  | 'language'
  | 'refusal'
  /** A batch request that came back with an error instead of an answer. */
  | 'request-failed';

/** Limits applied to each generated `{task, query}` (FRet step 1 output checks). */
export interface OutputChecks {
  /** Shortest accepted query, in characters. @default 3 */
  minQueryChars?: number;
  /** Longest accepted query, in characters. @default 500 */
  maxQueryChars?: number;
  /** Shortest accepted task description, in characters. @default 5 */
  minTaskChars?: number;
  /** Longest accepted task description, in characters. @default 300 */
  maxTaskChars?: number;
  /**
   * A query is a verbatim copy when one contiguous run of its words appears in the passage and covers at least
   * this fraction of the query's words (queries of fewer than `copyMinWords` words are exempt: a short
   * keyword query naturally repeats passage words). @default 0.9
   */
  maxCopiedFraction?: number;
  /** @default 6 */
  copyMinWords?: number;
  /**
   * Expected query language (ISO 639-1). Unset: the passage's language; `any`: no language check.
   * @default passage language
   */
  language?: string;
}

export const DEFAULT_OUTPUT_CHECKS: Required<Omit<OutputChecks, 'language'>> = {
  minQueryChars: 3,
  maxQueryChars: 500,
  minTaskChars: 5,
  maxTaskChars: 300,
  maxCopiedFraction: 0.9,
  copyMinWords: 6,
};

/** The verdict on one generation: the cleaned pair, or the failure reason with a human detail. */
export type CheckResult =
  | { ok: true; task: string; query: string }
  | { ok: false; reason: GenerationFailure; detail: string };

const REFUSAL =
  /^\s*(i'?m sorry|i am sorry|sorry,|i cannot|i can'?t|i'?m unable|i am unable|as an ai\b|i won'?t|unfortunately,? i)/i;

/** True when the text reads as a refusal to do the task ("I'm sorry, I can't ..."). */
export function isRefusal(text: string): boolean {
  return REFUSAL.test(text);
}

/**
 * Parses and checks an LLM's step-1 answer for `passage`: a JSON object `{task, query}` (a fenced block or
 * surrounding prose is tolerated, since models without constrained decoding add them), non-empty, within the
 * length bounds, not a refusal, not a verbatim copy of the passage, and in the expected language.
 */
export function checkGeneration(raw: string, passage: string, options: OutputChecks = {}): CheckResult {
  const o = { ...DEFAULT_OUTPUT_CHECKS, ...options };
  if (REFUSAL.test(raw)) return { ok: false, reason: 'refusal', detail: clip(raw) };
  const value = parseJsonObject(raw);
  if (value === undefined) return { ok: false, reason: 'malformed-json', detail: clip(raw) };
  const { task, query } = value as { task?: unknown; query?: unknown };
  if (typeof task !== 'string' || typeof query !== 'string') {
    return { ok: false, reason: 'missing-field', detail: 'expected string fields "task" and "query"' };
  }
  const t = task.replace(/\s+/g, ' ').trim();
  const q = query.replace(/\s+/g, ' ').trim();
  if (t === '' || q === '') return { ok: false, reason: 'empty', detail: t === '' ? 'task' : 'query' };
  if (REFUSAL.test(q) || REFUSAL.test(t)) return { ok: false, reason: 'refusal', detail: clip(q) };
  if (q.length < o.minQueryChars)
    return { ok: false, reason: 'too-short', detail: `query ${q.length} chars` };
  if (t.length < o.minTaskChars) return { ok: false, reason: 'too-short', detail: `task ${t.length} chars` };
  if (q.length > o.maxQueryChars) return { ok: false, reason: 'too-long', detail: `query ${q.length} chars` };
  if (t.length > o.maxTaskChars) return { ok: false, reason: 'too-long', detail: `task ${t.length} chars` };
  const copied = copiedFraction(q, passage);
  if (copied.words >= o.copyMinWords && copied.fraction >= o.maxCopiedFraction) {
    return {
      ok: false,
      reason: 'copy',
      detail: `${Math.round(copied.fraction * 100)}% of the query is copied from the passage`,
    };
  }
  if (options.language !== 'any') {
    const want = options.language ?? detectLanguage(passage);
    const got = detectLanguage(q);
    if (languagesDiffer(want, got)) {
      return { ok: false, reason: 'language', detail: `query is "${got}", expected "${want}"` };
    }
  }
  return { ok: true, task: t, query: q };
}

/** The first JSON object in `raw`: the whole text, or the span from the first `{` to the last `}`. */
export function parseJsonObject(raw: string): Record<string, unknown> | undefined {
  const attempt = (s: string): unknown => {
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  };
  let v = attempt(raw.trim());
  if (v === undefined) {
    const a = raw.indexOf('{');
    const b = raw.lastIndexOf('}');
    if (a >= 0 && b > a) v = attempt(raw.slice(a, b + 1));
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * The longest run of consecutive query words that also appears consecutively in the passage, as a fraction
 * of the query's words. Word-level, case- and punctuation-insensitive.
 */
export function copiedFraction(query: string, passage: string): { words: number; fraction: number } {
  const q = words(query);
  if (q.length === 0) return { words: 0, fraction: 0 };
  const p = ` ${words(passage).join(' ')} `;
  let best = 0;
  for (let i = 0; i < q.length && q.length - i > best; i++) {
    // Grow the run from word i while it is still a substring of the passage.
    let j = i + best + 1;
    while (j <= q.length && p.includes(` ${q.slice(i, j).join(' ')} `)) {
      best = j - i;
      j++;
    }
  }
  return { words: q.length, fraction: best / q.length };
}

function clip(s: string, n = 120): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n)}…` : one;
}
