import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../../errors/InputError.js';
import { wordPieceTokenizerJson } from '../../../model/tokenizer/wordPieceJson.js';
import { atomicWriteFile } from '../../../util/atomicWrite.js';
import { contextFrom } from '../../context.js';

export function registerTokenizerFromVocabCommand(tok: Command): void {
  tok
    .command('from-vocab')
    .description('build a tokenizer.json from a BERT WordPiece vocab.txt (one token per line, id = line)')
    .argument('<vocab>', 'vocab.txt')
    .requiredOption('-o, --out <file>', 'where to write tokenizer.json')
    .option('--cased', 'keep case and accents', false)
    .action(async (vocab: string, a: { out: string; cased: boolean }, cmd: Command) => {
      const ctx = contextFrom(cmd);
      let lines: string[];
      try {
        lines = readFileSync(vocab, 'utf8').split('\n');
      } catch (e) {
        throw new InputError({ file: vocab }, `cannot read: ${(e as Error).message}`);
      }
      if (lines.at(-1) === '') lines.pop();
      const empty = lines.findIndex((l) => l.length === 0);
      if (empty >= 0)
        throw new InputError({ file: vocab, line: empty + 1 }, 'empty token line (ids are line numbers)');
      if (!lines.includes('[UNK]'))
        throw new InputError({ file: vocab }, 'no [UNK] token; WordPiece needs one');
      await atomicWriteFile(a.out, JSON.stringify(wordPieceTokenizerJson(lines, { lowercase: !a.cased })));
      ctx.print({ out: a.out, vocabSize: lines.length }, () => `wrote ${a.out}: ${lines.length} tokens`);
    });
}
