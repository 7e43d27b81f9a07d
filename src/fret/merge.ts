import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors/InputError.js';
import { UsageError } from '../errors/UsageError.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { stableStringify } from '../util/hash.js';
import { readJsonlLines } from '../util/jsonl.js';
import { DATASET_FILES, type DatasetManifest, sortKeys, toParquet, writeJsonl } from './dataset.js';
import type { FretExample } from './mine.js';
import { relabelStats } from './selection.js';
import { parseShard } from './shard.js';

/** What {@link mergeDatasets} did. */
export interface MergeSummary {
  inputs: number;
  examples: number;
  /** Lines whose id was already merged from another input (identical content: dropped). */
  duplicates: number;
  shards: string[];
  /** Shards of the n-way split that no input holds. */
  missingShards: string[];
}

/**
 * Combines FRet dataset folders written by shards of one job (`--shard i/n` on n machines) into one:
 * the examples in id order, and a manifest with summed counts, histograms and tokens and a relabel rate
 * recomputed over all examples. Inputs must come from the same settings apart from the shard, and the same
 * example must not differ between inputs.
 *
 * @throws InputError for an unreadable input or conflicting examples; UsageError for inputs of different jobs.
 */
export async function mergeDatasets(
  inputs: readonly string[],
  outDir: string,
  options: { parquet?: boolean } = {},
): Promise<MergeSummary> {
  if (inputs.length === 0) throw new UsageError('merge needs at least one dataset folder');
  const manifests = await Promise.all(inputs.map(readManifest));
  checkSameJob(inputs, manifests);
  const { shards, missing } = checkShards(inputs, manifests);
  const { examples, duplicates } = await readExamples(inputs);
  await writeJsonl(join(outDir, DATASET_FILES.jsonl), examples);
  if (options.parquet)
    await atomicWriteFile(join(outDir, DATASET_FILES.parquet), new Uint8Array(toParquet(examples)));
  const merged = mergeManifests(manifests, shards, examples, options.parquet ?? false);
  await atomicWriteFile(
    join(outDir, DATASET_FILES.manifest),
    `${JSON.stringify({ ...merged, missing_shards: missing }, null, 2)}\n`,
  );
  return {
    inputs: inputs.length,
    examples: examples.length,
    duplicates,
    shards: merged.shards,
    missingShards: missing,
  };
}

/** @throws UsageError when an input was made with other run, generation or mining settings than the first. */
function checkSameJob(inputs: readonly string[], manifests: readonly DatasetManifest[]): void {
  const identity = (m: DatasetManifest): string =>
    stableStringify({
      run: m.run,
      scoring: m.scoring,
      generate: withoutShard(m.config.generate),
      mine: withoutShard(m.config.mine),
    });
  const first = identity(manifests[0] as DatasetManifest);
  manifests.forEach((m, i) => {
    if (identity(m) !== first) {
      throw new UsageError(
        `${inputs[i]} was made with other settings than ${inputs[0]} (run, generation or mining settings differ); only shards of one job can be merged`,
      );
    }
  });
}

/**
 * The inputs' shards (in input order) and the shards of their split that none holds.
 * @throws UsageError for a shard given twice or shards of splits of different sizes.
 */
function checkShards(
  inputs: readonly string[],
  manifests: readonly DatasetManifest[],
): { shards: string[]; missing: string[] } {
  const shards = manifests.flatMap((m) => m.shards);
  const seen = new Set<string>();
  for (const [i, s] of shards.entries()) {
    if (seen.has(s)) throw new UsageError(`shard ${s} appears twice among the inputs (${inputs[i] ?? ''})`);
    seen.add(s);
  }
  const count = parseShard(shards[0] as string).count;
  for (const [i, s] of shards.entries()) {
    if (parseShard(s).count !== count) {
      throw new UsageError(
        `${inputs[i] ?? ''} holds shard ${s}, but ${inputs[0]} is from a ${count}-way split; only shards of one split can be merged`,
      );
    }
  }
  const missing = Array.from({ length: count }, (_, i) => `${i}/${count}`).filter((s) => !seen.has(s));
  return { shards, missing };
}

/**
 * Every input's examples in id order, each id once: a repeat must be the identical line (then it counts
 * as a duplicate), since shards of one job never produce the same example differently.
 * @throws InputError naming `file:line` for an example that differs from another input's.
 */
async function readExamples(
  inputs: readonly string[],
): Promise<{ examples: FretExample[]; duplicates: number }> {
  const byId = new Map<string, { line: string; example: FretExample }>();
  let duplicates = 0;
  for (const dir of inputs) {
    const file = join(dir, DATASET_FILES.jsonl);
    for await (const { line: n, text: line, value: example } of readJsonlLines<FretExample>(file)) {
      const prev = byId.get(example.id);
      if (prev) {
        if (prev.line !== line)
          throw new InputError(
            { file, line: n, field: 'id' },
            `example "${example.id}" differs from the one in another input`,
          );
        duplicates++;
        continue;
      }
      byId.set(example.id, { line, example });
    }
  }
  const examples = [...byId.values()]
    .sort((a, b) => (a.example.id < b.example.id ? -1 : 1))
    .map((x) => x.example);
  return { examples, duplicates };
}

/**
 * The merged dataset's manifest: the first input's settings, counts, histograms, failures and tokens
 * summed over the inputs, and the relabel rate and example counts recomputed over the merged examples.
 */
function mergeManifests(
  manifests: readonly DatasetManifest[],
  shards: readonly string[],
  examples: readonly FretExample[],
  parquet: boolean,
): DatasetManifest {
  const r = relabelStats(examples);
  const merged: DatasetManifest = {
    ...(manifests[0] as DatasetManifest),
    created_at: new Date().toISOString(),
    shards: [...shards].sort(),
    counts: sumRecords(manifests.map((m) => m.counts)) as DatasetManifest['counts'],
    task_families: sumRecords(manifests.map((m) => m.task_families)),
    relabel: { with_seed: r.withSeed, relabeled: r.relabeled, rate: r.rate },
    failures: {
      generate: sumRecords(manifests.map((m) => m.failures.generate)),
      mine: sumRecords(manifests.map((m) => m.failures.mine)),
    },
    tokens: {
      generate: sumRecords(manifests.map((m) => m.tokens.generate)) as DatasetManifest['tokens']['generate'],
      mine: sumRecords(manifests.map((m) => m.tokens.mine)) as DatasetManifest['tokens']['mine'],
    },
    files: { jsonl: DATASET_FILES.jsonl, parquet: parquet ? DATASET_FILES.parquet : null },
  };
  // Each shard's batch files, all of them (not only the first shard's).
  const batched = manifests.filter((m) => m.batch);
  if (batched.length > 0)
    merged.batch = {
      generate: batched.flatMap((m) => m.batch?.generate ?? []),
      mine: batched.flatMap((m) => m.batch?.mine ?? []),
    };
  merged.counts.examples = examples.length;
  merged.counts.with_negative = examples.filter((e) => e.negative !== null).length;
  return merged;
}

async function readManifest(dir: string): Promise<DatasetManifest> {
  const file = join(dir, DATASET_FILES.manifest);
  let m: DatasetManifest;
  try {
    m = JSON.parse(await readFile(file, 'utf8')) as DatasetManifest;
  } catch (e) {
    throw new InputError({ file }, `cannot read a FRet manifest: ${(e as Error).message}`, { cause: e });
  }
  if (m.format !== 'gecko-fret' || m.version !== 1 || !Array.isArray(m.shards)) {
    throw new InputError({ file, field: 'format' }, 'expected a gecko-fret version 1 manifest');
  }
  return m;
}

function withoutShard(config: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!config) return null;
  const { shard: _shard, ...rest } = config;
  return rest;
}

function sumRecords(records: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return sortKeys(out);
}
