import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { VERSION } from '../version.js';
import type { Judge } from './judge/Judge.js';
import type { FretExample } from './mine.js';
import type { PromptTemplate } from './prompts.js';
import { relabelStats } from './selection.js';
import type { BatchLogEntry, FretStore } from './store.js';

/** File names inside a FRet dataset folder. */
export const DATASET_FILES = {
  jsonl: 'fret.jsonl',
  parquet: 'fret.parquet',
  manifest: 'dataset.json',
} as const;

/** `dataset.json`: what a FRet dataset holds and how it was made. */
export interface DatasetManifest {
  format: 'gecko-fret';
  version: 1;
  gecko: string;
  created_at: string;
  run: string;
  job: string;
  /** `i/n` of each shard the dataset contains. */
  shards: string[];
  scoring: string;
  counts: {
    seeds: number;
    queries: number;
    generation_failed: number;
    mined: number;
    mining_failed: number;
    examples: number;
    with_negative: number;
  };
  /** Examples per task family. */
  task_families: Record<string, number>;
  relabel: { with_seed: number; relabeled: number; rate: number | null };
  failures: { generate: Record<string, number>; mine: Record<string, number> };
  tokens: {
    generate: { prompt: number; completion: number };
    mine: { prompt: number; completion: number; scored: number };
  };
  /** Content hashes of every prompt used (generate, query likelihood, relevance, graded). */
  prompts: Record<string, { source: string; sha256: string }>;
  config: { generate: Record<string, unknown> | null; mine: Record<string, unknown> };
  /**
   * Present when LLM work of the run went through a provider's batch service: the Batch API files of
   * step 1 (`generate`) and of this mining job (`mine`; its scores were then read from the LLM cache the
   * imports filled), with their counts.
   */
  batch?: { generate: BatchLogEntry[]; mine: BatchLogEntry[] };
  files: { jsonl: string; parquet: string | null };
}

/** The manifest's `prompts` entries for a judge's templates (LLM and graded judges have some, qrels none). */
export function judgePrompts(judge: Judge): Record<string, { source: string; sha256: string }> {
  const prompts: Record<string, { source: string; sha256: string }> = {};
  for (const t of (judge as { prompts?: PromptTemplate[] }).prompts ?? [])
    prompts[t.role] = { source: t.source, sha256: t.sha256 };
  return prompts;
}

/**
 * Writes a mining job's dataset from the workspace records into `outDir`: `fret.jsonl` (one example per
 * line, in item order), optionally `fret.parquet`, and the `dataset.json` manifest. Every file is written
 * to a temporary name and renamed, so a reader never sees a torn dataset; rerunning rewrites identical data.
 */
export async function writeDataset(
  store: FretStore,
  args: {
    run: string;
    job: string;
    outDir: string;
    parquet?: boolean;
    scoring: string;
    prompts: Record<string, { source: string; sha256: string }>;
  },
): Promise<DatasetManifest> {
  const { run, job, outDir } = args;
  await mkdir(outDir, { recursive: true });
  const rows = store.examples(run, job);
  const examples: FretExample[] = [];
  const mineFailures: Record<string, number> = {};
  const tokens = { prompt: 0, completion: 0, scored: 0 };
  for (const r of rows) {
    tokens.prompt += r.prompt_tokens;
    tokens.completion += r.completion_tokens;
    tokens.scored += r.scored_tokens;
    if (r.status === 'ok') examples.push(JSON.parse(r.example as string) as FretExample);
    else mineFailures[r.reason ?? '?'] = (mineFailures[r.reason ?? '?'] ?? 0) + 1;
  }
  await writeJsonl(join(outDir, DATASET_FILES.jsonl), examples);
  if (args.parquet)
    await atomicWriteFile(join(outDir, DATASET_FILES.parquet), new Uint8Array(toParquet(examples)));

  const queries = store.queries(run);
  const genFailures: Record<string, number> = {};
  const genTokens = { prompt: 0, completion: 0 };
  for (const q of queries) {
    genTokens.prompt += q.prompt_tokens;
    genTokens.completion += q.completion_tokens;
    if (q.status === 'failed') genFailures[q.reason ?? '?'] = (genFailures[q.reason ?? '?'] ?? 0) + 1;
  }
  const generateConfig = store.jobConfig(run, 'generate') ?? null;
  const mineConfig = store.jobConfig(run, job) ?? {};
  const families: Record<string, number> = {};
  for (const e of examples) families[e.family] = (families[e.family] ?? 0) + 1;
  const relabel = relabelStats(examples);
  const genPrompt = generateConfig?.prompt as { source: string; sha256: string } | undefined;
  const manifest: DatasetManifest = {
    format: 'gecko-fret',
    version: 1,
    gecko: VERSION,
    created_at: new Date().toISOString(),
    run,
    job,
    shards: [String(mineConfig.shard ?? '0/1')],
    scoring: args.scoring,
    counts: {
      seeds: queries.filter((q) => q.seed_id !== null).length,
      queries: queries.filter((q) => q.status === 'ok').length,
      generation_failed: queries.filter((q) => q.status === 'failed').length,
      mined: rows.length,
      mining_failed: rows.length - examples.length,
      examples: examples.length,
      with_negative: examples.filter((e) => e.negative !== null).length,
    },
    task_families: sortKeys(families),
    relabel: { with_seed: relabel.withSeed, relabeled: relabel.relabeled, rate: relabel.rate },
    failures: { generate: sortKeys(genFailures), mine: sortKeys(mineFailures) },
    tokens: { generate: genTokens, mine: tokens },
    prompts: { ...(genPrompt ? { generate: genPrompt } : {}), ...args.prompts },
    config: { generate: generateConfig, mine: mineConfig },
    ...batchSection(store, run, job),
    files: { jsonl: DATASET_FILES.jsonl, parquet: args.parquet ? DATASET_FILES.parquet : null },
  };
  await atomicWriteFile(join(outDir, DATASET_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Writes values as JSON lines to a temporary file in ~1 MB chunks and renames it over `path`: bounded
 * memory for millions of examples (values may be produced asynchronously), and readers never see a torn
 * file. Creates the folder.
 */
export async function writeJsonl(
  path: string,
  values: Iterable<unknown> | AsyncIterable<unknown>,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const file = await open(tmp, 'w');
  try {
    let chunk = '';
    for await (const v of values) {
      chunk += `${JSON.stringify(v)}\n`;
      if (chunk.length > 1 << 20) {
        await file.write(chunk);
        chunk = '';
      }
    }
    if (chunk) await file.write(chunk);
    await file.close();
    await rename(tmp, path);
  } catch (e) {
    await file.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

/** The dataset as Parquet columns: passages flattened, the nested score tables as JSON strings. */
export function toParquet(examples: readonly FretExample[]): ArrayBuffer {
  const col = <T>(f: (e: FretExample) => T): T[] => examples.map(f);
  const json = (f: (e: FretExample) => unknown): string[] => examples.map((e) => JSON.stringify(f(e)));
  return parquetWriteBuffer({
    columnData: [
      { name: 'id', data: col((e) => e.id), type: 'STRING' },
      { name: 'task', data: col((e) => e.task), type: 'STRING' },
      { name: 'query', data: col((e) => e.query), type: 'STRING' },
      { name: 'family', data: col((e) => e.family), type: 'STRING' },
      { name: 'positive_id', data: col((e) => e.positive.id), type: 'STRING' },
      { name: 'positive_title', data: col((e) => e.positive.title), type: 'STRING' },
      { name: 'positive_text', data: col((e) => e.positive.text), type: 'STRING' },
      { name: 'negative_id', data: col((e) => e.negative?.id ?? null), type: 'STRING' },
      { name: 'negative_title', data: col((e) => e.negative?.title ?? null), type: 'STRING' },
      { name: 'negative_text', data: col((e) => e.negative?.text ?? null), type: 'STRING' },
      { name: 'seed_id', data: col((e) => e.seed_id), type: 'STRING' },
      { name: 'relabeled', data: col((e) => e.relabeled), type: 'BOOLEAN' },
      { name: 'candidates', data: json((e) => e.candidates), type: 'JSON' },
      { name: 'scores', data: json((e) => e.scores), type: 'JSON' },
      { name: 'ranks', data: json((e) => e.ranks), type: 'JSON' },
      { name: 'llm', data: json((e) => e.llm), type: 'JSON' },
    ],
  });
}

function batchSection(store: FretStore, run: string, job: string): Pick<DatasetManifest, 'batch'> {
  const generate = store.batchLog(run, 'generate');
  const mine = store.batchLog(run, job);
  return generate.length + mine.length > 0 ? { batch: { generate, mine } } : {};
}

/** The record with its keys in sorted order (stable manifests). */
export function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}
