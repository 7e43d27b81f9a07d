import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { UsageError } from '../../../errors/UsageError.js';
import { writeDataset } from '../../../fret/dataset.js';
import { importQueries } from '../../../fret/importQueries.js';
import { createJudge } from '../../../fret/judge/createJudge.js';
import { DEFAULT_LABELS } from '../../../fret/judge/LlmJudge.js';
import { DEFAULT_MINE, minePairs } from '../../../fret/mine.js';
import type { PromptTemplate } from '../../../fret/prompts.js';
import { parseShard } from '../../../fret/shard.js';
import { FretStore } from '../../../fret/store.js';
import type { CachedLanguageModel } from '../../../llm/cache/withLlmCache.js';
import { contextFrom, parsePositiveInt } from '../../context.js';
import {
  addLlmOptions,
  cacheLine,
  type LlmArgs,
  openLlm,
  openRetriever,
  parseNegativeRule,
  parseNumber,
} from './resources.js';

interface MineArgs extends LlmArgs {
  run: string;
  judge: string;
  queries?: string;
  task?: string;
  retriever: string;
  studentSteps: string;
  studentDim: string;
  studentTokenizer?: string;
  embedder?: string;
  embedderKeyEnv?: string;
  bm25Text: string;
  rrfK: string;
  candidates: string;
  negative: string;
  labels?: string;
  rcScore: string;
  fusionK: string;
  qlPrompt?: string;
  rcPrompt?: string;
  gradedPrompt?: string;
  maxPassageChars: string;
  shard?: string;
  concurrency: string;
  out?: string;
  parquet: boolean;
}

export function registerMineCommand(fret: Command): void {
  addLlmOptions(fret.command('mine'))
    .description(
      'FRet step 2: retrieve N candidates per query, rank them with the LLM (QL + RC), pick positive and hard negative',
    )
    .option('--run <name>', 'run whose queries are mined', DEFAULT_MINE.run)
    .option('--llm <spec>', 'language model that ranks the candidates (not needed with --judge qrels:FILE)')
    .option(
      '--judge <kind>',
      'auto | llm (QL+RC log-probabilities) | graded (fallback without log-probabilities) | qrels:FILE',
      'auto',
    )
    .option(
      '--queries <file>',
      'import existing queries (BEIR queries.jsonl: _id, text, optional task and seed_id) instead of generated ones',
    )
    .option('--task <text>', 'task description of imported queries without one', 'search result')
    .option(
      '--retriever <kind>',
      "bm25 | dense | hybrid (RRF of both) | student (train a quick static student on the run's (query, seed) pairs first, as the paper does)",
      'bm25',
    )
    .option('--student-steps <n>', 'training steps of the quick student', '300')
    .option('--student-dim <d>', 'embedding size of the quick student', '128')
    .option(
      '--student-tokenizer <file>',
      'tokenizer.json for the quick student (default: WordPiece trained on the corpus)',
    )
    .option(
      '--embedder <spec>',
      'embedder of the dense retriever: openai:BASE_URL#model, or a static model folder / repo id',
    )
    .option(
      '--embedder-key-env <name>',
      'environment variable holding the embeddings API key',
      'OPENAI_API_KEY',
    )
    .option(
      '--bm25-text <kind>',
      'BM25 searches the unified "task: … | query: …" text, or the query alone',
      'unified',
    )
    .option('--rrf-k <k>', 'RRF constant of the hybrid retriever', '60')
    .option(
      '-n, --candidates <n>',
      'N: candidates per query (the seed passage is always included)',
      String(DEFAULT_MINE.candidates),
    )
    .option('--negative <rule>', 'hard negative: nth (p_N), nth:K, random (from P minus p1), none', 'nth')
    .option('--labels <list>', `relevance labels, most relevant first (default: ${DEFAULT_LABELS.join(',')})`)
    .option(
      '--rc-score <kind>',
      'RC score: top (log P of the most relevant label) or expected (expected grade)',
      'top',
    )
    .option('--fusion-k <k>', 'k of R = 1/(k + r_QL) + 1/(k + r_RC); Gecko uses 0', '0')
    .option('--ql-prompt <file>', 'query-likelihood prompt (default prompts/fret/query-likelihood.v1.md)')
    .option('--rc-prompt <file>', 'relevance prompt (default prompts/fret/relevance.v1.md)')
    .option('--graded-prompt <file>', 'graded-judgement prompt (default prompts/fret/relevance-graded.v1.md)')
    .option('--max-passage-chars <n>', 'passages are cut to this length in prompts', '2000')
    .option('--shard <i/n>', 'only this shard of the queries')
    .option('--concurrency <n>', 'queries in flight at once', String(DEFAULT_MINE.concurrency))
    .option('--out <dir>', 'dataset folder (default: <work>/fret/<run>)')
    .option('--parquet', 'also write fret.parquet', false)
    .addHelpText(
      'after',
      '\nWrites <out>/fret.jsonl and the manifest <out>/dataset.json. Progress is stored per query; rerunning the\n' +
        'same command continues an interrupted job, and other settings start a separate job.\n\n' +
        'Examples:\n' +
        '  $ gecko fret mine --llm llama:./m.gguf --out data/fret\n' +
        '  $ gecko fret mine --llm llama:./m.gguf --retriever hybrid --embedder ./models/student\n' +
        '  $ gecko fret mine --run scifact --queries queries.jsonl --judge qrels:qrels/train.tsv --negative random',
    )
    .action(async (args: MineArgs, cmd: Command) => {
      const ctx = contextFrom(cmd);
      const maxPassageChars = parsePositiveInt('--max-passage-chars', args.maxPassageChars);
      const labels = args.labels
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (args.rcScore !== 'top' && args.rcScore !== 'expected')
        throw new UsageError(`--rc-score must be top or expected, got "${args.rcScore}"`);
      const negative = parseNegativeRule(args.negative);
      const candidates = parsePositiveInt('--candidates', args.candidates);
      const shard = args.shard ? parseShard(args.shard) : undefined;
      const corpus = openCorpus(ctx.work);
      let llm: CachedLanguageModel | undefined;
      try {
        if (args.queries) {
          const r = await importQueries(corpus, args.queries, { run: args.run, task: args.task });
          ctx.reporter.info(`imported ${r.imported} queries from ${args.queries}`);
        }
        if (args.llm) llm = await openLlm({ ...args, llm: args.llm }, corpus.workspace, ctx.reporter);
        const judge = await createJudge(args.judge, llm, {
          llm: {
            labels,
            rcScore: args.rcScore,
            fusionK: parseNumber('--fusion-k', args.fusionK, 0),
            qlPromptFile: args.qlPrompt,
            rcPromptFile: args.rcPrompt,
            maxPassageChars,
          },
          graded: { promptFile: args.gradedPrompt, maxPassageChars },
        });
        if (judge.scoring === 'graded-judgement') {
          ctx.reporter.warn(
            'the model gives no exact log-probabilities: ranking by graded relevance judgements (recorded as scoring "graded-judgement")',
          );
        }
        const retriever = await openRetriever(
          corpus,
          args.retriever,
          {
            embedder: args.embedder,
            embedderKeyEnv: args.embedderKeyEnv,
            bm25Text: args.bm25Text,
            rrfK: parseNumber('--rrf-k', args.rrfK, 0),
            student: {
              run: args.run,
              steps: parsePositiveInt('--student-steps', args.studentSteps),
              dimensions: parsePositiveInt('--student-dim', args.studentDim),
              tokenizerFile: args.studentTokenizer,
            },
          },
          ctx.reporter,
        );
        const s = await minePairs(corpus, judge, {
          run: args.run,
          retriever,
          candidates,
          negative,
          shard,
          concurrency: parsePositiveInt('--concurrency', args.concurrency),
          reporter: ctx.reporter,
        });
        const prompts: Record<string, { source: string; sha256: string }> = {};
        for (const p of (judge as { prompts?: PromptTemplate[] }).prompts ?? [])
          prompts[p.role] = { source: p.source, sha256: p.sha256 };
        const outDir = args.out ?? corpus.workspace.path('fret', args.run);
        const m = await writeDataset(new FretStore(corpus.workspace), {
          run: args.run,
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
