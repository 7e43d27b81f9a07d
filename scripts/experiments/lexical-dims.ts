// Experiment (issue 13): densified lexical dimensions (Lin & Lin 2021, "Densifying sparse representations").
// Appends K columns to a trained static model's token table: row t gets idf(t) * r_t, r_t a seeded Gaussian
// vector / sqrt(K), so the mean-pooled extra part is a random projection of the text's idf-weighted bag of
// tokens, and the cosine of two texts mixes the student's similarity with an approximate TF-IDF cosine. idf is
// BM25's, from the given corpus (formatted as documents); tokens the corpus never shows get 0 (they can match
// nothing). The part is scaled so that its mean norm over the corpus is RHO times the student part's.
// Usage: node --import tsx scripts/experiments/lexical-dims.ts MODEL_DIR CORPUS_JSONL... --out DIR [--k 256] [--rho 1] [--idf-power 1]
import { parseArgs } from 'node:util';
import { createRng } from '../../src/math/rng.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { saveStaticModel } from '../../src/model/formats/saveStaticModel.js';
import { StaticModel } from '../../src/model/StaticModel.js';
import { formatDocument } from '../../src/model/unifiedFormat.js';
import { readJsonlValues } from '../../src/util/jsonl.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    k: { type: 'string', default: '256' },
    rho: { type: 'string', default: '1' },
    'idf-power': { type: 'string', default: '1' },
  },
});
const [modelDir, ...corpora] = positionals;
if (!modelDir || corpora.length === 0 || !values.out) {
  console.error('usage: lexical-dims.ts MODEL_DIR CORPUS_JSONL... --out DIR [--k 256] [--rho 1]');
  process.exit(2);
}
const K = Number(values.k);
const rho = Number(values.rho);
const power = Number(values['idf-power']);
const model = await loadStaticModel(modelDir);
const V = model.tokenizer.vocabSize;
const d = model.dimensions;
const table = model.foldedTable();

const docs: string[] = [];
for (const file of corpora)
  for await (const r of readJsonlValues<{ title?: string; text: string }>(file))
    docs.push(formatDocument(r.text, r.title ?? null));
const df = new Float64Array(V);
const semNorms: number[] = [];
const bags: Int32Array[] = [];
for (let i = 0; i < docs.length; i += 512) {
  const batch = model.tokenize(docs.slice(i, i + 512));
  for (let b = 0; b + 1 < batch.offsets.length; b++) {
    const ids = batch.ids.subarray(batch.offsets[b]!, batch.offsets[b + 1]!);
    bags.push(ids.slice());
    for (const t of new Set(ids)) df[t]!++;
  }
}
const N = bags.length;
const idf = new Float32Array(V);
for (let t = 0; t < V; t++)
  idf[t] = df[t]! > 0 ? Math.log((N - df[t]! + 0.5) / (df[t]! + 0.5) + 1) ** power : 0;

const rng = createRng(1234);
const lex = new Float32Array(V * K);
for (let t = 0; t < V; t++)
  for (let j = 0; j < K; j++) lex[t * K + j] = (idf[t]! * rng.normal()) / Math.sqrt(K);

// Mean norms of both parts' pooled vectors over (a sample of) the corpus, for the balance.
let semSum = 0;
let lexSum = 0;
const sample = bags.filter((_, i) => i % Math.max(1, Math.floor(N / 2000)) === 0);
const s = new Float64Array(d);
const l = new Float64Array(K);
for (const ids of sample) {
  s.fill(0);
  l.fill(0);
  for (const t of ids) {
    for (let j = 0; j < d; j++) s[j]! += table[t * d + j]!;
    for (let j = 0; j < K; j++) l[j]! += lex[t * K + j]!;
  }
  semSum += Math.hypot(...s) / ids.length;
  lexSum += Math.hypot(...l) / ids.length;
  semNorms.push(Math.hypot(...s) / ids.length);
}
const scale = (rho * semSum) / lexSum;
const out = new Float32Array(V * (d + K));
for (let t = 0; t < V; t++) {
  out.set(table.subarray(t * d, (t + 1) * d), t * (d + K));
  for (let j = 0; j < K; j++) out[t * (d + K) + d + j] = lex[t * K + j]! * scale;
}
const widened = new StaticModel({ tokenizer: model.tokenizer, table: out, dim: d + K, config: model.config });
await saveStaticModel(widened, values.out);
console.log(
  JSON.stringify({
    docs: N,
    d,
    K,
    rho,
    scale,
    meanSemNorm: semSum / sample.length,
    meanLexNorm: lexSum / sample.length,
  }),
);
