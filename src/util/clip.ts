/** How many characters of a bad value an error message quotes. */
export const CLIP_CHARS = 80;

/**
 * `text` cut to `max` characters, saying how long it was: error messages quote what they refuse, and a
 * 7 MB field name must not become a 7 MB message.
 *
 * @example
 * clip('x'.repeat(1000), 5) // 'xxxxx… (1000 characters)'
 */
export function clip(text: string, max: number = CLIP_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * A short JSON-like rendering of any value for an error message: at most `max` characters, whatever the
 * value's size or depth. `JSON.stringify` would copy all of a huge value and overflow the stack on arrays
 * nested a few thousand deep; this walk stops once it has `max` characters, so its depth is bounded too.
 *
 * @example
 * quoteValue([[[1]]]) // '[[[1]]]'
 * quoteValue('a'.repeat(500), 4) // '"aaa…'
 */
export function quoteValue(value: unknown, max: number = CLIP_CHARS): string {
  let out = '';
  const full = (): boolean => out.length > max;
  const walk = (v: unknown): void => {
    if (full()) return;
    if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) out += ',';
        walk(v[i]);
      }
      out += ']';
    } else if (v !== null && typeof v === 'object') {
      out += '{';
      let first = true;
      for (const key in v) {
        if (full()) break;
        if (!first) out += ',';
        first = false;
        out += `${JSON.stringify(key.slice(0, max + 1))}:`;
        walk((v as Record<string, unknown>)[key]);
      }
      out += '}';
    } else if (typeof v === 'string') {
      out += JSON.stringify(v.slice(0, max + 1));
    } else {
      out += String(v);
    }
  };
  walk(value);
  return full() ? `${out.slice(0, max)}…` : out;
}
