// Experiment (issue 13): cloze FRet queries from a BEIR corpus.jsonl without a workspace, through the same
// `writeClozeQueries` as `gecko fret cloze` (one query per passage and seed, ids cloze-SEED-ID, qrels naming the
// passage), for `gecko fret mine --queries Q --judge qrels:QRELS`.
// Usage: node --import tsx scripts/experiments/cloze-queries.ts CORPUS_JSONL OUT_DIR [SEEDS, default 42]
import { writeClozeQueries } from '../../src/fret/clozeQueries.js';
import { readJsonlValues } from '../../src/util/jsonl.js';

const [corpus, out, seedArg] = process.argv.slice(2);
if (!corpus || !out) {
  console.error('usage: cloze-queries.ts CORPUS_JSONL OUT_DIR [SEEDS]');
  process.exit(2);
}
async function* passages() {
  for await (const r of readJsonlValues<{ _id: string; title?: string; text: string }>(corpus!))
    yield { id: r._id, title: r.title ?? null, text: r.text };
}
const r = await writeClozeQueries(passages(), out, { seeds: (seedArg ?? '42').split(',').map(Number) });
console.log(JSON.stringify({ passages: r.passages, queries: r.queries }));
