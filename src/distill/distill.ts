import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openCorpus } from '../corpus/Corpus.js';
import { type CachedLanguageModel, withLlmCache } from '../llm/cache/withLlmCache.js';
import { createLanguageModel } from '../llm/modelSpec.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import type { Workspace } from '../workspace/Workspace.js';
import type { DistillConfig } from './config.js';
import type { ScoreRow } from './evaluate.js';
import { onceFileHasher } from './inputs.js';
import { outputPaths } from './paths.js';
import { PIPELINE, planActions, runStage, type StageContext } from './pipeline.js';
import { type DistillPlan, estimatePlan } from './plan.js';
import { type StageName, type StageRecord, StageRunner } from './stages.js';

/** Options of {@link distill}. */
export interface DistillOptions {
  /** Workspace folder (SQLite: corpus, FRet records, LLM cache, stage records). @default `<out>/work` */
  workspace?: string;
  /** Stop after ingesting and printing the plan. @default false */
  dryRun?: boolean;
  /** Called with the plan before any LLM work starts (the CLI prints it). */
  onPlan?: (plan: DistillPlan) => void;
  /** @default silentReporter */
  reporter?: Reporter;
  signal?: AbortSignal;
}

/** What a distillation produced. */
export interface DistillResult {
  out: string;
  plan: DistillPlan;
  stages: { stage: StageName; skipped: boolean; seconds: number | null }[];
  /** Whether the LLM was loaded at all, and the calls it made (cache misses) in this call. */
  llm: { opened: boolean; calls: number; cacheHits: number; promptTokens: number; completionTokens: number };
  scores: ScoreRow[];
  files: { model: string; report: { markdown: string; html: string }; config: string; dataset: string };
}

/**
 * One command from a corpus to an evaluated model (Gecko, end to end): ingest → self-supervised pairs →
 * FRet generate → FRet mine → split off held-out passages → pre-finetune → fine-tune on the mixture →
 * evaluate → report. Each stage is recorded with the hash of its inputs (settings and upstream outputs) and
 * of its outputs; an unchanged stage is skipped, and the LLM is only loaded when a stage that needs it runs.
 *
 * @throws UsageError/InputError for bad settings or inputs; the parts' errors (LLM, training) otherwise.
 * @example const r = await distill(resolveDistillConfig([{ source: 'flags', config: { corpus: ['c.jsonl'] } }]));
 */
export async function distill(config: DistillConfig, options: DistillOptions = {}): Promise<DistillResult> {
  const reporter = options.reporter ?? silentReporter;
  const out = resolve(config.out);
  const corpus = openCorpus(resolve(options.workspace ?? join(out, 'work')));
  const runner = new StageRunner(corpus.workspace, out, reporter);
  const teacher = lazyTeacher(config, corpus.workspace, reporter);
  const x: StageContext = {
    config,
    h: {},
    // The plan and the runs hash the same input files (corpus, tokenizer, extra sources, task folders): once each.
    hashPath: onceFileHasher(),
    out,
    paths: outputPaths(out),
    corpus,
    reporter,
    ...(options.signal ? { signal: options.signal } : {}),
    openLlm: teacher.open,
  };
  try {
    await writeIfChanged(x.paths.config, `${JSON.stringify(config, null, 2)}\n`);
    for (const stage of PIPELINE.filter((s) => s.beforePlan)) await runStage(stage, x, runner);
    // The plan: each stage runs unless it and everything upstream of it is recorded as up to date.
    const ingested = runner.records.get('ingest')?.summary ?? {};
    const corpusSize = { passages: Number(ingested.passages), avgChars: Number(ingested.avgChars) };
    const plan = estimatePlan(config, corpusSize, await planActions(runner, x));
    x.plan = plan;
    options.onPlan?.(plan);
    if (options.dryRun) return result(out, plan, runner, teacher.model());
    for (const stage of PIPELINE.filter((s) => !s.beforePlan)) await runStage(stage, x, runner);
    return result(out, plan, runner, teacher.model());
  } finally {
    await teacher.model()?.close();
    corpus.close();
  }
}

/** The teacher LLM behind the workspace cache, loaded on the first call of `open`. */
function lazyTeacher(config: DistillConfig, workspace: Workspace, reporter: Reporter) {
  let llm: CachedLanguageModel | undefined;
  return {
    open: async (): Promise<CachedLanguageModel> => {
      if (llm) return llm;
      reporter.info(`loading teacher ${config.llm}`);
      llm = withLlmCache(
        await createLanguageModel(config.llm, {
          ...(config.llmKeyEnv ? { apiKeyEnv: config.llmKeyEnv } : {}),
          reporter,
        }),
        workspace,
      );
      return llm;
    },
    model: (): CachedLanguageModel | undefined => llm,
  };
}

function result(
  out: string,
  plan: DistillPlan,
  runner: StageRunner,
  llm: CachedLanguageModel | undefined,
): DistillResult {
  const p = outputPaths(out);
  const scores = (runner.records.get('eval')?.summary.rows ?? []) as ScoreRow[];
  const s = llm?.stats();
  return {
    out,
    plan,
    stages: [...runner.records.values()].map((r: StageRecord) => ({
      stage: r.stage,
      skipped: r.skipped,
      seconds: typeof r.summary.seconds === 'number' ? r.summary.seconds : null,
    })),
    llm: {
      opened: llm !== undefined,
      calls: s?.misses ?? 0,
      cacheHits: s?.hits ?? 0,
      promptTokens: s?.spent.promptTokens ?? 0,
      completionTokens: s?.spent.completionTokens ?? 0,
    },
    scores,
    files: {
      model: p.model,
      report: { markdown: p.reportMd, html: p.reportHtml },
      config: p.config,
      dataset: p.fretJsonl,
    },
  };
}

/** Writes a file only when its content differs, so an unchanged rerun leaves mtimes alone. */
async function writeIfChanged(path: string, text: string): Promise<void> {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  await atomicWriteFile(path, text);
}
