#!/usr/bin/env node
// Prints one JSON line with the scores of a levers.sh row (×100): STSBenchmark validation, Banking77 test,
// PIT2015 test (max AP), SciFact evaluation half alone and hybrid with BM25, and their mean.
// Usage: node scripts/experiments/summarise.mjs NAME ROW_DIR
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, dir] = process.argv.slice(2);
const scores = {};
for (const f of ['mteb.json', 'half.json']) {
  for (const r of JSON.parse(readFileSync(join(dir, f), 'utf8')).results)
    scores[r.task] = Number((r.score * 100).toFixed(2));
}
scores.SciFactHybrid = JSON.parse(readFileSync(join(dir, 'hybrid.json'), 'utf8')).ndcg_at_10;
const main = ['STSBenchmark', 'Banking77Classification', 'PIT2015PairClassification', 'SciFactEvalHalf'];
scores.mean = Number((main.reduce((a, t) => a + scores[t], 0) / main.length).toFixed(2));
console.log(JSON.stringify({ row: name, ...scores }));
