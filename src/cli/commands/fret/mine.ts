import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { UsageError } from '../../../errors/UsageError.js';
import { missingMineCalls } from '../../../fret/batchMine.js';
import { writeDataset } from '../../../fret/dataset.js';
import { DEFAULT_MINE, minePairs } from '../../../fret/mine.js';
import type { PromptTemplate } from '../../../fret/prompts.js';
import { FretStore } from '../../../fret/store.js';
import type { CachedLanguageModel } from '../../../llm/cache/withLlmCache.js';
import { LlmError } from '../../../llm/errors/LlmError.js';
import { contextFrom, parsePositiveInt } from '../../context.js';
import { addMineJobOptions, type MineJobArgs, mineJobFrom } from './mineOptions.js';
import { addLlmOptions, cacheLine, type LlmArgs, openLlm, openOffline } from './resources.js';

interface MineArgs extends LlmArgs, MineJobArgs {
  concurrency: string;
  out?: string;
  parquet: boolean;
  cacheOnly: boolean;
}

export function registerMineCommand(fret: Command): void {
  addLlmOptions(
    addMineJobOptions(
      fret
        .command('mine')
        .description(
          'FRet step 2: retrieve N candidates per query, rank them with the LLM (QL + RC), pick positive and hard negative',
        ),
    ),
  )
    .option(
      '--cache-only',
      'answer every LLM call from the workspace cache (filled by "fret import-batch"); fail, saying how many calls are missing, instead of calling the model',
      false,
    )
    .option('--concurrency <n>', 'queries in flight at once', String(DEFAULT_MINE.concurrency))
    .option('--out <dir>', 'dataset folder (default: <work>/fret/<run>)')
    .option('--parquet', 'also write fret.parquet', false)
    .addHelpText(
      'after',
      '\nWrites <out>/fret.jsonl and the manifest <out>/dataset.json. Progress is stored per query; rerunning the\n' +
        'same command continues an interrupted job, and other settings start a separate job.\n' +
        'After "fret export-batch --stage mine" and "fret import-batch", the same command with --cache-only ranks\n' +
        'every candidate from the imported answers, with no model call.\n\n' +
        'Examples:\n' +
        '  $ gecko fret mine --llm llama:./m.gguf --out data/fret\n' +
        '  $ gecko fret mine --llm llama:./m.gguf --retriever hybrid --embedder ./models/student\n' +
        '  $ gecko fret mine --run scifact --queries queries.jsonl --judge qrels:qrels/train.tsv --negative random\n' +
        '  $ gecko fret mine --llm openai:https://api.example.com/v1#qwen2.5-7b --judge llm --cache-only',
    )
    .action(async (args: MineArgs, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const job = mineJobFrom(args);
      const concurrency = parsePositiveInt('--concurrency', args.concurrency);
      if (args.cacheOnly && !args.llm)
        throw new UsageError('--cache-only needs --llm SPEC: the model whose cached answers are used');
      if (args.cacheOnly && !args.cache)
        throw new UsageError('--cache-only reads the cache: drop --no-cache');
      const corpus = openCorpus(ctx.work);
      let llm: CachedLanguageModel | undefined;
      try {
        await job.importQueries(corpus, ctx.reporter);
        if (args.cacheOnly)
          llm = await openOffline({ llm: args.llm as string }, corpus.workspace, ctx.reporter);
        else if (args.llm) llm = await openLlm({ ...args, llm: args.llm }, corpus.workspace, ctx.reporter);
        const judge = await job.judgeFor(llm);
        if (judge.scoring === 'graded-judgement') {
          ctx.reporter.warn(
            'the model gives no exact log-probabilities: ranking by graded relevance judgements (recorded as scoring "graded-judgement")',
          );
        }
        const retriever = await job.retriever(corpus, ctx.reporter);
        const jobOptions = {
          run: job.run,
          retriever,
          candidates: job.candidates,
          negative: job.negative,
          shard: job.shard,
        };
        if (args.cacheOnly) {
          // Check every pending query first: a clear count of what is missing, rather than a stop at the first.
          const missing = await missingMineCalls(
            corpus,
            llm as CachedLanguageModel,
            job.judgeFor,
            jobOptions,
          );
          if (missing.calls > 0)
            throw new LlmError(
              `--cache-only: ${missing.calls} LLM calls (for ${missing.queries} of ${missing.queries + missing.ready} pending queries) are not in the workspace cache. ` +
                'Export them with "gecko fret export-batch --stage mine" and the same options, import the results with "gecko fret import-batch", and run again.',
              { code: 'LLM_OFFLINE' },
            );
        }
        const s = await minePairs(corpus, judge, {
          ...jobOptions,
          concurrency,
          reporter: ctx.reporter,
        });
        const prompts: Record<string, { source: string; sha256: string }> = {};
        for (const p of (judge as { prompts?: PromptTemplate[] }).prompts ?? [])
          prompts[p.role] = { source: p.source, sha256: p.sha256 };
        const outDir = args.out ?? corpus.workspace.path('fret', job.run);
        const m = await writeDataset(new FretStore(corpus.workspace), {
          run: job.run,
          job: s.job,
          outDir,
          parquet: args.parquet,
          scoring: judge.scoring,
          prompts,
        });
        ctx.print({ ...s, out: outDir, manifest: m, cache: llm?.stats() ?? null }, () =>
          [
            `run ${s.run}, job ${s.job} (shard ${s.shard}): ${m.counts.examples} examples from ${s.items} queries` +
              (s.resumed ? ` (${s.resumed} done before this call)` : ''),
            `scoring: ${m.scoring}; with hard negative: ${m.counts.with_negative}; relabel rate: ${m.relabel.rate === null ? 'n/a' : `${(m.relabel.rate * 100).toFixed(1)}%`}`,
            `failures: ${
              Object.entries(m.failures.mine)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ') || 'none'
            }`,
            `wrote ${outDir}/fret.jsonl${args.parquet ? ', fret.parquet' : ''} and dataset.json`,
            ...(llm ? [cacheLine(llm)] : []),
          ].join('\n'),
        );
      } finally {
        await llm?.close();
        corpus.close();
      }
    });
}
