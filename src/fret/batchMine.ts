import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Corpus } from '../corpus/Corpus.js';
import { UsageError } from '../errors/UsageError.js';
import { type BatchRequestLine, BatchRequestStore, batchRequestFor } from '../llm/batch/batchRequests.js';
import { type BatchResultsSummary, importBatchResults } from '../llm/batch/importBatchResults.js';
import { DEFERRED, type RecordedCall, RecordingModel } from '../llm/batch/RecordingModel.js';
import { LlmCacheTable } from '../llm/cache/LlmCacheTable.js';
import { withLlmCache } from '../llm/cache/withLlmCache.js';
import { isLlmError } from '../llm/errors/LlmError.js';
import type { LanguageModel } from '../llm/types.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import { writeJsonl } from './dataset.js';
import type { Judge } from './judge/Judge.js';
import {
  DEFAULT_MINE,
  type MineOptions,
  mineCandidateIds,
  mineJobConfig,
  mineJobId,
  mineWork,
} from './mine.js';
import { Bm25Retriever, type Retriever } from './retrieve/Retriever.js';
import { WHOLE } from './shard.js';
import { FretStore, type QueryRow } from './store.js';

/**
 * FRet step 2 on a provider's batch infrastructure. The export runs the mining job's own code (retrieval,
 * the seed rule, the judge's prompts) against a model that records calls instead of answering them, behind
 * the workspace LLM cache in read-only mode: what it records is exactly what a live `gecko fret mine` would
 * still ask the model, and each call becomes the request body the live OpenAI-compatible provider would
 * send. The import reads each answer with the live provider's code into the LLM cache, under the key the
 * live cached model looks up. `gecko fret mine` with the same options then ranks, selects and records
 * every example through its usual code, from the cache, with no model call (`--cache-only` guarantees it).
 *
 * Why through the cache rather than ranking in the import: all ranking and recording code stays in one
 * place, a half-imported job can be finished live or by another batch, and answers the provider failed or
 * the LLM layer rejected are simply still missing from the cache, so the next export sends exactly those
 * (the graded judge's next seed included).
 */

/** Custom ids of step-2 requests start with this (`fret-mine-score/…`, `fret-mine-chat/…`). */
export const MINE_BATCH_PREFIX = 'fret-mine';

/** Builds the judge a mining job uses over a given model (e.g. `(llm) => createJudge('llm', llm, opts)`). */
export type JudgeFactory = (llm: LanguageModel) => Promise<Judge>;

/** Options of {@link exportMineBatch} and {@link missingMineCalls}: those of the mining job. */
export type MineBatchOptions = Omit<MineOptions, 'concurrency' | 'signal'>;

/** What {@link exportMineBatch} wrote. */
export interface MineBatchExport {
  run: string;
  job: string;
  /** Request lines written. */
  requests: number;
  /** Queries with requests in the file. */
  queries: number;
  /** Queries whose calls are all in the cache already: `gecko fret mine` ranks them with no model call. */
  ready: number;
  /** Queries the job has already recorded. */
  finished: number;
}

interface Plan {
  run: string;
  job: string;
  config: Record<string, unknown>;
  store: FretStore;
  finished: Set<string>;
  todo: QueryRow[];
  recorder: RecordingModel;
  judge: Judge;
  retriever: Retriever;
  corpus: Corpus;
  reporter: Reporter;
}

/** The job as `minePairs` would see it, with its judge built over a recording model behind the cache. */
async function openPlan(
  corpus: Corpus,
  model: Pick<LanguageModel, 'id' | 'capabilities'>,
  judgeFor: JudgeFactory,
  options: MineBatchOptions,
): Promise<Plan> {
  // `--judge auto` asks the model what it supports: the live model answers that (one probe), nothing else.
  const recorder = new RecordingModel(model.id, { capabilities: () => model.capabilities() });
  const judge = await judgeFor(withLlmCache(recorder, corpus.workspace, { readOnly: true }));
  if (judge.scoring === 'qrels')
    throw new UsageError('the qrels judge makes no LLM calls: run "gecko fret mine" directly');
  const retriever = options.retriever ?? new Bm25Retriever(corpus);
  const config = mineJobConfig(judge, retriever, options);
  const job = mineJobId(config);
  const run = options.run ?? DEFAULT_MINE.run;
  const store = new FretStore(corpus.workspace);
  const { finished, todo } = mineWork(store, run, job, options.shard ?? WHOLE);
  const reporter = options.reporter ?? silentReporter;
  return { run, job, config, store, finished, todo, recorder, judge, retriever, corpus, reporter };
}

/** Per pending query, the model calls its judgement still needs (none: it can be mined from the cache). */
async function* plannedCalls(p: Plan): AsyncGenerator<{ q: QueryRow; calls: RecordedCall[] }> {
  const progress = p.reporter.progress('fret batch plan', { total: p.todo.length, unit: 'queries' });
  const n = p.config.candidates as number;
  for (const q of p.todo) {
    const { ids } = await mineCandidateIds(p.retriever, q, n);
    const candidates = p.corpus.getMany(ids);
    if (candidates.length > 0) {
      const input = { itemId: q.item_id, task: q.task as string, query: q.query as string, candidates };
      try {
        await p.judge.judge(input);
      } catch (e) {
        if (!isLlmError(e, DEFERRED)) throw e;
      }
    }
    progress.tick();
    yield { q, calls: p.recorder.take() };
  }
  progress.done();
}

/**
 * Writes the OpenAI Batch API requests (`/v1/completions` echo scoring for the LLM judge,
 * `/v1/chat/completions` for the graded judge) of every call the mining job still needs.
 *
 * @param model the live model the job will run with (an `openai:` model; only its id, and its
 *   capabilities for an `auto` judge, are used).
 * @throws UsageError for a non-OpenAI model, the qrels judge, bad options or a run without queries.
 * @example
 * const llm = await createLanguageModel('openai:https://api.example.com/v1#qwen2.5-7b');
 * await exportMineBatch(corpus, llm, (m) => createJudge('llm', m), 'requests.jsonl', { candidates: 20 });
 */
export async function exportMineBatch(
  corpus: Corpus,
  model: Pick<LanguageModel, 'id' | 'capabilities'>,
  judgeFor: JudgeFactory,
  outFile: string,
  options: MineBatchOptions = {},
): Promise<MineBatchExport> {
  const p = await openPlan(corpus, model, judgeFor, options);
  p.store.ensureJob(p.run, p.job, p.config);
  const requests = new BatchRequestStore(corpus.workspace);
  const cache = new LlmCacheTable(corpus.workspace);
  const exportId = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const label = JSON.stringify({ run: p.run, job: p.job });
  const out = { run: p.run, job: p.job, requests: 0, queries: 0, ready: 0, finished: p.finished.size };
  const register = corpus.workspace.db.transaction((built: ReturnType<typeof batchRequestFor>[]) =>
    built.filter((b) => requests.register(exportId, b.line, b.meta, model.id, label)),
  );
  async function* lines(): AsyncGenerator<BatchRequestLine> {
    for await (const { calls } of plannedCalls(p)) {
      if (calls.length === 0) {
        out.ready++;
        continue;
      }
      out.queries++;
      for (const b of register(calls.map((c) => batchRequestFor(model.id, c, MINE_BATCH_PREFIX, cache)))) {
        out.requests++;
        yield b.line;
      }
    }
  }
  await writeJsonl(outFile, lines());
  if (out.requests > 0)
    p.store.logBatch(p.run, p.job, {
      action: 'export',
      file: resolve(outFile),
      counts: { requests: out.requests, queries: out.queries },
    });
  return out;
}

/**
 * Counts the model calls the mining job still needs that the cache cannot answer (what `--cache-only`
 * checks before it starts): zero means `minePairs` will make no model call.
 * @throws as {@link exportMineBatch}.
 */
export async function missingMineCalls(
  corpus: Corpus,
  model: Pick<LanguageModel, 'id' | 'capabilities'>,
  judgeFor: JudgeFactory,
  options: MineBatchOptions = {},
): Promise<{ calls: number; queries: number; ready: number }> {
  const p = await openPlan(corpus, model, judgeFor, options);
  const out = { calls: 0, queries: 0, ready: 0 };
  for await (const { calls } of plannedCalls(p)) {
    if (calls.length === 0) out.ready++;
    else out.queries++;
    out.calls += calls.length;
  }
  return out;
}

/**
 * Reads a Batch API output file of step-2 requests into the workspace LLM cache, and logs it on each
 * mining job it answers (the dataset manifest lists it).
 * @throws InputError naming `file:line` and the field for a malformed or foreign line.
 */
export async function importMineBatch(corpus: Corpus, resultsFile: string): Promise<BatchResultsSummary> {
  const summary = await importBatchResults(corpus.workspace, resultsFile);
  const store = new FretStore(corpus.workspace);
  for (const [label, counts] of Object.entries(summary.labels)) {
    const { run, job } = JSON.parse(label) as { run: string; job: string };
    store.logBatch(run, job, { action: 'import', file: resolve(resultsFile), counts: { ...counts } });
  }
  return summary;
}
