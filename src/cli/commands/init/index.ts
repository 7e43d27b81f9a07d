import type { Command } from 'commander';
import { addCommandGroup } from '../../helpText.js';
import { registerInitTeacherCommand } from './teacher.js';

/** `gecko init …`: build a student's starting token table (then `gecko train --model DIR` fine-tunes it). */
export function registerInitCommands(program: Command): void {
  const init = addCommandGroup(program, 'init', "initialise a static model's token table before training", [
    'gecko init teacher --teacher-embedder openai:http://127.0.0.1:8080#bge-small --vocab vocab.txt --dim 256 --out init-model',
    'gecko init teacher --teacher-embedder llama:./qwen2.5-1.5b-instruct-q4_k_m.gguf --tokenizer tokenizer.json --corpus corpus.jsonl --out init-model',
    'gecko train --model init-model --data pairs.jsonl --out trained',
  ]);
  registerInitTeacherCommand(init);
}
