#!/usr/bin/env node
// Splits SciFact's judged train queries into a training half and an evaluation half (a stable hash of
// the query id, so the split is the same on every machine), and writes:
//   <out>/SciFactTrainHalf/ and <out>/SciFactEvalHalf/  local Retrieval task folders (shared corpus)
//   <out>/train-half.queries.jsonl  {_id, text, seed_id}: queries to mine, seeded by their first relevant doc
//   <out>/train-half.qrels.tsv      the oracle judge's relevance judgements for those queries
// Usage: node scripts/experiments/split-scifact.mjs <shared/data/mteb/SciFact> <out>
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: split-scifact.mjs <SciFact folder> <out folder>');
  process.exit(2);
}
const qrels = new Map();
for (const line of readFileSync(join(src, 'qrels/train.tsv'), 'utf8').split('\n').slice(1)) {
  const [q, d, s] = line.trim().split('\t');
  if (!q) continue;
  if (!qrels.has(q)) qrels.set(q, []);
  qrels.get(q).push([d, s]);
}
const queries = readFileSync(join(src, 'queries.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((q) => qrels.has(q._id));
const half = (id) =>
  createHash('sha256').update(`scifact-split:${id}`).digest()[0] < 128 ? 'train' : 'eval';
const parts = { train: [], eval: [] };
for (const q of queries) parts[half(q._id)].push(q);

mkdirSync(out, { recursive: true });
for (const [name, list] of [
  ['SciFactTrainHalf', parts.train],
  ['SciFactEvalHalf', parts.eval],
]) {
  const dir = join(out, name);
  mkdirSync(join(dir, 'qrels'), { recursive: true });
  const task = {
    name,
    type: 'Retrieval',
    main_score: 'ndcg_at_10',
    eval_splits: ['train'],
    ignore_identical_ids: false,
    prompt: 'fact checking',
    source: `SciFact train queries, ${name === 'SciFactTrainHalf' ? 'training' : 'evaluation'} half (sha256 split)`,
  };
  writeFileSync(join(dir, 'task.json'), `${JSON.stringify(task, null, 2)}\n`);
  if (!existsSync(join(dir, 'corpus.jsonl')))
    symlinkSync(resolve(src, 'corpus.jsonl'), join(dir, 'corpus.jsonl'));
  writeFileSync(join(dir, 'queries.jsonl'), list.map((q) => JSON.stringify(q)).join('\n') + '\n');
  writeFileSync(
    join(dir, 'qrels/train.tsv'),
    `query-id\tcorpus-id\tscore\n${list.flatMap((q) => qrels.get(q._id).map(([d, s]) => `${q._id}\t${d}\t${s}`)).join('\n')}\n`,
  );
}
writeFileSync(
  join(out, 'train-half.queries.jsonl'),
  parts.train
    .map((q) => JSON.stringify({ _id: q._id, text: q.text, seed_id: qrels.get(q._id)[0][0] }))
    .join('\n') + '\n',
);
writeFileSync(
  join(out, 'train-half.qrels.tsv'),
  `query-id\tcorpus-id\tscore\n${parts.train.flatMap((q) => qrels.get(q._id).map(([d, s]) => `${q._id}\t${d}\t${s}`)).join('\n')}\n`,
);
console.log(
  `queries with judgements: ${queries.length}; training half ${parts.train.length}, evaluation half ${parts.eval.length}`,
);
