import type { Command } from 'commander';
import { type Corpus, openCorpus } from '../../../corpus/Corpus.js';
import { GeckoError } from '../../../errors/GeckoError.js';
import type { OutputChecks } from '../../../fret/checks.js';
import { writeJsonl } from '../../../fret/dataset.js';
import {
  DEFAULT_GENERATE,
  type GenerateOptions,
  type GenerateSummary,
  generateQueries,
} from '../../../fret/generate.js';
import { parseShard } from '../../../fret/shard.js';
import { FretStore } from '../../../fret/store.js';
import type { CachedLanguageModel } from '../../../llm/cache/withLlmCache.js';
import { formatRetries } from '../../../llm/retries.js';
import { contextFrom, parseNonNegativeInt, parsePositiveInt } from '../../context.js';
import { addHelpEpilogue, type HelpEpilogue } from '../../helpText.js';
import { addLlmOptions, cacheLine, type LlmArgs, openLlm, parseNumber } from './resources.js';

/** What `gecko fret generate --help` prints after the options. */
const GENERATE_HELP: HelpEpilogue = {
  notes: [
    'Progress is stored per seed in the workspace: run the same command again after an interruption and it',
    'continues without repeating finished seeds. Each answer must be JSON {task, query}, non-empty, within',
    'length bounds, not a refusal, not a copy of the passage, and in the passage language (or --lang).',
  ],
  examples: [
    'gecko fret generate --llm llama:./qwen2.5-1.5b-instruct-q4_k_m.gguf --limit 1000',
    'gecko fret generate --llm llama:./m.gguf --families "question answering,fact checking" --shard 0/4',
  ],
};

/** Options shared by `fret generate` and `fret export-batch` (the settings that define step 1). */
export interface GenerateArgs {
  run: string;
  limit?: string;
  seed: string;
  families?: string;
  prompt?: string;
  lang?: string;
  retries: string;
  temperature: string;
  maxTokens: string;
  maxPassageChars: string;
  maxQueryChars?: string;
  shard?: string;
}

/** Declares the step-1 options on a command. */
export function addGenerateOptions(cmd: Command): Command {
  return cmd
    .option('--run <name>', 'run name (a workspace can hold several)', DEFAULT_GENERATE.run)
    .option('--limit <n>', 'number of seed passages, sampled with --seed (default: all)')
    .option(
      '--seed <n>',
      'seed of the passage sample, task families and sampling',
      String(DEFAULT_GENERATE.sampleSeed),
    )
    .option(
      '--families <list|file.json>',
      'task families: comma-separated default names, or a JSON file of [{name, hint}]',
    )
    .option('--prompt <file>', 'generation prompt file (default: prompts/fret/generate.v1.md)')
    .option('--lang <code>', 'expected query language (ISO 639-1), or "any" (default: the passage language)')
    .option(
      '--retries <k>',
      'extra attempts with a new sampling seed after a rejected answer',
      String(DEFAULT_GENERATE.retries),
    )
    .option('--temperature <t>', 'sampling temperature', String(DEFAULT_GENERATE.temperature))
    .option('--max-tokens <n>', 'most tokens per answer', String(DEFAULT_GENERATE.maxTokens))
    .option(
      '--max-passage-chars <n>',
      'passages are cut to this length in prompts',
      String(DEFAULT_GENERATE.maxPassageChars),
    )
    .option('--max-query-chars <n>', 'longest accepted query (default 500)')
    .option('--shard <i/n>', 'only this shard of the seeds (stable hash partition)');
}

/** Turns the parsed step-1 options into library options. */
export function generateOptionsFrom(args: GenerateArgs): GenerateOptions {
  const checks: OutputChecks = {};
  if (args.lang) checks.language = args.lang;
  if (args.maxQueryChars) checks.maxQueryChars = parsePositiveInt('--max-query-chars', args.maxQueryChars);
  return {
    run: args.run,
    limit: args.limit ? parsePositiveInt('--limit', args.limit) : undefined,
    sampleSeed: parseNonNegativeInt('--seed', args.seed),
    families: args.families,
    promptFile: args.prompt,
    checks,
    retries: parseNonNegativeInt('--retries', args.retries),
    temperature: parseNumber('--temperature', args.temperature, 0),
    maxTokens: parsePositiveInt('--max-tokens', args.maxTokens),
    maxPassageChars: parsePositiveInt('--max-passage-chars', args.maxPassageChars),
    shard: args.shard ? parseShard(args.shard) : undefined,
  };
}

type GenerateCommandArgs = GenerateArgs & LlmArgs & { llm: string; concurrency: string; out?: string };

export function registerGenerateCommand(fret: Command): void {
  const cmd = fret
    .command('generate')
    .description(
      'FRet step 1: the LLM writes a {task, query} for each seed passage (checked, retried, resumable)',
    )
    .requiredOption(
      '--llm <spec>',
      'language model: llama:./m.gguf, llama:hf:org/repo/file.gguf, openai:URL#model',
    );
  addLlmOptions(addGenerateOptions(cmd))
    .option('--concurrency <n>', 'seeds in flight at once', String(DEFAULT_GENERATE.concurrency))
    .option('--out <file>', 'also write the queries (and failures with reasons) as JSONL');
  addHelpEpilogue(cmd, GENERATE_HELP).action(runGenerate);
}

async function runGenerate(args: GenerateCommandArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const options = generateOptionsFrom(args);
  const concurrency = parsePositiveInt('--concurrency', args.concurrency);
  const corpus = openCorpus(ctx.work);
  const llm = await openLlm(args, corpus.workspace, ctx.reporter).catch((e: unknown) => {
    corpus.close();
    throw e;
  });
  try {
    const s = await generateQueries(corpus, llm, { ...options, concurrency, reporter: ctx.reporter });
    if (args.out) await writeQueriesJsonl(corpus, args.run, args.out);
    ctx.print({ ...s, cache: llm.stats() }, () => generateLines(s, llm));
    // A run without a single query is a failed run, whatever the reasons (scripts must notice).
    if (s.ok === 0) throw noQueriesError(s);
  } finally {
    await llm.close();
    corpus.close();
  }
}

/** `--out FILE`: every query of the run (and each failure with its reason) as JSONL. */
async function writeQueriesJsonl(corpus: Corpus, run: string, out: string): Promise<void> {
  const rows = new FretStore(corpus.workspace).queries(run).map((q) => ({
    id: q.item_id,
    seed_id: q.seed_id,
    family: q.family,
    status: q.status,
    task: q.task,
    query: q.query,
    reason: q.reason,
    attempts: q.attempts,
    history: JSON.parse(q.history) as unknown,
    retries: JSON.parse(q.retries ?? '{}') as unknown,
  }));
  await writeJsonl(out, rows);
}

/** The human summary of a generation run. */
function generateLines(s: GenerateSummary, llm: CachedLanguageModel): string {
  return [
    `run ${s.run} (shard ${s.shard}): ${s.selected} seeds, ${s.ok} queries, ${s.failed} failed` +
      (s.resumed ? ` (${s.resumed} done before this call)` : ''),
    `failures: ${
      Object.entries(s.failures)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `families: ${Object.entries(s.families)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `retries: ${formatRetries(s.retries.llm)}; new attempts after ${formatRetries(s.retries.attempts)}`,
    `tokens: ${s.tokens.prompt} prompt, ${s.tokens.completion} completion`,
    cacheLine(llm),
  ].join('\n');
}

/** Why a run produced no query: nothing was selected, or every seed failed (with the reasons' counts). */
function noQueriesError(s: GenerateSummary): GeckoError {
  const reasons = formatRetries(s.failures);
  return new GeckoError(
    s.selected === 0
      ? 'fret generate produced no queries: no seed passages were selected (is the corpus or the shard empty?)'
      : `fret generate produced no queries: all ${s.selected} seeds failed (${reasons}). ` +
          'Check the model with "gecko llm check", or look at the reasons with --out FILE.',
    { code: 'FRET_NO_QUERIES' },
  );
}
