import type { Command } from 'commander';
import { registerInitTeacherCommand } from './teacher.js';

/** `gecko init …`: build a student's starting token table (then `gecko train --model DIR` fine-tunes it). */
export function registerInitCommands(program: Command): void {
  const init = program
    .command('init')
    .description("initialise a static model's token table before training")
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ gecko init teacher --teacher-embedder openai:http://127.0.0.1:8080#bge-small --vocab vocab.txt --dim 256 --out init-model\n' +
        '  $ gecko init teacher --teacher-embedder llama:./qwen2.5-1.5b-instruct-q4_k_m.gguf --tokenizer tokenizer.json --corpus corpus.jsonl --out init-model\n' +
        '  $ gecko train --model init-model --data pairs.jsonl --out trained',
    );
  registerInitTeacherCommand(init);
}
