// Experiment (issue 13): self-supervised FRet without an LLM. Writes one cloze query per corpus passage (the
// trainer's seeded cloze sentence, `corpusPair` in src/train/data/corpusPairs.ts) as BEIR queries.jsonl, with a
// qrels file naming its passage, so `gecko fret mine --queries Q --judge qrels:QRELS` mines BM25 candidates
// for it: positive = the passage, hard negative = the N-th candidate.
// SEEDS (a comma-separated list, default 42) gives one query per passage and seed (ids cloze-SEED-ID).
// Usage: node --import tsx scripts/experiments/cloze-queries.ts CORPUS_JSONL OUT_DIR [SEEDS]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusPair } from '../../src/train/data/corpusPairs.js';
import { readJsonlValues } from '../../src/util/jsonl.js';

const [corpus, out, seedArg] = process.argv.slice(2);
if (!corpus || !out) {
  console.error('usage: cloze-queries.ts CORPUS_JSONL OUT_DIR [SEEDS]');
  process.exit(2);
}
const seeds = (seedArg ?? '42').split(',').map(Number);
const queries: string[] = [];
const qrels: string[] = ['query-id\tcorpus-id\tscore'];
let index = 0;
for await (const r of readJsonlValues<{ _id: string; title?: string; text: string }>(corpus)) {
  const asked = new Set<string>();
  for (const seed of seeds) {
    const pair = corpusPair('cloze', r.text, r.title ?? null, seed, index);
    if (!pair || asked.has(pair.query)) continue;
    asked.add(pair.query);
    const id = `cloze-${seed}-${r._id}`;
    queries.push(JSON.stringify({ _id: id, text: pair.query, seed_id: r._id }));
    qrels.push(`${id}\t${r._id}\t1`);
  }
  index++;
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'queries.jsonl'), `${queries.join('\n')}\n`);
writeFileSync(join(out, 'qrels.tsv'), `${qrels.join('\n')}\n`);
console.log(JSON.stringify({ passages: index, queries: queries.length }));
