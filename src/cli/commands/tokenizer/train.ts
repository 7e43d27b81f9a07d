import type { Command } from 'commander';
import { trainWordPiece } from '../../../model/tokenizer/trainWordPiece.js';
import { atomicWriteFile } from '../../../util/atomicWrite.js';
import { contextFrom, parsePositiveInt } from '../../context.js';
import { readTrainingTexts } from './texts.js';

export function registerTokenizerTrainCommand(tok: Command): void {
  tok
    .command('train')
    .description('train a BERT-style WordPiece tokenizer (tokenizer.json) with a chosen vocabulary size')
    .argument('<files...>', 'JSONL files (training data or corpora) or plain text files, one text per line')
    .requiredOption('-o, --out <file>', 'where to write tokenizer.json')
    .option('--vocab-size <n>', 'vocabulary size, special tokens included', '30000')
    .option('--min-frequency <n>', 'never merge pairs seen fewer times', '2')
    .option('--limit-alphabet <n>', 'keep the most frequent characters only', '1000')
    .option('--field <name>', 'read only this JSONL field')
    .option('--cased', 'keep case and accents (default: lower-case, strip accents)', false)
    .action(
      async (
        files: string[],
        a: {
          out: string;
          vocabSize: string;
          minFrequency: string;
          limitAlphabet: string;
          field?: string;
          cased: boolean;
        },
        cmd: Command,
      ) => {
        const ctx = contextFrom(cmd);
        const texts = (function* () {
          for (const f of files) yield* readTrainingTexts(f, a.field);
        })();
        const t0 = performance.now();
        const json = trainWordPiece(texts, {
          vocabSize: parsePositiveInt('--vocab-size', a.vocabSize),
          minFrequency: parsePositiveInt('--min-frequency', a.minFrequency),
          limitAlphabet: parsePositiveInt('--limit-alphabet', a.limitAlphabet),
          normalizer: { lowercase: !a.cased },
          reporter: ctx.reporter,
        });
        await atomicWriteFile(a.out, JSON.stringify(json));
        const size = Object.keys((json.model as { vocab: object }).vocab).length;
        const secs = (performance.now() - t0) / 1000;
        ctx.print(
          { out: a.out, vocabSize: size, seconds: secs },
          () => `wrote ${a.out}: ${size} tokens in ${secs.toFixed(1)}s`,
        );
      },
    );
}
