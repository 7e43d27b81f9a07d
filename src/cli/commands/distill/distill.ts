import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  CONFIG_FILE,
  type ConfigLayer,
  checkFlagsConfig,
  DEFAULT_DISTILL,
  type DistillConfig,
  type DistillConfigInput,
  loadConfigFile,
  resolveDistillConfig,
} from '../../../distill/config.js';
import { type DistillResult, distill } from '../../../distill/distill.js';
import { formatPlan } from '../../../distill/plan.js';
import { UsageError } from '../../../errors/UsageError.js';
import { contextFrom, parseNonNegativeInt, parsePositiveInt, parsePositiveIntList } from '../../context.js';
import { parseNumber } from '../fret/resources.js';

interface DistillArgs {
  corpus?: string[];
  llm?: string;
  out?: string;
  config?: string;
  llmKeyEnv?: string;
  seed?: string;
  limit?: string;
  retries?: string;
  maxTokens?: string;
  judge?: string;
  candidates?: string;
  negative?: string;
  retriever?: string;
  embedder?: string;
  embedderKeyEnv?: string;
  rrfK?: string;
  dim?: string;
  tokenizer?: string;
  vocab?: string;
  init?: string;
  teacherEmbedder?: string;
  pretrainSteps?: string;
  trainSteps?: string;
  batchSize?: string;
  matryoshka?: string;
  extra?: string[];
  tasks?: string;
  data?: string;
  dims?: string;
  holdout?: string;
  set?: string[];
  dryRun: boolean;
}

/**
 * Applies `--set group.field=value` (any config field; the value is JSON when it parses, else a string), so
 * every setting of the config file can also be given on the command line.
 */
export function applySets(config: DistillConfigInput, sets: readonly string[]): DistillConfigInput {
  const out = structuredClone(config) as Record<string, unknown>;
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects group.field=value, got "${s}"`);
    const path = s.slice(0, eq).split('.');
    const raw = s.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare string such as --set llm=openai:http://host/v1#m
    }
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      node[key] = next && typeof next === 'object' && !Array.isArray(next) ? next : {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1) as string] = value;
  }
  return out as DistillConfigInput;
}

/** `--holdout`: a fraction in [0, 1), checked here so the message names the flag (exit 2). */
function parseHoldout(v: string): number {
  const x = parseNumber('--holdout', v, 0);
  if (x >= 1) throw new UsageError(`--holdout must be a fraction in [0, 1), got "${v}"`);
  return x;
}

/** Flags → a partial config (only what was given, so the config file's values stay where no flag is set). */
function flagsConfig(a: DistillArgs): DistillConfigInput {
  const num = (name: string, v: string | undefined): number | undefined =>
    v === undefined ? undefined : parsePositiveInt(name, v);
  const c: DistillConfigInput = {
    ...(a.corpus ? { corpus: a.corpus } : {}),
    ...(a.llm ? { llm: a.llm } : {}),
    ...(a.out ? { out: a.out } : {}),
    ...(a.llmKeyEnv ? { llmKeyEnv: a.llmKeyEnv } : {}),
    ...(a.seed !== undefined ? { seed: parseNonNegativeInt('--seed', a.seed) } : {}),
    generate: {
      limit: num('--limit', a.limit),
      retries: a.retries === undefined ? undefined : parseNonNegativeInt('--retries', a.retries),
      maxTokens: num('--max-tokens', a.maxTokens),
    },
    mine: {
      judge: a.judge,
      candidates: num('--candidates', a.candidates),
      negative: a.negative,
      retriever: a.retriever as NonNullable<DistillConfigInput['mine']>['retriever'],
      embedder: a.embedder,
      embedderKeyEnv: a.embedderKeyEnv,
      rrfK: a.rrfK === undefined ? undefined : parseNumber('--rrf-k', a.rrfK, 0),
    },
    student: {
      dim: num('--dim', a.dim),
      tokenizer: a.tokenizer,
      vocab: a.vocab,
      init: a.init as NonNullable<DistillConfigInput['student']>['init'],
      teacherEmbedder: a.teacherEmbedder,
    },
    pretrain: {
      steps: num('--pretrain-steps', a.pretrainSteps),
      batchSize: num('--batch-size', a.batchSize),
    },
    train: {
      steps: num('--train-steps', a.trainSteps),
      batchSize: num('--batch-size', a.batchSize),
      matryoshka: a.matryoshka ? parsePositiveIntList('--matryoshka', a.matryoshka) : undefined,
      extra: a.extra,
    },
    eval: {
      tasks: a.tasks
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      data: a.data,
      dims: a.dims ? parsePositiveIntList('--dims', a.dims) : undefined,
      holdout: a.holdout === undefined ? undefined : parseHoldout(a.holdout),
    },
  };
  return c;
}

/** The CLI's flags, each setting one config field (`--set` reaches every other). */
function addDistillOptions(cmd: Command): Command {
  return cmd
    .option('-c, --corpus <file...>', 'corpus files (JSONL, CSV, TSV, Parquet, folders of .txt/.md)')
    .option('--llm <spec>', `teacher LLM (default ${DEFAULT_DISTILL.llm})`)
    .option('-o, --out <dir>', `output folder (default ${DEFAULT_DISTILL.out})`)
    .option('--config <file>', `config file (default ./${CONFIG_FILE} when it exists); flags override it`)
    .option('--llm-key-env <name>', 'environment variable holding the API key of an openai: teacher')
    .option('--seed <n>', 'seed of sampling, splits, initialisation and data order')
    .option('--limit <n>', 'seed passages for FRet (seeded sample; default all)')
    .option('--retries <k>', 'extra generation attempts after a rejected answer')
    .option('--max-tokens <n>', 'most tokens per generated answer')
    .option('--judge <kind>', 'auto | llm | graded | qrels:FILE (oracle judge for experiments)')
    .option('--candidates <n>', 'N: candidates per query in FRet mining')
    .option('--negative <rule>', 'hard negative: nth | nth:K | random | none')
    .option('--retriever <kind>', "FRet mining's first-stage retriever: bm25 (default) | dense | hybrid")
    .option(
      '--embedder <spec>',
      'embedder of the dense/hybrid retriever: openai:BASE_URL#model, or a static model folder / repo id',
    )
    .option('--embedder-key-env <name>', 'environment variable holding the embeddings API key')
    .option('--rrf-k <k>', 'RRF constant of the hybrid retriever (default 60)')
    .option('--dim <n>', 'student dimension')
    .option('--tokenizer <file>', "student's tokenizer.json (default: WordPiece trained on the corpus)")
    .option('--vocab <file>', "student's BERT vocab.txt (instead of --tokenizer)")
    .option(
      '--init <how>',
      'student init: auto (teacher when a teacher embedder is available) | teacher | random',
    )
    .option(
      '--teacher-embedder <spec>',
      'teacher embedder for the vocabulary init: openai:URL#model | llama:FILE.gguf | transformers:DIR (default with --init auto: a llama: --llm itself)',
    )
    .option('--pretrain-steps <n>', 'pre-finetuning steps (default: epochs)')
    .option('--train-steps <n>', 'fine-tuning steps (default: epochs)')
    .option('-b, --batch-size <n>', 'examples per batch in both training phases')
    .option('--matryoshka <dims>', 'Matryoshka training dimensions, e.g. 256,128,64,32')
    .option('--extra <spec...>', 'extra fine-tuning sources [KIND:]PATH[@WEIGHT] (as gecko train --data)')
    .option('--tasks <names>', 'extra evaluation tasks (folders under --data, or built-in MTEB tasks)')
    .option('--data <dir>', 'folder of evaluation task folders')
    .option('--dims <list>', 'Matryoshka sizes to evaluate')
    .option('--holdout <x>', 'fraction of passages held out of training for evaluation, in [0, 1)')
    .option(
      '--set <path=value...>',
      'any config field, e.g. --set generate.temperature=0.5 pretrain.epochs=5',
    )
    .option('--dry-run', 'ingest, print the plan and stop', false);
}

/** The effective config: defaults < config file < flags, the flags checked first on their own. */
function resolveFromArgs(a: DistillArgs): DistillConfig {
  // Flags first, on their own: a bad one is a usage error (exit 2) before any file is read.
  const flags = applySets(flagsConfig(a), a.set ?? []);
  checkFlagsConfig(flags);
  const layers: ConfigLayer[] = [];
  const file = a.config ?? (existsSync(CONFIG_FILE) ? CONFIG_FILE : undefined);
  if (file) layers.push({ source: file, config: loadConfigFile(file) });
  layers.push({ source: 'command-line flags', config: flags, usage: true });
  return resolveDistillConfig(layers);
}

/** The summary printed after a run. */
function summary(r: DistillResult, config: DistillConfig, dryRun: boolean): string {
  if (dryRun) return 'dry run: plan printed, nothing else done';
  const ran = r.stages.filter((s) => !s.skipped).map((s) => s.stage);
  const lines = [
    `stages run: ${ran.join(', ') || 'none (everything up to date)'}`,
    `LLM: ${r.llm.opened ? `${r.llm.calls} calls, ${r.llm.cacheHits} cache hits, ${r.llm.promptTokens + r.llm.completionTokens} tokens` : 'not needed'}`,
    ...r.scores
      .filter((s) => s.model !== 'student' || s.dimensions === Math.max(...config.eval.dims))
      .map((s) => `${s.task} ${s.model}${s.dimensions ? ` ${s.dimensions}d` : ''}: ${s.metric} ${s.score}`),
    `model: ${r.files.model}`,
    `report: ${r.files.report.html} (and report.md)`,
  ];
  return lines.join('\n');
}

async function runDistill(a: DistillArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const config = resolveFromArgs(a);
  // The global --work default belongs to the single-part commands; a distillation keeps its state
  // with its output unless a workspace is named explicitly.
  const explicitWork = cmd.parent?.getOptionValueSource('work') === 'cli';
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const r = await distill(config, {
      ...(explicitWork ? { workspace: ctx.work } : {}),
      dryRun: a.dryRun,
      reporter: ctx.reporter,
      signal: abort.signal,
      onPlan: (plan) => {
        if (ctx.verbosity !== 'quiet') process.stderr.write(`${formatPlan(plan)}\n`);
      },
    });
    ctx.print(r, () => summary(r, config, a.dryRun));
  } finally {
    process.off('SIGINT', onSignal);
  }
}

export function registerDistillCommand(program: Command): void {
  addDistillOptions(
    program
      .command('distill')
      .description(
        'one command from a corpus to an evaluated embedding model: ingest → pairs → FRet generate → mine → train → eval → report',
      ),
  )
    .addHelpText(
      'after',
      '\nEvery stage is recorded with the hash of its inputs; running the same command again skips unchanged\n' +
        'stages (no LLM calls) and resumes an interrupted one. Without -w/--work the workspace is <out>/work.\n' +
        'The effective configuration is saved as <out>/gecko.config.json and <out>/model/gecko.distill.json.\n\n' +
        'Examples:\n' +
        '  $ gecko distill --corpus examples/corpus.jsonl --out gecko-model\n' +
        '  $ gecko distill --corpus docs.jsonl --llm openai:http://127.0.0.1:8080/v1#qwen --limit 2000 --out m\n' +
        '  $ gecko distill --corpus docs.jsonl --retriever hybrid --embedder minishlab/potion-base-8M --out m\n' +
        '  $ gecko distill --config gecko.config.json --dry-run',
    )
    .action(runDistill);
}
