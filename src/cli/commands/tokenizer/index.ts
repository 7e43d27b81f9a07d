import type { Command } from 'commander';
import { registerTokenizerEncodeCommand } from './encode.js';
import { registerTokenizerFromVocabCommand } from './fromVocab.js';
import { registerTokenizerTrainCommand } from './train.js';

/** `gecko tokenizer …`: train a WordPiece tokenizer, build one from a vocab.txt, inspect encodings. */
export function registerTokenizerCommands(program: Command): void {
  const tok = program
    .command('tokenizer')
    .description('train or build Hugging Face tokenizer.json files for static models')
    .addHelpText(
      'after',
      '\nExamples:\n  $ gecko tokenizer train corpus.jsonl --vocab-size 30000 --out tokenizer.json\n  $ gecko tokenizer from-vocab vocab.txt --out tokenizer.json\n  $ gecko tokenizer encode "Geckos climb walls" --tokenizer tokenizer.json',
    );
  registerTokenizerTrainCommand(tok);
  registerTokenizerFromVocabCommand(tok);
  registerTokenizerEncodeCommand(tok);
}
