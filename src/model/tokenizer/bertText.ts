/**
 * BERT's normaliser and pre-tokeniser (Hugging Face `BertNormalizer` + `BertPreTokenizer`) in plain
 * JavaScript: clean control characters, pad CJK ideographs, strip accents, lower-case, then split on
 * whitespace and isolate punctuation. Printable-ASCII text (most of it) skips the Unicode work entirely.
 * Checked token-for-token against @huggingface/tokenizers in test/unit/model/tokenizer.test.ts.
 * Pure: no Node APIs (bundled for the browser).
 */
export interface BertNormalizerOptions {
  /** @default true */
  cleanText?: boolean;
  /** @default true */
  handleChineseChars?: boolean;
  /** null follows `lowercase`, as in Hugging Face tokenizers. @default null */
  stripAccents?: boolean | null;
  /** @default true */
  lowercase?: boolean;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const ASCII_WORDS = /[^ !-/:-@[-`{-~]+|[!-/:-@[-`{-~]/g;
const UNICODE_WORDS = /[^\s!-/:-@[-`{-~\p{P}]+|[!-/:-@[-`{-~\p{P}]/gu;
const CONTROL = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\uFFFD]/gu;
const CJK =
  /[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]/gu;
const MARKS = /\p{Mn}/gu;

/**
 * Normalises `text` as BertNormalizer does and splits it into words and punctuation marks.
 *
 * @example
 * bertPreTokenize("Héllo, world!", {}) // ['hello', ',', 'world', '!']
 */
export function bertPreTokenize(text: string, options: BertNormalizerOptions): string[] {
  const lowercase = options.lowercase ?? true;
  if (PRINTABLE_ASCII.test(text)) {
    return (lowercase ? text.toLowerCase() : text).match(ASCII_WORDS) ?? [];
  }
  let t = text;
  if (options.cleanText ?? true) {
    // Rust's BertNormalizer drops every other control character, vertical tab and form feed included (they are
    // whitespace only to JavaScript), then maps Unicode whitespace to a space.
    t = t.replace(/[\t\n\r]/g, ' ').replace(CONTROL, '');
    t = t.replace(/\0/g, '').replace(/\s/gu, ' ');
  }
  if (options.handleChineseChars ?? true) t = t.replace(CJK, ' $& ');
  if (options.stripAccents ?? lowercase) t = t.normalize('NFD').replace(MARKS, '');
  // Rust lower-cases character by character; JavaScript's toLowerCase would turn a word-final Σ into ς.
  if (lowercase) t = t.replace(/Σ/g, 'σ').toLowerCase();
  return t.match(UNICODE_WORDS) ?? [];
}
