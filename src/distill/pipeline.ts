import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Corpus } from '../corpus/Corpus.js';
import { corpusStats } from '../corpus/stats.js';
import { chart } from '../eval/report/report.js';
import { type DatasetManifest, judgePrompts, writeDataset } from '../fret/dataset.js';
import { generateQueries } from '../fret/generate.js';
import { createJudge } from '../fret/judge/createJudge.js';
import { minePairs } from '../fret/mine.js';
import { openRetriever, type RetrieverSpec } from '../fret/retrieve/openRetriever.js';
import { parseNegativeRule } from '../fret/selection.js';
import { FretStore } from '../fret/store.js';
import type { CachedLanguageModel } from '../llm/cache/withLlmCache.js';
import { BUILTIN_WORDNET } from '../train/data/readers.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { sha256, stableStringify } from '../util/hash.js';
import { countJsonlRecords, readJsonlValues } from '../util/jsonl.js';
import type { Reporter } from '../util/Reporter.js';
import type { DistillConfig } from './config.js';
import { splitFret, writeHeldOutTask, writePairs } from './data.js';
import { type EvalResults, evaluateStudent } from './evaluate.js';
import { corpusFingerprint } from './inputs.js';
import { parseSourceSpec } from './parse.js';
import type { OutputPaths } from './paths.js';
import type { DistillPlan } from './plan.js';
import { readSvg, renderDistillReport } from './report.js';
import { inputHash, STAGES, type StageName, type StageOutput, type StageRunner } from './stages.js';
import { loadPhaseModel, publishModel, studentTokenizer, trainPhase } from './student.js';
import { initialStudent, teacherEmbedderSpec } from './teacherInit.js';

/** What a stage's input hash is computed from: the settings and the upstream stages' output hashes. */
export interface StageInputs {
  config: DistillConfig;
  /** Output hashes of the stages recorded so far (simulated ones while planning). */
  h: Partial<Record<StageName, string>>;
  /** Hashes a file the settings name (tokenizer, extra sources, task folders, corpus files); once each. */
  hashPath: (path: string) => Promise<string>;
}

/** What a stage's run reads and writes with. */
export interface StageContext extends StageInputs {
  out: string;
  paths: OutputPaths;
  corpus: Corpus;
  reporter: Reporter;
  signal?: AbortSignal;
  /** The teacher, loaded on first use (only a stage that runs and needs it loads it). */
  openLlm(): Promise<CachedLanguageModel>;
  /** Set once the plan is made (after the stages that run before it). */
  plan?: DistillPlan;
}

/** One stage of the pipeline: its input hash, and the work it does when that hash is not up to date. */
export interface Stage {
  name: StageName;
  /** Runs before the plan is made: the plan is estimated from what it produced (the corpus). */
  beforePlan: boolean;
  inputs(x: StageInputs): string | Promise<string>;
  /** The stage's work; `hash` is its input hash (training records it with its checkpoints). */
  run(x: StageContext, hash: string): Promise<StageOutput>;
}

type StageDefinition = Omit<Stage, 'name' | 'beforePlan'> & { beforePlan?: boolean };

const signalOf = (x: StageContext) => (x.signal ? { signal: x.signal } : {});

async function fileHashes(x: StageInputs, paths: readonly (string | null)[]): Promise<(string | null)[]> {
  return Promise.all(paths.map((p) => (p ? x.hashPath(p) : null)));
}

/** FRet step 1's input hash, which also names the FRet run (so other settings start a new run). */
function generateInputs({ config: c, h }: StageInputs): string {
  return inputHash({ ingest: h.ingest, llm: c.llm, generate: c.generate, seed: c.seed });
}

/** The FRet run a distillation's queries and examples are recorded under. */
export function fretRunName(x: StageInputs): string {
  return `distill-${generateInputs(x).slice(0, 10)}`;
}

/**
 * The mining settings the mine stage's hash covers. The retriever's count only when it is not the default
 * BM25 (the embedder's key variable never: it changes no result), so records written before
 * `mine.retriever` existed stay up to date.
 */
function mineSettings(m: DistillConfig['mine']): Record<string, unknown> {
  const { retriever, embedder, embedderKeyEnv: _, rrfK, ...rest } = m;
  if (retriever === 'bm25') return rest;
  return { ...rest, retriever, embedder, ...(retriever === 'hybrid' ? { rrfK } : {}) };
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

const ingest: StageDefinition = {
  beforePlan: true,
  inputs: async ({ config, hashPath }) => {
    const files = await Promise.all(
      config.corpus.map(async (f) => ({ path: resolve(f), sha256: await hashPath(f) })),
    );
    return inputHash({ files, chunk: config.ingest.chunk });
  },
  run: async ({ config, corpus, reporter }) => {
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
  },
};

const pairs: StageDefinition = {
  beforePlan: true,
  inputs: ({ config: c, h }) =>
    inputHash({ ingest: h.ingest, seed: c.seed, holdout: c.eval.holdout, modes: c.pretrain.selfSupervised }),
  run: async ({ config, corpus, paths }) => {
    const r = await writePairs(corpus, paths.data, {
      seed: config.seed,
      holdout: config.eval.holdout,
      modes: config.pretrain.selfSupervised,
    });
    return { outputs: Object.values(r.files), summary: r.counts };
  },
};

const generate: StageDefinition = {
  inputs: generateInputs,
  run: async (x) => {
    const { config, corpus } = x;
    const run = fretRunName(x);
    const s = await generateQueries(corpus, await x.openLlm(), {
      run,
      ...(config.generate.limit ? { limit: config.generate.limit } : {}),
      sampleSeed: config.seed,
      ...(config.generate.families ? { families: config.generate.families.join(',') } : {}),
      retries: config.generate.retries,
      temperature: config.generate.temperature,
      maxTokens: config.generate.maxTokens,
      maxPassageChars: config.generate.maxPassageChars,
      concurrency: config.generate.concurrency,
      reporter: x.reporter,
      ...signalOf(x),
    });
    const rows = new FretStore(corpus.workspace)
      .queries(run)
      .map((q) => [q.item_id, q.status, q.task, q.query, q.reason]);
    return { outputs: [], contentHash: sha256(stableStringify(rows)), summary: { ...s } };
  },
};

const mine: StageDefinition = {
  inputs: ({ config: c, h }) =>
    inputHash({
      generate: h.generate,
      mine: mineSettings(c.mine),
      llm: c.mine.judge.startsWith('qrels:') ? null : c.llm,
    }),
  run: async (x) => {
    const { config, corpus, reporter, paths } = x;
    const qrels = config.mine.judge.startsWith('qrels:');
    const judge = await createJudge(config.mine.judge, qrels ? undefined : await x.openLlm());
    if (judge.scoring === 'graded-judgement')
      reporter.warn(
        'the teacher gives no exact log-probabilities: candidates are ranked by graded relevance judgements (recorded as scoring "graded-judgement" in the dataset and report)',
      );
    const retriever = await openRetriever(corpus, retrieverSpec(config), {
      names: MINE_RETRIEVER_FIELDS,
      kinds: ['bm25', 'dense', 'hybrid'],
      reporter,
      ...signalOf(x),
    });
    const run = fretRunName(x);
    const s = await minePairs(corpus, judge, {
      run,
      retriever,
      candidates: config.mine.candidates,
      negative: parseNegativeRule(config.mine.negative, 'mine.negative'),
      concurrency: config.mine.concurrency,
      reporter,
      ...signalOf(x),
    });
    const m = await writeDataset(new FretStore(corpus.workspace), {
      run,
      job: s.job,
      outDir: paths.fret,
      scoring: judge.scoring,
      prompts: judgePrompts(judge),
    });
    return {
      outputs: [paths.fretJsonl, join(paths.fret, 'dataset.json')],
      summary: { examples: m.counts.examples, relabelRate: m.relabel.rate, job: s.job },
    };
  },
};

const split: StageDefinition = {
  inputs: ({ config: c, h }) => inputHash({ mine: h.mine, seed: c.seed, holdout: c.eval.holdout }),
  run: async ({ config, paths }) => {
    const r = await splitFret(paths.fretJsonl, paths.data, config.seed, config.eval.holdout);
    return { outputs: Object.values(r.files), summary: r.counts };
  },
};

const pretrain: StageDefinition = {
  inputs: async (x) => {
    const { config: c, h } = x;
    return inputHash({
      pairs: h.pairs,
      student: c.student,
      // With init auto the teacher may be the LLM itself: the spec in use, not only the setting.
      teacher: teacherEmbedderSpec(c),
      files: await fileHashes(x, [c.student.tokenizer, c.student.vocab]),
      pretrain: c.pretrain,
      matryoshka: c.train.matryoshka,
      seed: c.seed,
    });
  },
  run: async (x, hash) => {
    const { config, paths, reporter } = x;
    const corpusJsonl = join(paths.data, 'corpus.jsonl');
    const { tokenizer, source } = await studentTokenizer(config, corpusJsonl, reporter);
    const { model: student, init } = await initialStudent(tokenizer, config, {
      workspace: x.corpus.workspace,
      corpusTexts: corpusTexts(corpusJsonl),
      reporter,
      ...signalOf(x),
    });
    const pairsFile = join(paths.data, 'pairs.train.jsonl');
    const wordnet = Math.ceil(config.pretrain.wordnet * (await countJsonlRecords(pairsFile)));
    const s = await trainPhase(student, {
      sources: [
        { path: pairsFile, kind: 'triplets', format: 'raw' },
        ...(wordnet > 0 ? [{ path: BUILTIN_WORDNET, kind: 'wordnet' as const, limit: wordnet }] : []),
      ],
      outDir: paths.pretrain,
      ...config.pretrain,
      matryoshka: config.train.matryoshka,
      preFinetune: true,
      seed: config.seed,
      inputHash: hash,
      reporter,
      ...signalOf(x),
    });
    return { outputs: [join(paths.pretrain, 'model')], summary: { ...s, tokenizer: source, init } };
  },
};

const train: StageDefinition = {
  inputs: async (x) => {
    const { config: c, h } = x;
    return inputHash({
      pretrain: h.pretrain,
      split: h.split,
      train: c.train,
      extra: await fileHashes(
        x,
        c.train.extra.map((s) => parseSourceSpec(s).path),
      ),
      seed: c.seed,
    });
  },
  run: async (x, hash) => {
    const { config, paths, reporter } = x;
    const s = await trainPhase(await loadPhaseModel(paths.pretrain, reporter), {
      sources: [
        { path: join(paths.data, 'fret.train.jsonl'), kind: 'fret', weight: config.train.fretWeight },
        ...config.train.extra.map((s) => parseSourceSpec(s)),
      ],
      outDir: paths.train,
      ...config.train,
      preFinetune: false,
      seed: config.seed,
      inputHash: hash,
      reporter,
      ...signalOf(x),
    });
    await publishModel(join(paths.train, 'model'), paths.model);
    // The effective configuration travels with the model, so it can be reproduced from the model alone.
    await atomicWriteFile(join(paths.model, 'gecko.distill.json'), `${JSON.stringify(config, null, 2)}\n`);
    return { outputs: [paths.model], summary: s };
  },
};

const evaluation: StageDefinition = {
  // Local task folders are hashed too, so edited evaluation data is evaluated again.
  inputs: async (x) => {
    const { config: c, h } = x;
    return inputHash({
      train: h.train,
      pairs: h.pairs,
      split: h.split,
      eval: c.eval,
      taskData: await fileHashes(
        x,
        c.eval.tasks.map((t) => (c.eval.data ? join(c.eval.data, t) : null)),
      ),
      seed: c.seed,
    });
  },
  run: async ({ config, paths, reporter }) => {
    const dirs: string[] = [];
    const tasksRoot = join(paths.eval, 'tasks');
    const corpusJsonl = join(paths.data, 'corpus.jsonl');
    for (const [name, file, prompt] of [
      ['HeldOutTitles', 'heldout-titles.jsonl', 'search result'],
      ['HeldOutFRet', 'heldout-fret.jsonl', 'search result'],
    ] as const) {
      const dir = await writeHeldOutTask(tasksRoot, name, corpusJsonl, join(paths.data, file), prompt);
      if (dir) dirs.push(dir);
    }
    const r = await evaluateStudent(config, paths.model, dirs, paths.eval, reporter);
    return { outputs: Object.values(r.files), summary: { rows: r.rows } };
  },
};

const report: StageDefinition = {
  inputs: ({ config, h }) =>
    inputHash({ mine: h.mine, pretrain: h.pretrain, train: h.train, eval: h.eval, config }),
  run: async ({ config, out, paths: p, plan }) => {
    const manifestPath = join(p.fret, 'dataset.json');
    const manifest = existsSync(manifestPath)
      ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as DatasetManifest)
      : null;
    const curves = [
      {
        title: `Pre-finetuning (${preFinetuningPairs(config)}, in-batch negatives)`,
        file: 'pretrain/curves.svg',
      },
      { title: 'Fine-tuning (FRet mixture, Gecko loss)', file: 'train/curves.svg' },
    ].flatMap((c) => {
      const svg = readSvg(join(out, c.file));
      return svg ? [{ ...c, svg }] : [];
    });
    const evalResults = JSON.parse(readFileSync(join(p.eval, 'results.json'), 'utf8')) as EvalResults;
    const chartFile = join(p.eval, 'matryoshka.svg');
    const chartSvg = chart(evalResults.student);
    await atomicWriteFile(chartFile, `${chartSvg}\n`);
    const r = await renderDistillReport({
      config,
      plan: plan as DistillPlan,
      manifest,
      fretJsonl: p.fretJsonl,
      curves,
      chart: { svg: chartSvg, file: 'eval/matryoshka.svg' },
      corpusJsonl: join(p.data, 'corpus.jsonl'),
      eval: evalResults,
    });
    await atomicWriteFile(p.reportMd, r.markdown);
    await atomicWriteFile(p.reportHtml, r.html);
    return { outputs: [p.reportMd, p.reportHtml, chartFile], summary: {} };
  },
};

const DEFINITIONS: Record<StageName, StageDefinition> = {
  ingest,
  pairs,
  generate,
  mine,
  split,
  pretrain,
  train,
  eval: evaluation,
  report,
};

/** The pipeline, in order: every stage's name, input hash and work, which distill, the plan and resume read. */
export const PIPELINE: readonly Stage[] = STAGES.map((name) => ({
  name,
  ...DEFINITIONS[name],
  beforePlan: DEFINITIONS[name].beforePlan ?? false,
}));

/** Runs (or skips, when up to date) one stage and records its output hash for the stages downstream. */
export async function runStage(stage: Stage, x: StageContext, runner: StageRunner): Promise<void> {
  const hash = await stage.inputs(x);
  const rec = await runner.run(stage.name, hash, () => stage.run(x, hash));
  x.h[stage.name] = rec.outputHash;
}

/**
 * Which stages will run. The stages before the plan have run already (their records say whether they were
 * skipped); from there it walks the chain while stored records match, and after the first change all run.
 */
export async function planActions(
  runner: StageRunner,
  x: StageInputs,
): Promise<Record<StageName, 'run' | 'skip'>> {
  const actions = Object.fromEntries(STAGES.map((s) => [s, 'run'])) as Record<StageName, 'run' | 'skip'>;
  const sim: StageInputs = { ...x, h: { ...x.h } };
  for (const stage of PIPELINE) {
    if (stage.beforePlan) {
      actions[stage.name] = runner.records.get(stage.name)?.skipped ? 'skip' : 'run';
      continue;
    }
    if (!(await runner.upToDate(stage.name, await stage.inputs(sim)))) break;
    actions[stage.name] = 'skip';
    sim.h[stage.name] = runner.stored(stage.name)?.outputHash;
  }
  return actions;
}

/** The texts of the training corpus (title and body), as the student's tokenizer is trained on them. */
async function* corpusTexts(path: string): AsyncGenerator<string> {
  for await (const d of readJsonlValues<{ title?: string; text: string }>(path))
    yield d.title ? `${d.title} ${d.text}` : d.text;
}

/** The report's name for the pre-finetuning data: the self-supervised modes, and WordNet when added. */
function preFinetuningPairs(config: DistillConfig): string {
  const names = { 'title-body': 'title → body', 'first-sentence': 'first sentence → rest', cloze: 'cloze' };
  const parts: string[] = config.pretrain.selfSupervised.map((m) => names[m]);
  if (config.pretrain.wordnet > 0) parts.push('WordNet');
  return parts.join(', ');
}
