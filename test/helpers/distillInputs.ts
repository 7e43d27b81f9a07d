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
  const lines = readFileSync(join(ROOT, 'examples/corpus.jsonl'), 'utf8').split('\n').slice(0, 30);
  writeFileSync(join(dir, 'corpus.jsonl'), `${lines.join('\n')}\n`);
  return writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 7, vocab: QUOTES, outputScale: 2 });
}
