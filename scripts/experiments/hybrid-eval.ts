// Evaluates "hybrid BM25 + student" on a local Retrieval task with the project's MTEB evaluator: a
// LexicalRetriever whose run is the reciprocal-rank fusion (RRF, k = 60) of BM25's top 1000 and the
// student's top 1000 (cosine, Gecko unified format: query `task: {prompt} | query: …`, documents
// `title: … | text: …`). Prints one JSON line with nDCG@10 and the other scores.
// Usage: node --import tsx scripts/experiments/hybrid-eval.ts <model dir> <task dir> [rrf k]
import { Bm25Retriever } from '../../src/eval/embedders/Bm25Retriever.js';
import { evaluateTask } from '../../src/eval/evaluateTask.js';
import type { LexicalRetriever } from '../../src/eval/evaluators/retrieval.js';
import type { Run } from '../../src/eval/metrics/trecEval.js';
import { taskScore } from '../../src/eval/results.js';
import { loadLocalTask } from '../../src/eval/tasks/loadLocalTask.js';
import type { RetrievalDoc } from '../../src/eval/tasks/taskData.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import type { StaticModel } from '../../src/model/StaticModel.js';

const [modelDir, taskDir, kArg] = process.argv.slice(2);
if (!modelDir || !taskDir) {
  console.error('usage: hybrid-eval.ts <model dir> <task dir> [rrf k]');
  process.exit(2);
}
const rrfK = Number(kArg ?? 60);
const task = loadLocalTask(taskDir);
const prompt = task.metadata.prompt ?? 'search result';

function topK(scores: Float32Array, ids: readonly string[], k: number): Record<string, number> {
  const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || (ids[a]! < ids[b]! ? -1 : 1));
  return Object.fromEntries(order.slice(0, k).map((i) => [ids[i]!, scores[i]!]));
}

function rank(row: Record<string, number>): Map<string, number> {
  const ids = Object.keys(row).sort((a, b) => row[b]! - row[a]! || (a < b ? -1 : 1));
  return new Map(ids.map((id, i) => [id, i + 1]));
}

class HybridRetriever implements LexicalRetriever {
  readonly id: string;
  constructor(private readonly model: StaticModel) {
    this.id = `hybrid(bm25,${model.id},rrf${rrfK})`;
  }
  async retrieve(corpus: readonly RetrievalDoc[], queries: { id: string; text: string }[], k: number) {
    const lexical = await new Bm25Retriever().retrieve(corpus, queries, k);
    const docs = await this.model.embed(
      corpus.map((d) => ({ text: d.text, title: d.title || null })),
      { kind: 'document' },
    );
    const qs = await this.model.embed(
      queries.map((q) => q.text),
      { kind: 'query', task: prompt },
    );
    const ids = corpus.map((d) => d.id);
    const run: Run = {};
    for (const [qi, q] of queries.entries()) {
      const v = qs[qi]!;
      const s = new Float32Array(docs.length);
      for (const [di, d] of docs.entries()) {
        let dot = 0;
        for (let c = 0; c < v.length; c++) dot += v[c]! * d[c]!;
        s[di] = dot;
      }
      const fused = new Map<string, number>();
      for (const r of [rank(lexical[q.id] ?? {}), rank(topK(s, ids, k))])
        for (const [id, r0] of r) fused.set(id, (fused.get(id) ?? 0) + 1 / (rrfK + r0));
      run[q.id] = Object.fromEntries([...fused].sort((a, b) => b[1] - a[1]).slice(0, k));
    }
    return run;
  }
}

const model = await loadStaticModel(modelDir);
const [result] = await evaluateTask(task, { lexical: new HybridRetriever(model) });
const entry = Object.values(result!.scores).flat()[0]!;
console.log(
  JSON.stringify({
    task: task.metadata.name,
    model: `hybrid(bm25, ${modelDir})`,
    ndcg_at_10: Number((taskScore(result!) * 100).toFixed(2)),
    recall_at_100: entry.recall_at_100,
  }),
);
