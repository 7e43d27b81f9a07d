import { join } from 'node:path';
import { Bm25Retriever } from '../eval/embedders/Bm25Retriever.js';
import { HybridRetriever } from '../eval/embedders/HybridRetriever.js';
import { rememberRuns } from '../eval/embedders/rememberRuns.js';
import { evaluateTask } from '../eval/evaluateTask.js';
import { type TaskResult, taskScore, writeResults } from '../eval/results.js';
import type { TaskDefinition } from '../eval/tasks/defineTask.js';
import { loadLocalTask } from '../eval/tasks/loadLocalTask.js';
import { resolveTasks } from '../eval/tasks/resolveTasks.js';
import { loadStaticModel } from '../model/formats/loadStaticModel.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import type { Reporter } from '../util/Reporter.js';
import type { DistillConfig } from './config.js';

/** One row of `scores.json`: a model's main score on a task at a size (×100 as MTEB tables print). */
export interface ScoreRow {
  task: string;
  type: string;
  model: 'student' | 'bm25' | 'hybrid';
  dimensions: number | null;
  metric: string;
  score: number;
}

/** What the eval stage wrote. */
export interface EvalOutput {
  rows: ScoreRow[];
  files: { scores: string; results: string; all: string };
}

/** `results.json`: every TaskResult of the run, for the report's chart and tables. */
export interface EvalResults {
  student: TaskResult[];
  bm25: TaskResult[];
  /** BM25 + student (full size) fused by reciprocal rank, as `/v1/search` serves by default. */
  hybrid: TaskResult[];
}

/**
 * Evaluates the student at each Matryoshka size, and on the retrieval tasks BM25 (the baseline) and the hybrid
 * of BM25 and the student (the default of `/v1/search`): on the
 * held-out tasks the distillation wrote, plus any configured tasks (local folders under `eval.data`, or
 * built-in MTEB tasks, downloaded on first use). Results go out in the MTEB results schema.
 */
export async function evaluateStudent(
  config: DistillConfig,
  modelDir: string,
  heldOutTaskDirs: readonly string[],
  outDir: string,
  reporter: Reporter,
): Promise<EvalOutput> {
  const tasks: TaskDefinition[] = heldOutTaskDirs.map((d) => loadLocalTask(d));
  if (config.eval.tasks.length > 0) {
    tasks.push(
      ...(await resolveTasks(config.eval.tasks, {
        ...(config.eval.data ? { data: config.eval.data } : {}),
        hub: { reporter },
      })),
    );
  }
  const model = await loadStaticModel(modelDir, { reporter });
  const dims = [...new Set(config.eval.dims)].sort((a, b) => b - a);
  const student: TaskResult[] = [];
  const bm25: TaskResult[] = [];
  const hybrid: TaskResult[] = [];
  for (const task of tasks) {
    reporter.info(`eval: ${task.metadata.name} (${task.metadata.type})`);
    student.push(...(await evaluateTask(task, { embedder: model }, { dims, seed: config.seed, reporter })));
    if (config.eval.bm25 && task.metadata.type === 'Retrieval') {
      // One BM25 run per task serves both rows: BM25 alone, and the BM25 side of the hybrid.
      const lexical = rememberRuns(new Bm25Retriever({ reporter }));
      bm25.push(...(await evaluateTask(task, { lexical }, { reporter })));
      // The hybrid's queries get the task's own prompt, as the student's do.
      const fused = new HybridRetriever(model, { reporter, lexical });
      hybrid.push(...(await evaluateTask(task, { lexical: fused }, { reporter })));
    }
  }
  const resultsDir = join(outDir, 'results');
  await writeResults(resultsDir, [...student, ...bm25, ...hybrid]);
  const rows: ScoreRow[] = [
    ...student.map((r) => row(r, 'student')),
    ...bm25.map((r) => row(r, 'bm25')),
    ...hybrid.map((r) => row(r, 'hybrid')),
  ];
  const scores = join(outDir, 'scores.json');
  await atomicWriteFile(scores, `${JSON.stringify(rows, null, 2)}\n`);
  const all = join(outDir, 'results.json');
  await atomicWriteFile(all, `${JSON.stringify({ student, bm25, hybrid } satisfies EvalResults)}\n`);
  return { rows, files: { scores, results: resultsDir, all } };
}

function row(r: TaskResult, model: ScoreRow['model']): ScoreRow {
  return {
    task: r.task_name,
    type: r.gecko.task_type ?? '',
    model,
    dimensions: r.gecko.dimensions,
    metric: r.gecko.main_score_name,
    score: Number((taskScore(r) * 100).toFixed(2)),
  };
}
