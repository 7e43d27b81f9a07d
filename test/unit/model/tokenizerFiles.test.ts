import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTokenizerFile, tokenizerFromVocabFile } from '../../../src/model/tokenizer/tokenizerFiles.js';
import { wordPieceTokenizerJson } from '../../../src/model/tokenizer/wordPieceJson.js';
import { tempDir } from '../../helpers/tmp.js';

describe('tokenizer files', () => {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'hello', 'world', '##s'];

  it('a tokenizer.json and the vocab.txt it came from give the same ids', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vocab.txt'), `${vocab.join('\n')}\n`);
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(wordPieceTokenizerJson(vocab)));
    const fromJson = readTokenizerFile(join(dir, 'tokenizer.json'));
    const fromVocab = tokenizerFromVocabFile(join(dir, 'vocab.txt'));
    expect(fromJson.encode('hello worlds')).toEqual([4, 5, 6]);
    expect(fromVocab.encode('hello worlds')).toEqual([4, 5, 6]);
  });

  it('names the file that is missing or not JSON', () => {
    const dir = tempDir();
    expect(() => readTokenizerFile(join(dir, 'none.json'))).toThrow(/none\.json: cannot read tokenizer/);
    writeFileSync(join(dir, 'bad.json'), '{"model": ');
    expect(() => readTokenizerFile(join(dir, 'bad.json'))).toThrow(/bad\.json: not valid JSON/);
  });
});
