import type { Corpus } from '../corpus/Corpus.js';
import { UsageError } from '../errors/UsageError.js';
import { sha256, stableStringify } from '../util/hash.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import type { Judge, Judgement } from './judge/Judge.js';
import { runPool } from './pool.js';
import { Bm25Retriever, type Retriever } from './retrieve/Retriever.js';
import { type NegativeRule, selectPair } from './selection.js';
import { formatShard, inShard, type Shard, WHOLE } from './shard.js';
import { FretStore, type QueryRow } from './store.js';

/** Options of {@link minePairs} (FRet step 2). */
export interface MineOptions {
  /** The run whose queries are mined. @default 'default' */
  run?: string;
  /** First-stage retriever. @default BM25 over the unified query text */
  retriever?: Retriever;
  /** N: candidates retrieved per query (the seed passage is always among them). @default 20 */
  candidates?: number;
  /** Hard-negative rule. @default { kind: 'nth' } (p_N, Gecko's best setting) */
  negative?: NegativeRule;
  /** Only this shard's items. @default the whole job */
  shard?: Shard;
  /** Items in flight at once (each runs 2N LLM scorings). @default 8 */
  concurrency?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
}

export const DEFAULT_MINE = { run: 'default', candidates: 20, concurrency: 8 } as const;

/** A passage as it appears in a dataset line. */
export interface ExamplePassage {
  id: string;
  title: string | null;
  text: string;
}

/** One line of a FRet dataset. */
export interface FretExample {
  id: string;
  task: string;
  query: string;
  family: string;
  positive: ExamplePassage;
  negative: ExamplePassage | null;
  seed_id: string | null;
  /** The positive is not the seed passage; null when the query has no seed (imported queries). */
  relabeled: boolean | null;
  /** Candidate ids in retriever order; scores and ranks are aligned with it. */
  candidates: string[];
  scores: Record<string, (number | null)[]>;
  ranks: Record<string, number[]>;
  /** Who ranked the candidates (the mining job's settings are in the manifest). */
  llm: { model: string | null; scoring: string };
}

/** Wall-clock milliseconds spent per stage, summed over items (stages of concurrent items overlap). */
export type StageTimes = Record<string, number>;

export interface MineSummary {
  run: string;
  job: string;
  shard: string;
  items: number;
  resumed: number;
  ok: number;
  failed: number;
  failures: Record<string, number>;
  times: StageTimes;
}

/** The settings that define a mining job; their hash names the job, so other settings start a new one. */
export function mineJobConfig(
  judge: Judge,
  retriever: Retriever,
  options: MineOptions,
): Record<string, unknown> {
  const n = options.candidates ?? DEFAULT_MINE.candidates;
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`candidates (N) must be a positive integer, got ${n}`);
  return {
    retriever: retriever.id,
    candidates: n,
    negative: options.negative ?? { kind: 'nth' },
    judge: judge.config,
    shard: formatShard(options.shard ?? WHOLE),
  };
}

/** The job id of a mining configuration (12 hex digits of its hash). */
export function mineJobId(config: Record<string, unknown>): string {
  return `mine-${sha256(stableStringify(config)).slice(0, 12)}`;
}

/**
 * FRet step 2 (Gecko §3.2): for each query of the run, retrieve the top N passages for
 * `task: {task} | query: {query}`, keep the seed passage among them, rank them with the judge, and take
 * p1 as the positive and the rule's hard negative. Each item is recorded when done (a killed job resumes
 * without duplicates); the dataset files are written from the records by `writeDataset`.
 *
 * @throws UsageError for bad options; the judge's and retriever's errors (which stop the job).
 * @example
 * const s = await minePairs(corpus, new LlmJudge(llm), { candidates: 20 });
 */
export async function minePairs(
  corpus: Corpus,
  judge: Judge,
  options: MineOptions = {},
): Promise<MineSummary> {
  const run = options.run ?? DEFAULT_MINE.run;
  const reporter = options.reporter ?? silentReporter;
  const retriever = options.retriever ?? new Bm25Retriever(corpus);
  const config = mineJobConfig(judge, retriever, options);
  const job = mineJobId(config);
  const store = new FretStore(corpus.workspace);
  store.ensureJob(run, job, config);
  const shard = options.shard ?? WHOLE;
  const { queries, finished, todo } = mineWork(store, run, job, shard);
  const times: StageTimes = {};
  const progress = reporter.progress('fret mine', { total: todo.length, unit: 'queries' });
  reporter.info(
    `fret mine: ${queries.length} queries (${queries.length - todo.length} already done), job ${job}`,
  );
  await runPool(
    todo,
    options.concurrency ?? DEFAULT_MINE.concurrency,
    async (q) => {
      await mineOne(corpus, judge, retriever, q, { run, job, config, times, store, signal: options.signal });
      progress.tick();
    },
    options.signal,
  );
  progress.done();
  // Counts only: the examples themselves are read once, by writeDataset.
  const rows = store.exampleOutcomes(run, job);
  const failures: Record<string, number> = {};
  for (const r of rows)
    if (r.status === 'failed') failures[r.reason ?? '?'] = (failures[r.reason ?? '?'] ?? 0) + 1;
  const ok = rows.filter((r) => r.status === 'ok').length;
  return {
    run,
    job,
    shard: formatShard(shard),
    items: queries.length,
    resumed: finished.size,
    ok,
    failed: rows.length - ok,
    failures,
    times,
  };
}

/**
 * The queries of a mining job: those of the run (in the shard), which are finished, and which are still to
 * do. Shared by `minePairs` and the batch export, so both see the same work.
 * @throws UsageError when the run has no queries at all.
 */
export function mineWork(
  store: FretStore,
  run: string,
  job: string,
  shard: Shard,
): { queries: QueryRow[]; finished: Set<string>; todo: QueryRow[] } {
  const queries = store.queries(run, 'ok').filter((q) => inShard(q.item_id, shard));
  if (queries.length === 0 && store.queries(run).length === 0) {
    throw new UsageError(
      `run "${run}" has no queries: run "gecko fret generate" first, or pass --queries FILE`,
    );
  }
  const finished = store.finishedExampleIds(run, job);
  return { queries, finished, todo: queries.filter((q) => !finished.has(q.item_id)) };
}

/**
 * The ids of a query's N candidates in retriever order, with their retrieval scores. Gecko keeps p_seed in
 * the pool (§4.3): when the retriever missed it, it takes the N-th slot. Shared by `minePairs` and the
 * batch export, so a batch is asked about exactly the candidates the live job ranks.
 */
export async function mineCandidateIds(
  retriever: Retriever,
  q: Pick<QueryRow, 'task' | 'query' | 'seed_id'>,
  n: number,
): Promise<{ ids: string[]; retrieval: Map<string, number> }> {
  const hits = await retriever.retrieve({ task: q.task as string, query: q.query as string }, n);
  const retrieval = new Map(hits.map((h) => [h.id, h.score]));
  const ids = hits.slice(0, n).map((h) => h.id);
  if (q.seed_id !== null && !ids.includes(q.seed_id)) {
    if (ids.length >= n) ids[n - 1] = q.seed_id;
    else ids.push(q.seed_id);
  }
  return { ids, retrieval };
}

interface MineContext {
  run: string;
  job: string;
  config: Record<string, unknown>;
  times: StageTimes;
  store: FretStore;
  signal?: AbortSignal;
}

const add = (times: StageTimes, stage: string, ms: number): void => {
  times[stage] = (times[stage] ?? 0) + ms;
};

async function mineOne(
  corpus: Corpus,
  judge: Judge,
  retriever: Retriever,
  q: QueryRow,
  ctx: MineContext,
): Promise<void> {
  const n = ctx.config.candidates as number;
  const task = q.task as string;
  const query = q.query as string;
  const t0 = performance.now();
  const { ids, retrieval } = await mineCandidateIds(retriever, q, n);
  const t1 = performance.now();
  const passages = corpus.getMany(ids);
  const t2 = performance.now();
  add(ctx.times, 'retrieve', t1 - t0);
  add(ctx.times, 'fetch', t2 - t1);
  const fail = (reason: string): void =>
    ctx.store.putExample(ctx.run, ctx.job, {
      item_id: q.item_id,
      status: 'failed',
      reason,
      example: null,
      prompt_tokens: 0,
      completion_tokens: 0,
      scored_tokens: 0,
    });
  if (passages.length === 0) return fail('no-candidates');
  const verdict = await judge.judge({ itemId: q.item_id, task, query, candidates: passages }, ctx.signal);
  const t3 = performance.now();
  if ('skip' in verdict) return fail(verdict.skip);
  for (const [stage, ms] of Object.entries(verdict.timings)) add(ctx.times, stage, ms);
  add(ctx.times, 'judge', t3 - t2);
  const example = buildExample(q, passages, verdict, retrieval, ctx, judge);
  ctx.store.putExample(ctx.run, ctx.job, {
    item_id: q.item_id,
    status: 'ok',
    reason: null,
    example: JSON.stringify(example),
    prompt_tokens: verdict.usage.promptTokens,
    completion_tokens: verdict.usage.completionTokens,
    scored_tokens: verdict.usage.scoredTokens,
  });
  add(ctx.times, 'select+store', performance.now() - t3);
}

function buildExample(
  q: QueryRow,
  passages: readonly ExamplePassage[],
  verdict: Judgement,
  retrieval: Map<string, number>,
  ctx: MineContext,
  judge: Judge,
): FretExample {
  const negativeRule = ctx.config.negative as NegativeRule;
  const pick = selectPair(verdict.order, negativeRule, q.item_id);
  const asPassage = (i: number): ExamplePassage => {
    const p = passages[i] as ExamplePassage;
    return { id: p.id, title: p.title, text: p.text };
  };
  const positive = asPassage(pick.positive);
  const clean = (xs: number[]): (number | null)[] => xs.map((x) => (Number.isFinite(x) ? x : null));
  return {
    id: `${ctx.run}/${q.item_id}`,
    task: q.task as string,
    query: q.query as string,
    family: q.family,
    positive,
    negative: pick.negative === null ? null : asPassage(pick.negative),
    seed_id: q.seed_id,
    relabeled: q.seed_id === null ? null : positive.id !== q.seed_id,
    candidates: passages.map((p) => p.id),
    scores: {
      ...Object.fromEntries(Object.entries(verdict.scores).map(([k, v]) => [k, clean(v)])),
      retriever: passages.map((p) => retrieval.get(p.id) ?? null),
    },
    ranks: verdict.ranks,
    llm: { model: (judge.config.llm as string | undefined) ?? null, scoring: judge.scoring },
  };
}
