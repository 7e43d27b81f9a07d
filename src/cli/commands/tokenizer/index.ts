import type { Command } from 'commander';
import { addCommandGroup } from '../../helpText.js';
import { registerTokenizerEncodeCommand } from './encode.js';
import { registerTokenizerFromVocabCommand } from './fromVocab.js';
import { registerTokenizerTrainCommand } from './train.js';

/** `gecko tokenizer …`: train a WordPiece tokenizer, build one from a vocab.txt, inspect encodings. */
export function registerTokenizerCommands(program: Command): void {
  const tok = addCommandGroup(
    program,
    'tokenizer',
    'train or build Hugging Face tokenizer.json files for static models',
    [
      'gecko tokenizer train corpus.jsonl --vocab-size 30000 --out tokenizer.json',
      'gecko tokenizer from-vocab vocab.txt --out tokenizer.json',
      'gecko tokenizer encode "Geckos climb walls" --tokenizer tokenizer.json',
    ],
  );
  registerTokenizerTrainCommand(tok);
  registerTokenizerFromVocabCommand(tok);
  registerTokenizerEncodeCommand(tok);
}
