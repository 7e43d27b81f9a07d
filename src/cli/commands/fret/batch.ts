import type { Command } from 'commander';
import { openCorpus } from '../../../corpus/Corpus.js';
import { UsageError } from '../../../errors/UsageError.js';
import { exportGenerateBatch, importBatch } from '../../../fret/batch.js';
import { exportMineBatch } from '../../../fret/batchMine.js';
import { DEFAULT_GENERATE } from '../../../fret/generate.js';
import { createLanguageModel, parseModelSpec } from '../../../llm/modelSpec.js';
import { type CliContext, contextFrom } from '../../context.js';
import { addHelpEpilogue, type HelpEpilogue } from '../../helpText.js';
import { addGenerateOptions, type GenerateArgs, generateOptionsFrom } from './generate.js';
import {
  addMineJobOptions,
  MINE_JOB_OPTIONS,
  type MineJobArgs,
  mineJobFrom,
  mineJobOptions,
} from './mineOptions.js';

/** What `gecko fret export-batch --help` prints after the options. */
const EXPORT_BATCH_HELP: HelpEpilogue = {
  notes: [
    'Upload the file to the provider\'s batch service, then load its output with "gecko fret import-batch".',
    'Step 1: rejected answers are exported again (new sampling seed) by the next export-batch, up to --retries.',
    'Step 2: retrieval runs here; the file holds every LLM call "gecko fret mine" with the same options would',
    'still make (QL and RC as /v1/completions echo requests for --judge llm, chat requests for --judge graded),',
    'each the body the live openai: provider would send. After the import, "gecko fret mine ... --cache-only"',
    'ranks from the imported answers; failed or rejected requests go out again with the next export.',
  ],
  examples: [
    'gecko fret export-batch --model gpt-4o-mini --limit 100000 --out requests.jsonl',
    'gecko fret export-batch --stage mine --llm openai:https://api.example.com/v1#qwen2.5-7b --judge llm -n 20 --out mine-requests.jsonl',
  ],
};

/** What `gecko fret import-batch --help` prints after the options. */
const IMPORT_BATCH_HELP: HelpEpilogue = {
  notes: ['The step is told by the custom ids the export wrote. Importing a file twice changes nothing.'],
  examples: [
    'gecko fret import-batch batch_output.jsonl && gecko fret mine --llm llama:./m.gguf',
    'gecko fret import-batch mine_output.jsonl && gecko fret mine --llm openai:https://api.example.com/v1#qwen2.5-7b --judge llm --cache-only',
  ],
};

type ExportArgs = GenerateArgs & MineJobArgs & { stage: string; model?: string; out: string };

/** Step-1 options that mean nothing to step 2 (the shared --run, --shard, --max-passage-chars excepted). */
const GENERATE_ONLY = [
  'model',
  'limit',
  'seed',
  'families',
  'prompt',
  'lang',
  'retries',
  'temperature',
  'maxTokens',
  'maxQueryChars',
] as const;

/** Refuses options of the other stage given on the command line (they would be silently ignored). */
function checkStageOptions(cmd: Command, stage: 'generate' | 'mine'): void {
  const foreign = stage === 'mine' ? GENERATE_ONLY : MINE_JOB_OPTIONS;
  const given = foreign.filter((name) => cmd.getOptionValueSource(name) === 'cli');
  if (given.length > 0) {
    const flags = given.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(
      `${flags.join(', ')} ${given.length === 1 ? 'does' : 'do'} not apply to --stage ${stage}`,
    );
  }
}

/** `gecko fret export-batch` and `gecko fret import-batch`: a step's LLM calls through a provider's Batch API. */
export function registerBatchCommands(fret: Command): void {
  registerExportBatchCommand(fret);
  registerImportBatchCommand(fret);
}

function registerExportBatchCommand(fret: Command): void {
  const exportCmd = fret
    .command('export-batch')
    .description(
      'write the LLM requests a step still needs as an OpenAI Batch API file: step 1 (generate, the default) or step 2 (mine)',
    )
    .option(
      '--stage <stage>',
      'generate (step 1: one chat request per pending seed) or mine (step 2)',
      'generate',
    )
    .requiredOption('--out <file>', 'request file (JSONL)')
    .optionsGroup('Step 1 (--stage generate; --run, --shard and --max-passage-chars apply to both):')
    .option('--model <name>', 'model name put in each request body (required with --stage generate)');
  addGenerateOptions(exportCmd);
  exportCmd.optionsGroup('Step 2 (--stage mine: the options of "gecko fret mine"):');
  addMineJobOptions(exportCmd, { shared: false }).option(
    '--llm-key-env <name>',
    'environment variable holding the API key (only --judge auto asks the endpoint what it supports)',
  );
  addHelpEpilogue(exportCmd, EXPORT_BATCH_HELP).action(runExportBatch);
}

async function runExportBatch(args: ExportArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  if (args.stage !== 'generate' && args.stage !== 'mine')
    throw new UsageError(`--stage must be generate or mine, got "${args.stage}"`);
  checkStageOptions(cmd, args.stage);
  if (args.stage === 'mine') return exportMine(args, ctx);
  if (!args.model)
    throw new UsageError('--stage generate needs --model NAME (the model name in each request)');
  const corpus = openCorpus(ctx.work);
  try {
    const s = await exportGenerateBatch(corpus, args.model, args.out, generateOptionsFrom(args));
    ctx.print(
      { stage: 'generate', ...s },
      () => `wrote ${s.requests} requests to ${args.out} (${s.finished} seeds already finished)`,
    );
  } finally {
    corpus.close();
  }
}

function registerImportBatchCommand(fret: Command): void {
  const cmd = fret
    .command('import-batch')
    .description(
      'read an OpenAI Batch API output file of either step: step 1 answers are checked and recorded as queries, step 2 answers go into the LLM cache',
    )
    .argument('<results>', 'batch output file (JSONL)')
    .option('--run <name>', 'run name (step 1; step-2 requests know their run)', DEFAULT_GENERATE.run);
  addHelpEpilogue(cmd, IMPORT_BATCH_HELP).action(runImportBatch);
}

async function runImportBatch(results: string, args: { run: string }, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const corpus = openCorpus(ctx.work);
  try {
    const s = await importBatch(corpus, results, { run: args.run });
    ctx.print(s, () =>
      s.stage === 'generate'
        ? `imported: ${s.ok} queries, ${s.retry} to retry (export again), ${s.failed} failed for good, ${s.stale} stale results ignored`
        : `imported into the LLM cache: ${s.ok} answers, ${s.rejected} rejected by the LLM layer (the next export asks again as the live job would), ` +
          `${s.failed} failed at the provider (export again), ${s.stale} already imported`,
    );
  } finally {
    corpus.close();
  }
}

async function exportMine(args: ExportArgs, ctx: CliContext): Promise<void> {
  if (!args.llm)
    throw new UsageError(
      '--stage mine needs --llm openai:URL#model: the model "gecko fret mine" will run with',
    );
  const job = mineJobFrom(args);
  if (parseModelSpec(args.llm).provider !== 'openai')
    throw new UsageError(
      `batch requests are OpenAI-format: --llm must be an openai:URL#model spec, got "${args.llm}"`,
    );
  // The live provider makes no request until called; only --judge auto probes it.
  const llm = await createLanguageModel(args.llm, { apiKeyEnv: args.llmKeyEnv, reporter: ctx.reporter });
  const corpus = openCorpus(ctx.work);
  try {
    await job.importQueries(corpus, ctx.reporter);
    const retriever = await job.retriever(corpus, ctx.reporter);
    const s = await exportMineBatch(corpus, llm, (m) => job.judgeFor(m), args.out, {
      ...mineJobOptions(job, retriever),
      reporter: ctx.reporter,
    });
    ctx.print({ stage: 'mine', ...s }, () =>
      s.requests === 0
        ? `nothing to export: the cache answers every pending query (${s.ready}); run "gecko fret mine" with the same options and --cache-only`
        : `wrote ${s.requests} requests for ${s.queries} queries to ${args.out} (job ${s.job}; ${s.ready} queries need nothing more, ${s.finished} already mined)`,
    );
  } finally {
    await llm.close();
    corpus.close();
  }
}
