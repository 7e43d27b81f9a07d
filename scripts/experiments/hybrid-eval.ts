// Evaluates "hybrid BM25 + student" on a local Retrieval task with the project's MTEB evaluator, through the
// library's HybridRetriever (RRF, k = 60, of BM25's and the student's top 1000; the fusion `/v1/search` and
// `gecko distill`'s report use). Prints one JSON line with nDCG@10 and recall@100.
// Usage: node --import tsx scripts/experiments/hybrid-eval.ts <model dir> <task dir>
import { HybridRetriever } from '../../src/eval/embedders/HybridRetriever.js';
import { evaluateTask } from '../../src/eval/evaluateTask.js';
import { promptsFor } from '../../src/eval/prompts.js';
import { taskScore } from '../../src/eval/results.js';
import { loadLocalTask } from '../../src/eval/tasks/loadLocalTask.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';

const [modelDir, taskDir] = process.argv.slice(2);
if (!modelDir || !taskDir) {
  console.error('usage: hybrid-eval.ts <model dir> <task dir>');
  process.exit(2);
}
const task = loadLocalTask(taskDir);
const model = await loadStaticModel(modelDir);
const retriever = new HybridRetriever(model, { task: promptsFor(task.metadata).query ?? 'search result' });
const [result] = await evaluateTask(task, { lexical: retriever });
const entry = Object.values(result!.scores).flat()[0]!;
console.log(
  JSON.stringify({
    task: task.metadata.name,
    model: `hybrid(bm25, ${modelDir})`,
    ndcg_at_10: Number((taskScore(result!) * 100).toFixed(2)),
    recall_at_100: entry.recall_at_100,
  }),
);
