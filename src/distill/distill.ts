import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openCorpus } from '../corpus/Corpus.js';
import { corpusStats } from '../corpus/stats.js';
import { chart } from '../eval/report/report.js';
import { type DatasetManifest, writeDataset } from '../fret/dataset.js';
import { generateQueries } from '../fret/generate.js';
import { createJudge } from '../fret/judge/createJudge.js';
import { minePairs } from '../fret/mine.js';
import type { PromptTemplate } from '../fret/prompts.js';
import { openRetriever, type RetrieverSpec } from '../fret/retrieve/openRetriever.js';
import { parseNegativeRule } from '../fret/selection.js';
import { FretStore } from '../fret/store.js';
import { type CachedLanguageModel, withLlmCache } from '../llm/cache/withLlmCache.js';
import { createLanguageModel } from '../llm/modelSpec.js';
import { BUILTIN_WORDNET } from '../train/data/readers.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { sha256, stableStringify } from '../util/hash.js';
import { countJsonlRecords, readJsonlValues } from '../util/jsonl.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import type { DistillConfig } from './config.js';
import { splitFret, writeHeldOutTask, writePairs } from './data.js';
import { type EvalResults, evaluateStudent, type ScoreRow } from './evaluate.js';
import { corpusFingerprint, fileOrDirHash, onceFileHasher, planActions, stageInputs } from './inputs.js';
import { parseSourceSpec } from './parse.js';
import { type DistillPlan, estimatePlan } from './plan.js';
import { readSvg, renderDistillReport } from './report.js';
import { inputHash, type StageName, type StageRecord, StageRunner } from './stages.js';
import { loadPhaseModel, publishModel, studentTokenizer, trainPhase } from './student.js';
import { initialStudent } from './teacherInit.js';

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

/** Output layout of a distillation folder. */
export function outputPaths(out: string) {
  return {
    data: join(out, 'data'),
    fret: join(out, 'fret'),
    pretrain: join(out, 'pretrain'),
    train: join(out, 'train'),
    model: join(out, 'model'),
    eval: join(out, 'eval'),
    config: join(out, 'gecko.config.json'),
    reportMd: join(out, 'report.md'),
    reportHtml: join(out, 'report.html'),
  };
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
  const p = outputPaths(out);
  const corpus = openCorpus(resolve(options.workspace ?? join(out, 'work')));
  const runner = new StageRunner(corpus.workspace, out, reporter);
  let llm: CachedLanguageModel | undefined;
  const openLlm = async (): Promise<CachedLanguageModel> => {
    if (llm) return llm;
    reporter.info(`loading teacher ${config.llm}`);
    llm = withLlmCache(
      await createLanguageModel(config.llm, {
        ...(config.llmKeyEnv ? { apiKeyEnv: config.llmKeyEnv } : {}),
        reporter,
      }),
      corpus.workspace,
    );
    return llm;
  };
  try {
    await writeIfChanged(p.config, `${JSON.stringify(config, null, 2)}\n`);
    const files = await Promise.all(
      config.corpus.map(async (f) => ({ path: resolve(f), sha256: await fileOrDirHash(f) })),
    );
    const ingest = await runner.run('ingest', inputHash({ files, chunk: config.ingest.chunk }), async () => {
      const results = await corpus.add(config.corpus, {
        ...(config.ingest.chunk ? { chunk: config.ingest.chunk } : {}),
        reporter,
      });
      const s = corpusStats(corpus.workspace);
      return {
        outputs: [],
        contentHash: await corpusFingerprint(corpus),
        summary: {
          passages: s.passages,
          avgChars: s.avgChars,
          added: results.reduce((a, r) => a + r.added, 0),
        },
      };
    });
    const h: Partial<Record<StageName, string>> = { ingest: ingest.outputHash };
    // The plan and the runs hash the same input files (tokenizer, extra sources, task folders): once each.
    const hashPath = onceFileHasher();
    const hashes = stageInputs(config, h, hashPath);
    const pairsHash = hashes.pairs();
    const pairs = await runner.run('pairs', pairsHash, async () => {
      const r = await writePairs(corpus, p.data, {
        seed: config.seed,
        holdout: config.eval.holdout,
        modes: config.pretrain.selfSupervised,
      });
      return { outputs: Object.values(r.files), summary: r.counts };
    });
    h.pairs = pairs.outputHash;
    const runName = `distill-${hashes.generate().slice(0, 10)}`;

    // The plan: each stage runs unless it and everything upstream of it is recorded as up to date.
    const actions = await planActions(runner, config, h, hashPath);
    const plan = estimatePlan(
      config,
      {
        passages: Number(ingest.summary.passages),
        avgChars: Number(ingest.summary.avgChars),
      },
      actions,
    );
    options.onPlan?.(plan);
    if (options.dryRun) return result(out, plan, runner, llm, []);

    const gen = await runner.run('generate', hashes.generate(), async () => {
      const s = await generateQueries(corpus, await openLlm(), {
        run: runName,
        ...(config.generate.limit ? { limit: config.generate.limit } : {}),
        sampleSeed: config.seed,
        ...(config.generate.families ? { families: config.generate.families.join(',') } : {}),
        retries: config.generate.retries,
        temperature: config.generate.temperature,
        maxTokens: config.generate.maxTokens,
        maxPassageChars: config.generate.maxPassageChars,
        concurrency: config.generate.concurrency,
        reporter,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const rows = new FretStore(corpus.workspace)
        .queries(runName)
        .map((q) => [q.item_id, q.status, q.task, q.query, q.reason]);
      return { outputs: [], contentHash: sha256(stableStringify(rows)), summary: { ...s } };
    });
    h.generate = gen.outputHash;
    const fretJsonl = join(p.fret, 'fret.jsonl');
    const mine = await runner.run('mine', hashes.mine(), async () => {
      const qrels = config.mine.judge.startsWith('qrels:');
      const judge = await createJudge(config.mine.judge, qrels ? undefined : await openLlm());
      if (judge.scoring === 'graded-judgement')
        reporter.warn(
          'the teacher gives no exact log-probabilities: candidates are ranked by graded relevance judgements (recorded as scoring "graded-judgement" in the dataset and report)',
        );
      const retriever = await openRetriever(corpus, retrieverSpec(config), {
        names: MINE_RETRIEVER_FIELDS,
        kinds: ['bm25', 'dense', 'hybrid'],
        reporter,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const s = await minePairs(corpus, judge, {
        run: runName,
        retriever,
        candidates: config.mine.candidates,
        negative: parseNegativeRule(config.mine.negative, 'mine.negative'),
        concurrency: config.mine.concurrency,
        reporter,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const prompts: Record<string, { source: string; sha256: string }> = {};
      for (const t of (judge as { prompts?: PromptTemplate[] }).prompts ?? [])
        prompts[t.role] = { source: t.source, sha256: t.sha256 };
      const m = await writeDataset(new FretStore(corpus.workspace), {
        run: runName,
        job: s.job,
        outDir: p.fret,
        scoring: judge.scoring,
        prompts,
      });
      return {
        outputs: [fretJsonl, join(p.fret, 'dataset.json')],
        summary: { examples: m.counts.examples, relabelRate: m.relabel.rate, job: s.job },
      };
    });
    h.mine = mine.outputHash;
    const split = await runner.run('split', hashes.split(), async () => {
      const r = await splitFret(fretJsonl, p.data, config.seed, config.eval.holdout);
      return { outputs: Object.values(r.files), summary: r.counts };
    });
    h.split = split.outputHash;

    const preHash = await hashes.pretrain();
    const pre = await runner.run('pretrain', preHash, async () => {
      const corpusJsonl = join(p.data, 'corpus.jsonl');
      const { tokenizer, source } = await studentTokenizer(config, corpusJsonl, reporter);
      const { model: student, init } = await initialStudent(tokenizer, config, {
        workspace: corpus.workspace,
        corpusTexts: corpusTexts(corpusJsonl),
        reporter,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const pairsFile = join(p.data, 'pairs.train.jsonl');
      const wordnet = Math.ceil(config.pretrain.wordnet * (await countJsonlRecords(pairsFile)));
      const s = await trainPhase(student, {
        sources: [
          { path: pairsFile, kind: 'triplets', format: 'raw' },
          ...(wordnet > 0 ? [{ path: BUILTIN_WORDNET, kind: 'wordnet' as const, limit: wordnet }] : []),
        ],
        outDir: p.pretrain,
        ...config.pretrain,
        matryoshka: config.train.matryoshka,
        preFinetune: true,
        seed: config.seed,
        inputHash: preHash,
        reporter,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { outputs: [join(p.pretrain, 'model')], summary: { ...s, tokenizer: source, init } };
    });
    h.pretrain = pre.outputHash;
    const trainHash = await hashes.train();
    const train = await runner.run('train', trainHash, async () => {
      const s = await trainPhase(await loadPhaseModel(p.pretrain, reporter), {
        sources: [
          { path: join(p.data, 'fret.train.jsonl'), kind: 'fret', weight: config.train.fretWeight },
          ...config.train.extra.map((s) => parseSourceSpec(s)),
        ],
        outDir: p.train,
        ...config.train,
        preFinetune: false,
        seed: config.seed,
        inputHash: trainHash,
        reporter,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      await publishModel(join(p.train, 'model'), p.model);
      // The effective configuration travels with the model, so it can be reproduced from the model alone.
      await atomicWriteFile(join(p.model, 'gecko.distill.json'), `${JSON.stringify(config, null, 2)}\n`);
      return { outputs: [p.model], summary: s };
    });
    h.train = train.outputHash;
    const ev = await runner.run('eval', await hashes.eval(), async () => {
      const dirs: string[] = [];
      const tasksRoot = join(p.eval, 'tasks');
      const corpusJsonl = join(p.data, 'corpus.jsonl');
      for (const [name, file, prompt] of [
        ['HeldOutTitles', 'heldout-titles.jsonl', 'search result'],
        ['HeldOutFRet', 'heldout-fret.jsonl', 'search result'],
      ] as const) {
        const dir = await writeHeldOutTask(tasksRoot, name, corpusJsonl, join(p.data, file), prompt);
        if (dir) dirs.push(dir);
      }
      const r = await evaluateStudent(config, p.model, dirs, p.eval, reporter);
      return { outputs: Object.values(r.files), summary: { rows: r.rows } };
    });
    h.eval = ev.outputHash;
    await runner.run('report', hashes.report(), async () => {
      const manifestPath = join(p.fret, 'dataset.json');
      const manifest = existsSync(manifestPath)
        ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as DatasetManifest)
        : null;
      const curves = [
        { title: 'Pre-finetuning (title → body, in-batch negatives)', file: 'pretrain/curves.svg' },
        { title: 'Fine-tuning (FRet mixture, Gecko loss)', file: 'train/curves.svg' },
      ].flatMap((c) => {
        const svg = readSvg(join(out, c.file));
        return svg ? [{ ...c, svg }] : [];
      });
      const evalResults = JSON.parse(readFileSync(join(p.eval, 'results.json'), 'utf8')) as EvalResults;
      const chartFile = join(p.eval, 'matryoshka.svg');
      const chartSvg = chart(evalResults.student);
      await atomicWriteFile(chartFile, `${chartSvg}\n`);
      const report = await renderDistillReport({
        config,
        plan,
        manifest,
        fretJsonl,
        curves,
        chart: { svg: chartSvg, file: 'eval/matryoshka.svg' },
        corpusJsonl: join(p.data, 'corpus.jsonl'),
        eval: evalResults,
      });
      await atomicWriteFile(p.reportMd, report.markdown);
      await atomicWriteFile(p.reportHtml, report.html);
      return { outputs: [p.reportMd, p.reportHtml, chartFile], summary: {} };
    });
    const scores = (runner.records.get('eval')?.summary.rows ?? []) as ScoreRow[];
    return result(out, plan, runner, llm, scores);
  } finally {
    await llm?.close();
    corpus.close();
  }
}

function result(
  out: string,
  plan: DistillPlan,
  runner: StageRunner,
  llm: CachedLanguageModel | undefined,
  scores: ScoreRow[],
): DistillResult {
  const p = outputPaths(out);
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
      dataset: join(p.fret, 'fret.jsonl'),
    },
  };
}

/** How retriever errors name the settings: by their config fields. */
const MINE_RETRIEVER_FIELDS = {
  kind: 'mine.retriever',
  embedder: 'mine.embedder',
  rrfK: 'mine.rrfK',
} as const;

/** FRet step 2's retriever as the config's `mine` group sets it (the same builder as `fret mine`'s). */
function retrieverSpec(config: DistillConfig): RetrieverSpec {
  const m = config.mine;
  return {
    kind: m.retriever,
    rrfK: m.rrfK,
    ...(m.embedder ? { embedder: m.embedder } : {}),
    ...(m.embedderKeyEnv ? { embedderKeyEnv: m.embedderKeyEnv } : {}),
  };
}

/** The texts of the training corpus (title and body), as the student's tokenizer is trained on them. */
async function* corpusTexts(path: string): AsyncGenerator<string> {
  for await (const d of readJsonlValues<{ title?: string; text: string }>(path))
    yield d.title ? `${d.title} ${d.text}` : d.text;
}

/** Writes a file only when its content differs, so an unchanged rerun leaves mtimes alone. */
async function writeIfChanged(path: string, text: string): Promise<void> {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  await atomicWriteFile(path, text);
}
