/**
 * Experiment (issue 13): a BERT vocab.txt extended with the corpus's own whole words, so a word the base
 * vocabulary splits into pieces gets one row of its own in the static table (model2vec's vocabulary
 * option). Usage: node --import tsx scripts/experiments/extend-vocab.ts BASE_VOCAB CORPUS.jsonl OUT [MIN_COUNT=3]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { bertPreTokenize } from '../../src/model/tokenizer/bertText.js';

const [base, corpus, out, min = '3'] = process.argv.slice(2);
if (!base || !corpus || !out)
  throw new Error('usage: extend-vocab.ts BASE_VOCAB CORPUS.jsonl OUT [MIN_COUNT]');
const vocab = readFileSync(base, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);
const known = new Set(vocab);
const counts = new Map<string, number>();
for (const line of readFileSync(corpus, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as { title?: string; text: string };
  for (const w of bertPreTokenize(`${r.title ?? ''} ${r.text}`, {})) {
    if (w.length < 3 || known.has(w) || !/^[a-z]/.test(w)) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
}
const added = [...counts]
  .filter(([, c]) => c >= Number(min))
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
writeFileSync(out, `${[...vocab, ...added.map(([w]) => w)].join('\n')}\n`);
console.log(
  JSON.stringify({
    base: vocab.length,
    added: added.length,
    total: vocab.length + added.length,
    top: added.slice(0, 10),
  }),
);
