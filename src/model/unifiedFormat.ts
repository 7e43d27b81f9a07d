import type { EmbedInput, EmbedKind } from './Embedder.js';

/**
 * Gecko's unified input format (paper §1.2, appendix): queries are `task: {task} | query: {text}`, documents
 * `title: {title or "none"} | text: {text}`. Symmetric tasks (STS, clustering, classification) format both
 * sides as queries, so the caller passes `kind: 'query'` for them.
 */
export const DEFAULT_QUERY_TASK = 'search result';

/** Formats a query in Gecko's unified format. */
export function formatQuery(text: string, task: string = DEFAULT_QUERY_TASK): string {
  return `task: ${task} | query: ${text}`;
}

/** Formats a document in Gecko's unified format; a missing or empty title becomes `none`. */
export function formatDocument(text: string, title?: string | null): string {
  const t = title?.trim() ? title.trim() : 'none';
  return `title: ${t} | text: ${text}`;
}

/** Formats one embedder input for its side of the task. */
export function formatInput(input: EmbedInput, kind: EmbedKind = 'query', task?: string): string {
  const text = typeof input === 'string' ? input : input.text;
  if (kind === 'document') return formatDocument(text, typeof input === 'string' ? null : input.title);
  return formatQuery(text, task);
}

const QUERY_PREFIX = /^task: [^|]*\| query: /;
const DOCUMENT_PREFIX = /^title: ([^|]*) \| text: /;

/**
 * Whether `text` already starts with one of the format's prefixes (`task: … | query: ` or
 * `title: … | text: `): such a text must not be formatted again (the server gets them from clients that
 * format on their side, e.g. `gecko eval --format gecko` through `openai:`).
 */
export function isUnifiedFormat(text: string): boolean {
  return QUERY_PREFIX.test(text) || DOCUMENT_PREFIX.test(text);
}

/**
 * The words of a formatted text without the format's own: `task: … | query: x` -> `x`, `title: t | text: x`
 * -> `t x` (`none` titles dropped). For statistics over the content (co-occurrence, token frequencies), where
 * the constant prefix tokens would only add noise. Unformatted text comes back as it is.
 */
export function unformat(text: string): string {
  const q = QUERY_PREFIX.exec(text);
  if (q) return text.slice(q[0].length);
  const d = DOCUMENT_PREFIX.exec(text);
  if (d) return d[1] === 'none' ? text.slice(d[0].length) : `${d[1]} ${text.slice(d[0].length)}`;
  return text;
}
