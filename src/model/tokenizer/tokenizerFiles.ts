import { readFileSync } from 'node:fs';
import { InputError } from '../../errors/InputError.js';
import { Tokenizer, type TokenizerJson } from './Tokenizer.js';
import { readVocabFile } from './vocabFile.js';
import { wordPieceTokenizerJson } from './wordPieceJson.js';

/**
 * Loads a Hugging Face `tokenizer.json`, the one loader behind `--tokenizer` (train, init teacher, tokenizer
 * encode), FRet's quick student and distill's `student.tokenizer`.
 * @throws InputError naming the file when it cannot be read or is not JSON; the Tokenizer's own errors
 * for a tokenizer it does not support.
 */
export function readTokenizerFile(file: string): Tokenizer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError({ file }, `cannot read tokenizer: ${(e as Error).message}`, { cause: e });
  }
  let json: TokenizerJson;
  try {
    json = JSON.parse(text) as TokenizerJson;
  } catch (e) {
    throw new InputError({ file }, `not valid JSON (${(e as Error).message})`, { cause: e });
  }
  return Tokenizer.fromJSON(json, file);
}

/** A WordPiece tokenizer over a BERT `vocab.txt` (checked by {@link readVocabFile}). */
export function tokenizerFromVocabFile(file: string): Tokenizer {
  return Tokenizer.fromJSON(wordPieceTokenizerJson(readVocabFile(file)), file);
}
