import type { EmbedInput, EmbedKind, EmbedOptions } from '../../model/Embedder.js';
import { formatInput } from '../../model/unifiedFormat.js';

/** How an external embedder receives texts: Gecko's unified format, or mteb's plain text. */
export type TextFormat = 'gecko' | 'plain';

/** mteb's corpus text: `(title + " " + text).strip()` when there is a title, else `text.strip()`. */
export function plainText(input: EmbedInput): string {
  if (typeof input === 'string') return input;
  const title = input.title ?? '';
  return title ? `${title} ${input.text}`.trim() : input.text.trim();
}

/** The string an embedder sends for `input` in `format` (Gecko: `task: … | query: …` / `title: … | text: …`). */
export function renderInput(input: EmbedInput, format: TextFormat, options: EmbedOptions = {}): string {
  const kind: EmbedKind = options.kind ?? 'query';
  return format === 'gecko' ? formatInput(input, kind, options.task) : plainText(input);
}
