import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/InputError.js';
import { readVocabFile } from '../../../src/model/tokenizer/vocabFile.js';
import { tempDir } from '../../helpers/tmp.js';

function vocab(content: string): string {
  const f = join(tempDir(), 'vocab.txt');
  writeFileSync(f, content);
  return f;
}

describe('readVocabFile', () => {
  it('returns one token per line, id = line, without the final newline', () => {
    expect(readVocabFile(vocab('[PAD]\n[UNK]\ngecko\n##s\n'))).toEqual(['[PAD]', '[UNK]', 'gecko', '##s']);
  });

  it('names the file and line of what a WordPiece vocabulary cannot have', () => {
    const error = (content: string | null): InputError => {
      const file = content === null ? join(tempDir(), 'missing.txt') : vocab(content);
      try {
        readVocabFile(file);
      } catch (e) {
        return e as InputError;
      }
      throw new Error('expected an error');
    };
    expect(error('[UNK]\n\ngecko\n')).toMatchObject({ location: { line: 2 } });
    expect(error('[UNK]\n\ngecko\n').message).toMatch(/vocab\.txt:2: empty token line/);
    expect(error('[PAD]\ngecko\n').message).toMatch(/no \[UNK\] token/);
    expect(error(null)).toBeInstanceOf(InputError);
    expect(error(null).message).toMatch(/missing\.txt.*cannot read/);
  });
});
