import type { Command } from 'commander';
import { type Corpus, openCorpus } from '../../../corpus/Corpus.js';
import { UsageError } from '../../../errors/UsageError.js';
import { type MineBatchOptions, missingMineCalls } from '../../../fret/batchMine.js';
import { type DatasetManifest, judgePrompts, writeDataset } from '../../../fret/dataset.js';
import type { Judge } from '../../../fret/judge/Judge.js';
import { DEFAULT_MINE, type MineSummary, minePairs } from '../../../fret/mine.js';
import { FretStore } from '../../../fret/store.js';
import type { CachedLanguageModel } from '../../../llm/cache/withLlmCache.js';
import { LlmError } from '../../../llm/errors/LlmError.js';
import type { Reporter } from '../../../util/Reporter.js';
import { contextFrom, parsePositiveInt } from '../../context.js';
import { addHelpEpilogue, type HelpEpilogue } from '../../helpText.js';
import {
  addMineJobOptions,
  type MineJob,
  type MineJobArgs,
  mineJobFrom,
  mineJobOptions,
} from './mineOptions.js';
import { addLlmOptions, cacheLine, type LlmArgs, openLlm, openOffline } from './resources.js';

/** What `gecko fret mine --help` prints after the options. */
const MINE_HELP: HelpEpilogue = {
  notes: [
    'Writes <out>/fret.jsonl and the manifest <out>/dataset.json. Progress is stored per query; rerunning the',
    'same command continues an interrupted job, and other settings start a separate job.',
    'After "fret export-batch --stage mine" and "fret import-batch", the same command with --cache-only ranks',
    'every candidate from the imported answers, with no model call.',
  ],
  examples: [
    'gecko fret mine --llm llama:./m.gguf --out data/fret',
    'gecko fret mine --llm llama:./m.gguf --retriever hybrid --embedder ./models/student',
    'gecko fret mine --run scifact --queries queries.jsonl --judge qrels:qrels/train.tsv --negative random',
    'gecko fret mine --llm openai:https://api.example.com/v1#qwen2.5-7b --judge llm --cache-only',
  ],
};

interface MineArgs extends LlmArgs, MineJobArgs {
  concurrency: string;
  out?: string;
  parquet: boolean;
  cacheOnly: boolean;
}

export function registerMineCommand(fret: Command): void {
  const cmd = fret
    .command('mine')
    .description(
      'FRet step 2: retrieve N candidates per query, rank them with the LLM (QL + RC), pick positive and hard negative',
    );
  addLlmOptions(addMineJobOptions(cmd))
    .option(
      '--cache-only',
      'answer every LLM call from the workspace cache (filled by "fret import-batch"); fail, saying how many calls are missing, instead of calling the model',
      false,
    )
    .option('--concurrency <n>', 'queries in flight at once', String(DEFAULT_MINE.concurrency))
    .option('--out <dir>', 'dataset folder (default: <work>/fret/<run>)')
    .option('--parquet', 'also write fret.parquet', false);
  addHelpEpilogue(cmd, MINE_HELP).action(runMine);
}

async function runMine(args: MineArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const job = mineJobFrom(args);
  const concurrency = parsePositiveInt('--concurrency', args.concurrency);
  if (args.cacheOnly && !args.llm)
    throw new UsageError('--cache-only needs --llm SPEC: the model whose cached answers are used');
  if (args.cacheOnly && !args.cache) throw new UsageError('--cache-only reads the cache: drop --no-cache');
  const corpus = openCorpus(ctx.work);
  let llm: CachedLanguageModel | undefined;
  try {
    await job.importQueries(corpus, ctx.reporter);
    llm = await openMineLlm(args, corpus, ctx.reporter);
    const judge = await job.judgeFor(llm);
    if (judge.scoring === 'graded-judgement') {
      ctx.reporter.warn(
        'the model gives no exact log-probabilities: ranking by graded relevance judgements (recorded as scoring "graded-judgement")',
      );
    }
    const jobOptions = mineJobOptions(job, await job.retriever(corpus, ctx.reporter));
    // Check every pending query first: a clear count of what is missing, rather than a stop at the first.
    if (args.cacheOnly) await requireCachedCalls(corpus, llm as CachedLanguageModel, job, jobOptions);
    const s = await minePairs(corpus, judge, { ...jobOptions, concurrency, reporter: ctx.reporter });
    const outDir = args.out ?? corpus.workspace.path('fret', job.run);
    const m = await writeMineDataset(corpus, judge, { run: job.run, job: s.job }, outDir, args.parquet);
    ctx.print({ ...s, out: outDir, manifest: m, cache: llm?.stats() ?? null }, () =>
      mineLines(s, m, outDir, args.parquet, llm),
    );
  } finally {
    await llm?.close();
    corpus.close();
  }
}

/** The model behind the cache: the cache alone with `--cache-only`, none without `--llm` (a qrels judge). */
async function openMineLlm(
  args: MineArgs,
  corpus: Corpus,
  reporter: Reporter,
): Promise<CachedLanguageModel | undefined> {
  if (args.cacheOnly) return openOffline({ llm: args.llm as string }, corpus.workspace, reporter);
  if (args.llm) return openLlm({ ...args, llm: args.llm }, corpus.workspace, reporter);
  return undefined;
}

/**
 * `--cache-only`: fails before mining when the cache cannot answer every call the pending queries need.
 * @throws LlmError `LLM_OFFLINE` with the count of missing calls and how to fill the cache.
 */
async function requireCachedCalls(
  corpus: Corpus,
  llm: CachedLanguageModel,
  job: MineJob,
  jobOptions: MineBatchOptions,
): Promise<void> {
  const missing = await missingMineCalls(corpus, llm, job.judgeFor, jobOptions);
  if (missing.calls > 0)
    throw new LlmError(
      `--cache-only: ${missing.calls} LLM calls (for ${missing.queries} of ${missing.queries + missing.ready} pending queries) are not in the workspace cache. ` +
        'Export them with "gecko fret export-batch --stage mine" and the same options, import the results with "gecko fret import-batch", and run again.',
      { code: 'LLM_OFFLINE' },
    );
}

/** Writes the mined job's dataset files and manifest (with the judge's prompts) into `outDir`. */
function writeMineDataset(
  corpus: Corpus,
  judge: Judge,
  ids: { run: string; job: string },
  outDir: string,
  parquet: boolean,
): Promise<DatasetManifest> {
  return writeDataset(new FretStore(corpus.workspace), {
    ...ids,
    outDir,
    parquet,
    scoring: judge.scoring,
    prompts: judgePrompts(judge),
  });
}

/** The human summary of a mining run. */
function mineLines(
  s: MineSummary,
  m: DatasetManifest,
  outDir: string,
  parquet: boolean,
  llm: CachedLanguageModel | undefined,
): string {
  return [
    `run ${s.run}, job ${s.job} (shard ${s.shard}): ${m.counts.examples} examples from ${s.items} queries` +
      (s.resumed ? ` (${s.resumed} done before this call)` : ''),
    `scoring: ${m.scoring}; with hard negative: ${m.counts.with_negative}; relabel rate: ${m.relabel.rate === null ? 'n/a' : `${(m.relabel.rate * 100).toFixed(1)}%`}`,
    `failures: ${
      Object.entries(m.failures.mine)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `wrote ${outDir}/fret.jsonl${parquet ? ', fret.parquet' : ''} and dataset.json`,
    ...(llm ? [cacheLine(llm)] : []),
  ].join('\n');
}
