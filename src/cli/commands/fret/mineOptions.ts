import type { Command } from 'commander';
import type { Corpus } from '../../../corpus/Corpus.js';
import { UsageError } from '../../../errors/UsageError.js';
import type { JudgeFactory, MineBatchOptions } from '../../../fret/batchMine.js';
import { importQueries } from '../../../fret/importQueries.js';
import { createJudge } from '../../../fret/judge/createJudge.js';
import { DEFAULT_LABELS } from '../../../fret/judge/LlmJudge.js';
import { DEFAULT_MINE } from '../../../fret/mine.js';
import { openRetriever } from '../../../fret/retrieve/openRetriever.js';
import type { Retriever } from '../../../fret/retrieve/Retriever.js';
import { type NegativeRule, parseNegativeRule } from '../../../fret/selection.js';
import { parseShard, type Shard } from '../../../fret/shard.js';
import type { Reporter } from '../../../util/Reporter.js';
import { parsePositiveInt } from '../../context.js';
import { parseNumber } from './resources.js';

/** The options that define a mining job: shared by `fret mine` and `fret export-batch --stage mine`. */
export interface MineJobArgs {
  run: string;
  llm?: string;
  llmKeyEnv?: string;
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
}

/** Attribute names of the options {@link addMineJobOptions} declares besides the shared ones. */
export const MINE_JOB_OPTIONS = [
  'llm',
  'judge',
  'queries',
  'task',
  'retriever',
  'studentSteps',
  'studentDim',
  'studentTokenizer',
  'embedder',
  'embedderKeyEnv',
  'bm25Text',
  'rrfK',
  'candidates',
  'negative',
  'labels',
  'rcScore',
  'fusionK',
  'qlPrompt',
  'rcPrompt',
  'gradedPrompt',
] as const;

/**
 * Declares the mining job's options. `shared: false` leaves out `--run`, `--shard` and
 * `--max-passage-chars`, for a command that declares them already with the same meaning.
 */
export function addMineJobOptions(cmd: Command, options: { shared?: boolean } = {}): Command {
  if (options.shared ?? true)
    cmd
      .option('--run <name>', 'run whose queries are mined', DEFAULT_MINE.run)
      .option('--max-passage-chars <n>', 'passages are cut to this length in prompts', '2000')
      .option('--shard <i/n>', 'only this shard of the queries');
  return cmd
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
    .option(
      '--graded-prompt <file>',
      'graded-judgement prompt (default prompts/fret/relevance-graded.v1.md)',
    );
}

/** How retriever errors name the settings: by the flags that set them. */
const RETRIEVER_FLAGS = {
  kind: '--retriever',
  embedder: '--embedder',
  bm25Text: '--bm25-text',
  rrfK: '--rrf-k',
} as const;

/** A mining job parsed from the options: how to build its judge and retriever, and its settings. */
export interface MineJob {
  run: string;
  candidates: number;
  negative: NegativeRule;
  shard: Shard | undefined;
  /** Builds the judge over a model (the live one, or a batch planner's). */
  judgeFor: (llm: Parameters<JudgeFactory>[0] | undefined) => ReturnType<JudgeFactory>;
  /** Imports `--queries` (if given) into the run. */
  importQueries(corpus: Corpus, reporter: Reporter): Promise<void>;
  retriever(corpus: Corpus, reporter: Reporter): Promise<Retriever>;
}

/**
 * Checks and parses the mining job's options (before any work starts).
 * @throws UsageError naming the option at fault.
 */
export function mineJobFrom(args: MineJobArgs): MineJob {
  const maxPassageChars = parsePositiveInt('--max-passage-chars', args.maxPassageChars);
  const labels = args.labels
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (args.rcScore !== 'top' && args.rcScore !== 'expected')
    throw new UsageError(`--rc-score must be top or expected, got "${args.rcScore}"`);
  const rcScore = args.rcScore;
  const fusionK = parseNumber('--fusion-k', args.fusionK, 0);
  const rrfK = parseNumber('--rrf-k', args.rrfK, 0);
  const student = {
    run: args.run,
    steps: parsePositiveInt('--student-steps', args.studentSteps),
    dimensions: parsePositiveInt('--student-dim', args.studentDim),
    tokenizerFile: args.studentTokenizer,
  };
  return {
    run: args.run,
    candidates: parsePositiveInt('--candidates', args.candidates),
    negative: parseNegativeRule(args.negative),
    shard: args.shard ? parseShard(args.shard) : undefined,
    judgeFor: (llm) =>
      createJudge(args.judge, llm, {
        llm: {
          labels,
          rcScore,
          fusionK,
          qlPromptFile: args.qlPrompt,
          rcPromptFile: args.rcPrompt,
          maxPassageChars,
        },
        graded: { promptFile: args.gradedPrompt, maxPassageChars },
      }),
    async importQueries(corpus, reporter) {
      if (!args.queries) return;
      const r = await importQueries(corpus, args.queries, { run: args.run, task: args.task });
      reporter.info(`imported ${r.imported} queries from ${args.queries}`);
    },
    retriever: (corpus, reporter) =>
      openRetriever(
        corpus,
        {
          kind: args.retriever,
          embedder: args.embedder,
          embedderKeyEnv: args.embedderKeyEnv,
          bm25Text: args.bm25Text,
          rrfK,
          student,
        },
        { names: RETRIEVER_FLAGS, reporter },
      ),
  };
}

/** The job's settings as `minePairs`, `missingMineCalls` and `exportMineBatch` take them. */
export function mineJobOptions(job: MineJob, retriever: Retriever): MineBatchOptions {
  return {
    run: job.run,
    retriever,
    candidates: job.candidates,
    negative: job.negative,
    shard: job.shard,
  };
}
