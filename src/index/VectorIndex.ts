import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Index, ScalarKind } from 'usearch';
import { GeckoError } from '../errors/GeckoError.js';
import { UsageError } from '../errors/UsageError.js';
import { atomicWriteFile } from '../util/atomicWrite.js';
import { exactSearch, type TopK } from './exactSearch.js';

/** How vectors are stored in the HNSW graph. `binary` keeps one sign bit per dimension (Hamming distance). */
export type IndexQuantization = 'f32' | 'f16' | 'i8' | 'binary';
export const QUANTIZATIONS: readonly IndexQuantization[] = ['f32', 'f16', 'i8', 'binary'];

/** `exact` scans every vector (f32); `hnsw` is usearch's graph; `auto` picks exact below `exactBelow` rows. */
export type IndexKind = 'auto' | 'exact' | 'hnsw';

export interface VectorIndexOptions {
  /** @default 'auto' */
  kind?: IndexKind;
  /** HNSW storage. @default 'f32' */
  quantization?: IndexQuantization;
  /** Under `auto`, corpora smaller than this are searched exactly. @default 20_000 */
  exactBelow?: number;
  /** HNSW edges per node (usearch `connectivity`). @default 16 */
  connectivity?: number;
  /** HNSW candidate list while building. @default 128 */
  expansionAdd?: number;
  /** HNSW candidate list while searching; higher is slower and more exact. @default 64 */
  expansionSearch?: number;
}

export const DEFAULT_VECTOR_INDEX = {
  kind: 'auto',
  quantization: 'f32',
  exactBelow: 20_000,
  connectivity: 16,
  expansionAdd: 128,
  expansionSearch: 64,
} as const satisfies Required<VectorIndexOptions>;

type Resolved = Omit<Required<VectorIndexOptions>, 'kind'> & { kind: 'exact' | 'hnsw' };

/** What `index.json` records beside the vectors. */
export interface VectorIndexMeta {
  format: 'gecko-vector-index';
  version: 1;
  kind: 'exact' | 'hnsw';
  quantization: IndexQuantization;
  dimensions: number;
  count: number;
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  /** Free-form provenance: the model id, corpus, build time, recall. */
  info: Record<string, unknown>;
}

type Usearch = typeof import('usearch');
let usearch: Usearch | undefined;

/**
 * Loads usearch's native module on first HNSW use, not at import: importing gecko must not need it (exact
 * search and embedding do not). It goes through `require` because usearch's ES module build looks for its
 * binary from the caller's stack-trace file name, which recurses without end under `node -e` (RangeError);
 * the CommonJS build finds it from its own `__dirname`.
 */
function loadUsearch(): Usearch {
  if (usearch) return usearch;
  try {
    usearch = createRequire(import.meta.url)('usearch') as Usearch;
  } catch (e) {
    throw new GeckoError(
      `the HNSW index needs usearch's native module, which could not be loaded (${(e as Error).message}); ` +
        'reinstall gecko-embed, or use an exact index (--kind exact)',
      { code: 'USEARCH_MISSING' },
    );
  }
  return usearch;
}

function scalarKind(q: IndexQuantization): ScalarKind {
  const { ScalarKind } = loadUsearch();
  return { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8, binary: ScalarKind.B1 }[q];
}

/**
 * Nearest-neighbour search over L2-normalised embeddings: exact (a scan with the project's gemm kernel) for
 * small corpora, usearch's HNSW graph (f32, f16, i8 or binary codes) for large ones. Keys are row numbers in
 * insertion order; callers keep their own id list. Scores are cosine similarities (for binary, the cosine of
 * the sign vectors, 1 - 2 * hamming / dims).
 *
 * @example
 * const index = VectorIndex.build(vectors, rows, 256, { quantization: 'i8' });
 * const { keys, scores } = index.search(queryVec, 10);
 */
export class VectorIndex {
  readonly dimensions: number;
  readonly count: number;
  readonly options: Resolved;
  info: Record<string, unknown> = {};
  readonly #vectors: Float32Array | null;
  readonly #hnsw: Index | null;

  private constructor(
    dims: number,
    count: number,
    options: Resolved,
    vectors: Float32Array | null,
    hnsw: Index | null,
  ) {
    this.dimensions = dims;
    this.count = count;
    this.options = options;
    this.#vectors = vectors;
    this.#hnsw = hnsw;
  }

  /**
   * Indexes `count` rows of `dims` floats (row-major, normalised).
   * @throws {UsageError} on bad options or a vector buffer of the wrong size.
   */
  static build(
    vectors: Float32Array,
    count: number,
    dims: number,
    options: VectorIndexOptions = {},
  ): VectorIndex {
    if (vectors.length !== count * dims) {
      throw new UsageError(`expected ${count} x ${dims} = ${count * dims} floats, got ${vectors.length}`);
    }
    const r = resolve(options, count);
    if (r.kind === 'exact') return new VectorIndex(dims, count, r, vectors, null);
    const hnsw = newHnsw(dims, r);
    if (count > 0) {
      const keys = new BigUint64Array(count);
      for (let i = 0; i < count; i++) keys[i] = BigInt(i);
      // usearch casts float rows to the index's scalar itself (for b1: one bit per dimension, set when > 0).
      hnsw.add(keys, vectors);
    }
    return new VectorIndex(dims, count, r, null, hnsw);
  }

  /** The `k` nearest rows to one query vector, best first. */
  search(query: Float32Array, k: number): TopK {
    return this.searchBatch(query, 1, k)[0]!;
  }

  /** The `k` nearest rows to each of `nq` query vectors (row-major). */
  searchBatch(queries: Float32Array, nq: number, k: number): TopK[] {
    if (!Number.isInteger(k) || k <= 0) throw new UsageError(`k must be a positive integer, got ${k}`);
    if (queries.length !== nq * this.dimensions) {
      throw new UsageError(`queries must be ${nq} x ${this.dimensions} floats, got ${queries.length}`);
    }
    if (this.#vectors) return exactSearch(queries, nq, this.#vectors, this.count, this.dimensions, k);
    const out: TopK[] = [];
    const kk = Math.min(k, this.count);
    if (kk === 0)
      return Array.from({ length: nq }, () => ({ keys: new Int32Array(0), scores: new Float32Array(0) }));
    for (let q = 0; q < nq; q++) {
      const row = queries.subarray(q * this.dimensions, (q + 1) * this.dimensions);
      const m = this.#hnsw!.search(row, kk, 1);
      const keys = new Int32Array(m.keys.length);
      const scores = new Float32Array(m.keys.length);
      for (let i = 0; i < m.keys.length; i++) {
        keys[i] = Number(m.keys[i]!);
        scores[i] = this.#score(m.distances[i]!);
      }
      out.push({ keys, scores });
    }
    return out;
  }

  #score(distance: number): number {
    return this.options.quantization === 'binary' ? 1 - (2 * distance) / this.dimensions : 1 - distance;
  }

  /** Writes `index.json` and `vectors.f32` (exact) or `hnsw.usearch` into `dir`. */
  async save(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const o = this.options;
    if (this.#vectors) {
      const v = this.#vectors;
      await atomicWriteFile(join(dir, 'vectors.f32'), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    } else {
      // usearch writes the file itself: save beside it, then rename, so a crash never leaves half an index.
      const tmp = join(dir, `.hnsw.usearch.${process.pid}.tmp`);
      this.#hnsw!.save(tmp);
      await rename(tmp, join(dir, 'hnsw.usearch'));
    }
    const meta: VectorIndexMeta = {
      format: 'gecko-vector-index',
      version: 1,
      kind: o.kind,
      quantization: o.quantization,
      dimensions: this.dimensions,
      count: this.count,
      connectivity: o.connectivity,
      expansionAdd: o.expansionAdd,
      expansionSearch: o.expansionSearch,
      info: this.info,
    };
    await atomicWriteFile(join(dir, 'index.json'), `${JSON.stringify(meta, null, 2)}\n`);
  }

  /**
   * Reads an index written by {@link save}.
   * @throws {GeckoError} NO_INDEX when `dir` holds no index, or the files disagree.
   */
  static async load(dir: string): Promise<VectorIndex> {
    const metaPath = join(dir, 'index.json');
    if (!existsSync(metaPath)) {
      throw new GeckoError(`no vector index in ${dir}; build one with "gecko index build --model DIR"`, {
        code: 'NO_INDEX',
      });
    }
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as VectorIndexMeta;
    if (meta.format !== 'gecko-vector-index')
      throw new GeckoError(`${metaPath} is not a gecko vector index`, { code: 'NO_INDEX' });
    const r: Resolved = { ...meta, exactBelow: DEFAULT_VECTOR_INDEX.exactBelow };
    let index: VectorIndex;
    if (meta.kind === 'exact') {
      const bytes = await readFile(join(dir, 'vectors.f32'));
      if (bytes.byteLength !== meta.count * meta.dimensions * 4) {
        throw new GeckoError(
          `${dir}/vectors.f32 holds ${bytes.byteLength} bytes, expected ${meta.count * meta.dimensions * 4}`,
          { code: 'NO_INDEX' },
        );
      }
      const v = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      index = new VectorIndex(meta.dimensions, meta.count, r, v, null);
    } else {
      const hnsw = newHnsw(meta.dimensions, r);
      hnsw.load(join(dir, 'hnsw.usearch'));
      if (hnsw.size() !== meta.count) {
        throw new GeckoError(
          `${dir}/hnsw.usearch holds ${hnsw.size()} vectors, index.json says ${meta.count}`,
          { code: 'NO_INDEX' },
        );
      }
      index = new VectorIndex(meta.dimensions, meta.count, r, null, hnsw);
    }
    index.info = meta.info ?? {};
    return index;
  }
}

function resolve(options: VectorIndexOptions, count: number): Resolved {
  const o = { ...DEFAULT_VECTOR_INDEX, ...options };
  if (!QUANTIZATIONS.includes(o.quantization)) {
    throw new UsageError(`quantization must be one of ${QUANTIZATIONS.join(', ')}, got "${o.quantization}"`);
  }
  for (const key of ['exactBelow', 'connectivity', 'expansionAdd', 'expansionSearch'] as const) {
    if (!Number.isInteger(o[key]) || o[key] <= 0)
      throw new UsageError(`${key} must be a positive integer, got ${o[key]}`);
  }
  if (o.kind !== 'auto' && o.kind !== 'exact' && o.kind !== 'hnsw') {
    throw new UsageError(`kind must be auto, exact or hnsw, got "${o.kind}"`);
  }
  if (o.kind === 'exact' && o.quantization !== 'f32') {
    throw new UsageError(`exact search keeps float32 vectors; use kind "hnsw" for ${o.quantization}`);
  }
  const kind =
    o.kind === 'auto' ? (count < o.exactBelow && o.quantization === 'f32' ? 'exact' : 'hnsw') : o.kind;
  return { ...o, kind };
}

function newHnsw(dims: number, r: Resolved): Index {
  const { Index, MetricKind } = loadUsearch();
  return new Index({
    dimensions: dims,
    metric: r.quantization === 'binary' ? MetricKind.Hamming : MetricKind.Cos,
    quantization: scalarKind(r.quantization),
    connectivity: r.connectivity,
    expansion_add: r.expansionAdd,
    expansion_search: r.expansionSearch,
    multi: false,
  });
}
