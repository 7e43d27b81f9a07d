import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTinyLlamaGguf } from './gguf/tinyLlama.js';
import { ROOT } from './paths.js';

/**
 * Vocabulary pieces ending in a quote: under the JSON grammar a tiny random model then closes its strings,
 * so most seeds yield a query (gibberish, but checked and mined like any other).
 */
const QUOTES = [
  '"',
  '"}',
  'a"',
  'e"',
  's"',
  'n"',
  't"',
  'd"',
  'r"',
  'y"',
  '▁x"',
  '▁the"',
  '▁a"',
  '▁is"',
  '."',
  '?"',
];

/**
 * The inputs of a `gecko distill` run in `dir`: `corpus.jsonl` (the first 30 passages of the shipped example
 * corpus) and a tiny random GGUF teacher whose vocabulary has many {@link QUOTES}. Returns the GGUF's path.
 */
export function writeDistillInputs(dir: string): string {
  writeExampleCorpus(join(dir, 'corpus.jsonl'), 30);
  return writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 7, vocab: QUOTES, outputScale: 2 });
}

/** Writes the first `count` passages of the shipped example corpus to `file`. */
export function writeExampleCorpus(file: string, count: number): void {
  const lines = readFileSync(join(ROOT, 'examples/corpus.jsonl'), 'utf8').split('\n').slice(0, count);
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * The `gecko distill` options for a tiny student trained for `steps` steps in each phase, so an end-to-end
 * run takes seconds.
 */
export function tinyStudentArgs(steps: number): string[] {
  return [
    '--dim',
    '32',
    '--matryoshka',
    '32',
    '--dims',
    '32',
    '--set',
    'student.vocabSize=500',
    `pretrain.steps=${steps}`,
    `train.steps=${steps}`,
    'train.batchSize=8',
    'pretrain.batchSize=8',
  ];
}
