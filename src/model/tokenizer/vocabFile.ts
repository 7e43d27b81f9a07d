import { readFileSync } from 'node:fs';
import { InputError } from '../../errors/InputError.js';

/**
 * The tokens of a BERT WordPiece `vocab.txt` (one token per line, id = line number), checked so that a
 * WordPiece tokenizer can be built from them: readable, no empty token line (ids would shift), an `[UNK]`.
 * @throws InputError naming the file (and line) otherwise.
 */
export function readVocabFile(file: string): string[] {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch (e) {
    throw new InputError({ file }, `cannot read: ${(e as Error).message}`);
  }
  if (lines.at(-1) === '') lines.pop();
  const empty = lines.findIndex((l) => l.length === 0);
  if (empty >= 0) throw new InputError({ file, line: empty + 1 }, 'empty token line (ids are line numbers)');
  if (!lines.includes('[UNK]')) throw new InputError({ file }, 'no [UNK] token; WordPiece needs one');
  return lines;
}
