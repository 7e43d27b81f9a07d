import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Corpus } from '../corpus/Corpus.js';
import { GeckoError } from '../errors/GeckoError.js';
import { UsageError } from '../errors/UsageError.js';
import type { StaticModel } from '../model/StaticModel.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import { exactSearch, recallAtK } from './exactSearch.js';
import { VectorIndex, type VectorIndexOptions } from './VectorIndex.js';

/** Where `gecko index build` writes inside a workspace, and `gecko serve` looks. */
export const DEFAULT_INDEX_DIR = 'vector-index';

export interface BuildCorpusIndexOptions extends VectorIndexOptions {
  /** Matryoshka prefix to index (queries are embedded at the same size). @default the model's dimension */
  dimensions?: number;
  /** Passages embedded per call. @default 1024 */
  batchSize?: number;
  /** Passages, taken evenly through the corpus, whose query-side embeddings measure recall@10. @default 200 */
  recallQueries?: number;
  reporter?: Reporter;
  signal?: AbortSignal;
}

/** A vector index over a corpus, with the passage id of each row. */
export interface CorpusIndex {
  index: VectorIndex;
  ids: string[];
}

/** What a build measured. */
export interface BuildReport {
  count: number;
  dimensions: number;
  kind: 'exact' | 'hnsw';
  quantization: string;
  embedSeconds: number;
  buildSeconds: number;
  /** recall@10 of the index against exact search over the same vectors (1 for an exact index). */
  recallAt10: number;
  recallQueries: number;
}

/**
 * Embeds every passage of `corpus` as a document (title and text in Gecko's format), indexes the vectors and
 * measures recall@10 against exact search, with query-side embeddings of passages spread through the corpus.
 *
 * @throws {UsageError} for bad options; {@link GeckoError} when the corpus is empty.
 * @example
 * const { index, ids, report } = await buildCorpusIndex(model, corpus, { quantization: 'i8' });
 */
export async function buildCorpusIndex(
  model: StaticModel,
  corpus: Corpus,
  options: BuildCorpusIndexOptions = {},
): Promise<CorpusIndex & { report: BuildReport }> {
  const dims = options.dimensions ?? model.dimensions;
  if (!Number.isInteger(dims) || dims <= 0 || dims > model.dimensions) {
    throw new UsageError(`dimensions must be an integer from 1 to ${model.dimensions}, got ${dims}`);
  }
  const batchSize = options.batchSize ?? 1024;
  const reporter = options.reporter ?? silentReporter;
  const total = corpus.count();
  if (total === 0)
    throw new GeckoError('the corpus is empty; add passages with "gecko corpus add FILE"', {
      code: 'NO_CORPUS',
    });
  const vectors = new Float32Array(total * dims);
  const ids: string[] = [];
  const progress = reporter.progress('embedding passages', { total });
  const t0 = performance.now();
  let batch: { title: string | null; text: string }[] = [];
  const flush = async (): Promise<void> => {
    const rows = await model.embed(batch, { kind: 'document', dimensions: dims, signal: options.signal });
    rows.forEach((r, i) => {
      vectors.set(r, (ids.length - batch.length + i) * dims);
    });
    progress.tick(batch.length);
    batch = [];
  };
  for await (const p of corpus) {
    if (ids.length === total) break; // passages added while building are left for the next build
    ids.push(p.id);
    batch.push({ title: p.title, text: p.text });
    if (batch.length === batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  progress.done();
  const count = ids.length;
  const embedSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const index = VectorIndex.build(vectors.subarray(0, count * dims), count, dims, options);
  const buildSeconds = (performance.now() - t1) / 1000;
  const sample = Math.min(options.recallQueries ?? 200, count);
  const recallAt10 = await measureRecall(model, corpus, ids, index, vectors, sample);
  const report: BuildReport = {
    count,
    dimensions: dims,
    kind: index.options.kind,
    quantization: index.options.quantization,
    embedSeconds,
    buildSeconds,
    recallAt10,
    recallQueries: sample,
  };
  index.info = { model: model.id, ...report, builtAt: new Date().toISOString() };
  return { index, ids, report };
}

async function measureRecall(
  model: StaticModel,
  corpus: Corpus,
  ids: string[],
  index: VectorIndex,
  vectors: Float32Array,
  sample: number,
): Promise<number> {
  if (sample === 0) return 0;
  const step = ids.length / sample;
  const picked = Array.from({ length: sample }, (_, i) => ids[Math.floor(i * step)]!);
  const texts = corpus.getMany(picked).map((p) => p.text);
  const dims = index.dimensions;
  const queries = await model.embed(texts, { kind: 'query', dimensions: dims });
  const flat = new Float32Array(queries.length * dims);
  queries.forEach((q, i) => {
    flat.set(q, i * dims);
  });
  const exact = exactSearch(flat, queries.length, vectors, index.count, dims, 10);
  const approx = index.searchBatch(flat, queries.length, 10);
  return recallAtK(
    approx.map((a) => a.keys),
    exact.map((e) => e.keys),
    10,
  );
}

/** Saves an index and its passage ids into `dir`. */
export async function saveCorpusIndex(ci: CorpusIndex, dir: string): Promise<void> {
  await ci.index.save(dir);
  await atomicWriteFile(join(dir, 'ids.json'), JSON.stringify(ci.ids));
}

/**
 * Loads an index saved by {@link saveCorpusIndex}.
 * @throws {GeckoError} NO_INDEX when `dir` holds none or its files disagree.
 */
export async function loadCorpusIndex(dir: string): Promise<CorpusIndex> {
  const index = await VectorIndex.load(dir);
  const idsPath = join(dir, 'ids.json');
  if (!existsSync(idsPath))
    throw new GeckoError(`${idsPath} is missing; rebuild the index`, { code: 'NO_INDEX' });
  const ids = JSON.parse(await readFile(idsPath, 'utf8')) as string[];
  if (ids.length !== index.count) {
    throw new GeckoError(`${idsPath} lists ${ids.length} ids for ${index.count} vectors; rebuild the index`, {
      code: 'NO_INDEX',
    });
  }
  return { index, ids };
}
