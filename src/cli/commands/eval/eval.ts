import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../../errors/UsageError.js';
import { CachedEmbedder } from '../../../eval/embedders/CachedEmbedder.js';
import { type EvaluateOptions, evaluateTask, supportsTask } from '../../../eval/evaluateTask.js';
import { openEvalModel } from '../../../eval/openModel.js';
import type { PromptSetting } from '../../../eval/prompts.js';
import { renderReport } from '../../../eval/report/report.js';
import { formatScoreTable } from '../../../eval/report/table.js';
import { type TaskResult, taskScore, writeResults } from '../../../eval/results.js';
import { resolveTasks } from '../../../eval/tasks/resolveTasks.js';
import { TASK_TYPES, type TaskType } from '../../../eval/taskTypes/registry.js';
import { atomicWriteFile } from '../../../util/atomicWrite.js';
import { contextFrom, parsePositiveInt, parsePositiveIntList } from '../../context.js';

interface EvalArgs {
  model: string;
  tasks?: string;
  data?: string;
  dims?: string;
  out?: string;
  prompts: string;
  prompt: string[];
  format: string;
  sklearn: string;
  summarization?: string;
  batchSize: string;
  cache: boolean;
}

/** `gecko eval`: MTEB-compatible evaluation of a model on tasks, with results JSON, a table and a report. */
export function registerEvalCommand(program: Command): void {
  declareEvalOptions(program.command('eval')).action(runEval);
}

/** The flags, help text and examples of `gecko eval`. */
function declareEvalOptions(cmd: Command): Command {
  return cmd
    .description(
      'evaluate a model on MTEB tasks (scores match the Python mteb library for the same embeddings)',
    )
    .requiredOption(
      '-m, --model <spec>',
      'model folder | bm25 | hybrid:SPEC (BM25 + SPEC fused, Retrieval) | openai:URL#model | transformers:DIR | llama:FILE.gguf | hashed-bow[:DIMS]',
    )
    .option('-t, --tasks <names>', 'comma-separated task names (default: every task folder under --data)')
    .option('-d, --data <dir>', 'folder of task folders (task.json + split files); default $GECKO_DATA/mteb')
    .option('--dims <list>', 'Matryoshka sizes to evaluate, e.g. 256,64 (default: the full size)')
    .option('-o, --out <dir>', 'output folder for results JSON and the report (default: <work>/eval)')
    .option('--prompts <setting>', 'gecko (Gecko Table 9 task strings) | none', 'gecko')
    .option(
      '--prompt <type=task>',
      'override the {task} string of one task type, e.g. STS="sentence similarity" (repeatable)',
      collect,
      [],
    )
    .option('--format <format>', 'text format for openai:/transformers: models: plain | gecko', 'plain')
    .option(
      '--sklearn <generation>',
      'scikit-learn behaviour to reproduce: 1.4+ (current mteb) | 1.2',
      '1.4+',
    )
    .option('--summarization <version>', 'v2 | v1 (MTEB(eng, v1) SummEval with its p-value bug)')
    .option('--batch-size <n>', 'texts per embedding call', '256')
    .option('--no-cache', 'do not use the workspace embedding cache')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ gecko eval --model out/model --data ../shared/data/mteb --dims 256,64\n' +
        '  $ gecko eval --model bm25 --tasks SciFact --data ../shared/data/mteb\n' +
        '  $ gecko eval --model openai:http://localhost:8080#nomic-embed-text --tasks STSBenchmark --json',
    );
}

/** Runs `gecko eval`: resolves the tasks and model, evaluates, and writes the results and the report. */
async function runEval(args: EvalArgs, cmd: Command): Promise<void> {
  const ctx = contextFrom(cmd);
  const settings = evalSettings(args);
  const data = args.data ?? (process.env.GECKO_DATA ? join(process.env.GECKO_DATA, 'mteb') : undefined);
  const names = args.tasks
    ? args.tasks
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  const tasks = await resolveTasks(names, { data, hub: { reporter: ctx.reporter } });
  const model = await openEvalModel(args.model, {
    cacheWorkspace: args.cache ? ctx.work : null,
    format: args.format as 'plain' | 'gecko',
    reporter: ctx.reporter,
  });
  const results: TaskResult[] = [];
  const skipped: string[] = [];
  try {
    for (const task of tasks) {
      if (!supportsTask(model, task.metadata)) {
        skipped.push(task.metadata.name);
        ctx.reporter.warn(`skipping ${task.metadata.name}: ${args.model} only evaluates Retrieval tasks`);
        continue;
      }
      ctx.reporter.info(`evaluating ${task.metadata.name} (${task.metadata.type})`);
      const rs = await evaluateTask(task, model, { ...settings, reporter: ctx.reporter });
      results.push(...rs);
    }
  } finally {
    await model.close();
  }
  const out = args.out ?? join(ctx.work, 'eval');
  const files = await writeResults(out, results);
  const title = 'embedder' in model ? model.embedder.id : model.lexical.id;
  const report = renderReport(results, title);
  await atomicWriteFile(join(out, 'report.md'), report.markdown);
  await atomicWriteFile(join(out, 'report.html'), report.html);
  if (report.svg.startsWith('<svg')) await atomicWriteFile(join(out, 'chart.svg'), `${report.svg}\n`);
  if ('embedder' in model && model.embedder instanceof CachedEmbedder)
    ctx.reporter.info(`embedding cache: ${model.embedder.hits} hits, ${model.embedder.misses} new`);
  ctx.print(
    {
      model: title,
      results: results.map((r) => ({
        task: r.task_name,
        dimensions: r.gecko.dimensions,
        main_score: r.gecko.main_score_name,
        score: taskScore(r),
      })),
      skipped,
      files,
      report: join(out, 'report.md'),
    },
    () => `${formatScoreTable(results)}\n\nresults: ${out}\nreport: ${join(out, 'report.md')}`,
  );
}

/**
 * The evaluation settings from the flags, checked before any task or model is opened.
 * @throws UsageError naming the flag and the values it takes.
 */
function evalSettings(args: EvalArgs): Omit<EvaluateOptions, 'reporter' | 'signal'> {
  const dims = args.dims ? parsePositiveIntList('--dims', args.dims) : [null];
  if (!['gecko', 'none'].includes(args.prompts))
    throw new UsageError(`--prompts must be gecko or none, got "${args.prompts}"`);
  if (!['plain', 'gecko'].includes(args.format))
    throw new UsageError(`--format must be plain or gecko, got "${args.format}"`);
  if (!['1.4+', '1.2'].includes(args.sklearn))
    throw new UsageError(`--sklearn must be 1.4+ or 1.2, got "${args.sklearn}"`);
  if (args.summarization && !['v1', 'v2'].includes(args.summarization))
    throw new UsageError(`--summarization must be v1 or v2, got "${args.summarization}"`);
  const batchSize = parsePositiveInt('--batch-size', args.batchSize);
  const prompts = parsePrompts(args.prompts, args.prompt);
  return {
    dims,
    prompts,
    sklearn: args.sklearn as '1.4+' | '1.2',
    summarization: args.summarization as 'v1' | 'v2' | undefined,
    batchSize,
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--prompts gecko|none` plus `--prompt Type=task` overrides (which imply the Gecko defaults for other types). */
function parsePrompts(setting: string, overrides: string[]): PromptSetting {
  if (overrides.length === 0) return setting as PromptSetting;
  if (setting === 'none') throw new UsageError('--prompt overrides cannot be combined with --prompts none');
  const out: Partial<Record<TaskType, string>> = {};
  for (const o of overrides) {
    const eq = o.indexOf('=');
    const type = o.slice(0, eq) as TaskType;
    if (eq <= 0 || !TASK_TYPES.includes(type))
      throw new UsageError(`--prompt "${o}": expected TYPE=task with TYPE one of ${TASK_TYPES.join(', ')}`);
    out[type] = o.slice(eq + 1);
  }
  return out;
}
