import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '../../../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../../../src/model/tokenizer/wordPieceJson.js';
import { SHARED_DATA } from '../../helpers/paths.js';

/** A tiny WordPiece tokenizer whose ids are easy to compute by hand. */
export function tinyTokenizer(): Tokenizer {
  return Tokenizer.fromJSON(
    wordPieceTokenizerJson([
      '[PAD]',
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      'gecko',
      'climb',
      '##s',
      'wall',
      '.',
      'a',
    ]),
  );
}

/** BERT base uncased as a tokenizer.json (from the shared vocab.txt). */
export function bertTokenizer(): Tokenizer {
  const lines = readFileSync(join(SHARED_DATA, 'vocab/bert-base-uncased-vocab.txt'), 'utf8').split('\n');
  return Tokenizer.fromJSON(wordPieceTokenizerJson(lines.filter((l) => l.length > 0)));
}

/** The first `n` texts of a shared JSONL file's `field`. */
export function sharedTexts(file: string, field: string, n: number): string[] {
  return readFileSync(join(SHARED_DATA, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, n)
    .map((l) => String(JSON.parse(l)[field]));
}
