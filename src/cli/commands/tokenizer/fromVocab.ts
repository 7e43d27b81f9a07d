import type { Command } from 'commander';
import { readVocabFile } from '../../../model/tokenizer/vocabFile.js';
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
      const lines = readVocabFile(vocab);
      await atomicWriteFile(a.out, JSON.stringify(wordPieceTokenizerJson(lines, { lowercase: !a.cased })));
      ctx.print({ out: a.out, vocabSize: lines.length }, () => `wrote ${a.out}: ${lines.length} tokens`);
    });
}
