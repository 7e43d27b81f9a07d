import type { TokenizerJson } from './Tokenizer.js';

/** BERT's special tokens, in the order BERT vocabularies list them. */
export const BERT_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export interface WordPieceJsonOptions {
  /** @default true */
  lowercase?: boolean;
  /** @default '[UNK]' */
  unkToken?: string;
}

/**
 * Builds a Hugging Face `tokenizer.json` for a BERT-style WordPiece vocabulary (one token per line, id =
 * line number, as in `vocab.txt`): BertNormalizer, BertPreTokenizer, WordPiece model, BERT post-processor.
 * Python's `tokenizers.Tokenizer.from_file` loads the result.
 *
 * @example
 * const json = wordPieceTokenizerJson(readFileSync('vocab.txt', 'utf8').split('\n').filter(Boolean));
 */
export function wordPieceTokenizerJson(
  tokens: readonly string[],
  options: WordPieceJsonOptions = {},
): TokenizerJson {
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => {
    if (!(t in vocab)) vocab[t] = i;
  });
  const unk = options.unkToken ?? '[UNK]';
  const added = BERT_SPECIAL_TOKENS.filter((t) => t in vocab).map((t) => ({
    id: vocab[t] as number,
    content: t,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const cls = vocab['[CLS]'];
  const sep = vocab['[SEP]'];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: options.lowercase ?? true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor:
      cls !== undefined && sep !== undefined
        ? { type: 'BertProcessing', sep: ['[SEP]', sep], cls: ['[CLS]', cls] }
        : null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: unk,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}
