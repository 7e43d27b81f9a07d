/**
 * `npm run bench -- eval [--model DIR] [--repeat N] [--only suite|scoring]`: evaluation speed on the visible
 * suite (the four tasks of ../shared/data/mteb).
 * 1. Wall time of the whole suite, cold (no embedding cache): BM25 (Retrieval tasks only), the hashed
 *    bag-of-words baseline at 256 and 64 dimensions, and a student model folder when `--model` is given
 *    (a gecko/model2vec static model); then the student again with a warm workspace embedding cache.
 * 2. Retrieval scoring throughput on SciFact (query-document pairs scored, top 1000 selected, per second):
 *    `denseTopK` (the project's WebAssembly SIMD GEMM, then a bounded-heap top-k) against a naive loop (cosine per
 *    pair on plain arrays, full sort of each query's scores), on the same embeddings, checked to give the
 *    same nDCG@10.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bm25Retriever } from '../src/eval/embedders/Bm25Retriever.js';
import { CachedEmbedder } from '../src/eval/embedders/CachedEmbedder.js';
import { HashedBowEmbedder } from '../src/eval/embedders/HashedBowEmbedder.js';
import { createTaskEncoders, type Matrix, normalizedRows } from '../src/eval/encoder.js';
import { type EvalModel, evaluateTask, supportsTask } from '../src/eval/evaluateTask.js';
import { compareCodePoints } from '../src/eval/metrics/compareIds.js';
import { type Run, scoreRun } from '../src/eval/metrics/trecEval.js';
import { denseTopK } from '../src/eval/ml/denseSearch.js';
import { taskScore } from '../src/eval/results.js';
import { resolveTasks } from '../src/eval/tasks/resolveTasks.js';
import type { SplitDataOf } from '../src/eval/taskTypes/registry.js';
import type { Embedder } from '../src/model/Embedder.js';
import { loadStaticModel } from '../src/model/formats/loadStaticModel.js';
import { openWorkspace } from '../src/workspace/Workspace.js';
import { argValue, printTable, sharedDataDir } from './table.js';

interface SuiteTiming {
  seconds: number;
  tasks: number;
  mean: number;
}

async function suite(model: EvalModel, dims: (number | null)[]): Promise<SuiteTiming> {
  const tasks = await resolveTasks([], { data: join(sharedDataDir(), 'mteb') });
  const t0 = performance.now();
  const scores: number[] = [];
  for (const task of tasks) {
    if (!supportsTask(model, task.metadata)) continue;
    const rs = await evaluateTask(task, model, { dims });
    scores.push(taskScore(rs[0] as (typeof rs)[number]) * 100);
  }
  return {
    seconds: (performance.now() - t0) / 1000,
    tasks: scores.length,
    mean: scores.reduce((a, b) => a + b, 0) / scores.length,
  };
}

async function suiteTable(student: Embedder | null): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  const add = (name: string, r: SuiteTiming): void => {
    rows.push({ model: name, tasks: r.tasks, 'wall s': r.seconds, 'mean main score': r.mean });
  };
  add('bm25 (Retrieval only)', await suite({ lexical: new Bm25Retriever() }, [null]));
  add(
    'hashed-bow baseline, dims 256,64',
    await suite({ embedder: new HashedBowEmbedder({ dimensions: 256 }) }, [256, 64]),
  );
  if (student) {
    add(`student ${student.id}, dims 256,64 (cold)`, await suite({ embedder: student }, [256, 64]));
    const dir = mkdtempSync(join(tmpdir(), 'gecko-bench-eval-'));
    const ws = openWorkspace(dir);
    const cached = new CachedEmbedder(student, ws);
    await suite({ embedder: cached }, [256, 64]);
    add('student, rerun with a warm embedding cache', await suite({ embedder: cached }, [256, 64]));
    ws.close();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable('Visible suite (4 tasks in shared/data/mteb): wall time', rows);
}

/** The baseline: one cosine per pair on plain arrays, every query's scores fully sorted. */
function naiveTopK(
  q: number[][],
  d: number[][],
  dIds: string[],
  k: number,
): { id: string; score: number }[][] {
  return q.map((qv) => {
    const scored: { id: string; score: number }[] = [];
    d.forEach((dv, j) => {
      let dot = 0;
      let nq = 0;
      let nd = 0;
      for (let t = 0; t < qv.length; t++) {
        dot += (qv[t] as number) * (dv[t] as number);
        nq += (qv[t] as number) ** 2;
        nd += (dv[t] as number) ** 2;
      }
      scored.push({ id: dIds[j] as string, score: Math.fround(dot / (Math.sqrt(nq) * Math.sqrt(nd))) });
    });
    scored.sort((a, b) => b.score - a.score || compareCodePoints(b.id, a.id));
    return scored.slice(0, k);
  });
}

function best<T>(repeat: number, fn: () => T): { seconds: number; out: T } {
  let seconds = Number.POSITIVE_INFINITY;
  let out: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    out = fn();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, out: out as T };
}

async function scoringTable(embedder: Embedder, repeat: number): Promise<void> {
  const [task] = await resolveTasks(['SciFact'], { data: join(sharedDataDir(), 'mteb') });
  const data = (await task?.load('train')) as SplitDataOf<'Retrieval' | 'Reranking'>;
  const queries = data.queries.filter((q) => data.qrels[q.id]);
  const [enc] = createTaskEncoders(embedder, [256], { prompts: { query: 'fact checking' } });
  const qm = (await enc?.encode(
    queries.map((q) => q.text),
    'query',
  )) as Matrix;
  const dm = (await enc?.encode(
    data.corpus.map((d) => ({ title: d.title, text: d.text })),
    'document',
  )) as Matrix;
  const qIds = queries.map((q) => q.id);
  const dIds = data.corpus.map((d) => d.id);
  const pairs = qm.n * dm.n;
  // Timed: normalisation, every query-document score, the top-1000 selection. Not timed: building the
  // trec_eval run objects, which both would share.
  const fast = best(repeat, () => denseTopK(normalizedRows(qm), normalizedRows(dm), 256, dIds, 1000));
  const rows = (m: Matrix): number[][] =>
    Array.from({ length: m.n }, (_, i) => Array.from(m.data.subarray(i * m.dims, (i + 1) * m.dims)));
  const qa = rows(qm);
  const da = rows(dm);
  const naive = best(repeat, () => naiveTopK(qa, da, dIds, 1000));
  const fastRun: Run = {};
  fast.out.forEach((h, i) => {
    fastRun[qIds[i] as string] = Object.fromEntries(
      Array.from(h.docs, (doc, j) => [dIds[doc] as string, h.scores[j] as number]),
    );
  });
  const naiveRun: Run = {};
  naive.out.forEach((hits, i) => {
    naiveRun[qIds[i] as string] = Object.fromEntries(hits.map((h) => [h.id, h.score]));
  });
  const nFast = scoreRun(data.qrels, fastRun).ndcg_at_10 as number;
  const nNaive = scoreRun(data.qrels, naiveRun).ndcg_at_10 as number;
  printTable(
    `SciFact retrieval scoring (${qm.n} queries x ${dm.n} docs, ${embedder.id} at 256d, best of ${repeat})`,
    [
      {
        scorer: 'naive loop (baseline)',
        seconds: naive.seconds,
        'pairs/s': Math.round(pairs / naive.seconds),
        'ndcg@10': nNaive,
        speedup: 1,
      },
      {
        scorer: 'denseTopK (WASM SIMD GEMM + heap top-k)',
        seconds: fast.seconds,
        'pairs/s': Math.round(pairs / fast.seconds),
        'ndcg@10': nFast,
        speedup: naive.seconds / fast.seconds,
      },
    ],
  );
  if (nFast !== nNaive) console.log(`note: float32 summation order differs; nDCG@10 ${nFast} vs ${nNaive}`);
}

export async function run(args: string[]): Promise<void> {
  const modelDir = argValue(args, '--model');
  const repeat = Number(argValue(args, '--repeat') ?? 3);
  const only = argValue(args, '--only');
  const student: Embedder | null = modelDir ? await loadStaticModel(modelDir) : null;
  if (only !== 'scoring') await suiteTable(student);
  if (only !== 'suite') await scoringTable(student ?? new HashedBowEmbedder({ dimensions: 256 }), repeat);
}
