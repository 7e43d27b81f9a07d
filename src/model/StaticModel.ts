import { UsageError } from '../errors/UsageError.js';
import { l2NormalizeRows } from '../math/normalize.js';
import { meanPool } from '../math/pool.js';
import { createRng } from '../math/rng.js';
import { type Reporter, silentReporter } from '../util/Reporter.js';
import type { Embedder, EmbedInput, EmbedOptions } from './Embedder.js';
import { ModelError } from './ModelError.js';
import { dequantizeInPlace, PRECISIONS, type Precision, packBits, quantizeInt8 } from './quantize.js';
import {
  isTermFrequency,
  saturateTermFrequency,
  TERM_FREQUENCY_MODES,
  type TermFrequency,
} from './termFrequency.js';
import {
  DEFAULT_MAX_LENGTH,
  type EncodeBatchOptions,
  type TokenBatch,
  type Tokenizer,
} from './tokenizer/Tokenizer.js';
import { formatInput } from './unifiedFormat.js';

/** Settings stored with a model (in `gecko.json`). */
export interface StaticModelConfig {
  /** Tokens kept per text; longer texts are cut and counted. @default 512 */
  maxLength?: number;
  /** Matryoshka dimensions the model was trained for (informational; any prefix works). */
  matryoshkaDims?: number[];
  /**
   * How repeated tokens of a text are pooled: `linear` (every occurrence, model2vec's mean pooling), `sqrt` or
   * `log` (each distinct token once, weighted by sqrt(tf) or 1 + ln tf; see `termFrequency.ts`).
   * @default 'linear'
   */
  termFrequency?: TermFrequency;
  /** Free-form provenance (training command, data, seed). */
  [key: string]: unknown;
}

export interface StaticModelInit {
  tokenizer: Tokenizer;
  /** Token table E, vocabSize x dim, row-major. */
  table: Float32Array;
  dim: number;
  /** Optional learned per-token weights (length vocabSize); pooled = mean_t w[t] E[t]. */
  weights?: Float32Array | null;
  config?: StaticModelConfig;
  /** Where truncation counts are reported. @default silentReporter */
  reporter?: Reporter;
}

/** Compact codes from {@link StaticModel.embedQuantized}: rows x dims values (or packed bytes for binary). */
export interface QuantizedEmbeddings {
  precision: Precision;
  rows: number;
  dims: number;
  /** float32: Float32Array rows*dims; int8: Int8Array rows*dims; binary: Uint8Array rows*ceil(dims/8). */
  data: Float32Array | Int8Array | Uint8Array;
  /** int8 only: the per-row scale that maps codes back to the normalised vector. */
  scales?: Float32Array;
}

export interface CreateStaticModelOptions {
  /** @default 42 */
  seed?: number;
  /** Standard deviation of the random initial table. @default 0.1 */
  initScale?: number;
  /** Learn per-token weights (initialised to 1). @default false */
  tokenWeights?: boolean;
  config?: StaticModelConfig;
}

/**
 * The static student: a token table E (V x d), mean pooling with optional per-token weights, then L2
 * normalisation. Inputs are put in Gecko's unified format by `kind`/`task` before tokenising. Matryoshka
 * truncation keeps a prefix of the pooled vector and re-normalises it.
 * Pure: no Node APIs (bundled for the browser); see `formats/` for loading and saving.
 *
 * @example
 * const model = await loadStaticModel('out/model');
 * const [q] = await model.embed(['how do geckos climb'], { kind: 'query', dimensions: 256 });
 */
export class StaticModel implements Embedder {
  readonly tokenizer: Tokenizer;
  readonly table: Float32Array;
  readonly dimensions: number;
  readonly weights: Float32Array | null;
  readonly config: StaticModelConfig;
  private readonly reporter: Reporter;
  private cachedId: string | null = null;
  /** Texts truncated to `maxLength` since the model was created. */
  truncatedTotal = 0;

  constructor(init: StaticModelInit) {
    const { tokenizer, table, dim } = init;
    if (!Number.isInteger(dim) || dim <= 0)
      throw new ModelError('model', `dimension must be a positive integer, got ${dim}`);
    if (table.length % dim !== 0 || table.length / dim !== tokenizer.vocabSize) {
      throw new ModelError(
        'model',
        `the token table has ${table.length / dim} rows of ${dim} but the tokenizer has ${tokenizer.vocabSize} tokens; a table needs one row per token id`,
      );
    }
    if (init.weights && init.weights.length !== tokenizer.vocabSize) {
      throw new ModelError(
        'model',
        `token weights have ${init.weights.length} entries, expected ${tokenizer.vocabSize}`,
      );
    }
    const tf = init.config?.termFrequency;
    if (tf !== undefined && !isTermFrequency(tf)) {
      throw new ModelError(
        'model',
        `config termFrequency must be one of ${TERM_FREQUENCY_MODES.join(', ')}, got ${JSON.stringify(tf)}`,
      );
    }
    this.tokenizer = tokenizer;
    // The unknown token's ids are never pooled (encodeOptions drops them, as model2vec does), so its row is
    // zeroed here, in the given table: the model in memory is then the one saveStaticModel writes (where the
    // zero row makes sentence-transformers agree) and keeps its `id` across a save and a load.
    const unk = tokenizer.droppedUnkId;
    if (unk !== null) table.fill(0, unk * dim, (unk + 1) * dim);
    this.table = table;
    this.dimensions = dim;
    this.weights = init.weights ?? null;
    this.config = { ...init.config };
    this.reporter = init.reporter ?? silentReporter;
  }

  /**
   * A new model with a random table N(0, initScale^2), seeded.
   * @example
   * const model = StaticModel.create(tokenizer, 256, { seed: 7 });
   */
  static create(tokenizer: Tokenizer, dim: number, options: CreateStaticModelOptions = {}): StaticModel {
    const rng = createRng(options.seed ?? 42);
    const scale = options.initScale ?? 0.1;
    const table = new Float32Array(tokenizer.vocabSize * dim);
    for (let i = 0; i < table.length; i++) table[i] = rng.normal() * scale;
    const weights = options.tokenWeights ? new Float32Array(tokenizer.vocabSize).fill(1) : null;
    return new StaticModel({ tokenizer, table, dim, weights, config: options.config ?? {} });
  }

  /** Stable identity: a hash of the table, weights and settings (a cache key for embeddings). */
  get id(): string {
    if (this.cachedId === null) {
      let h = 0x811c9dc5;
      const mix = (bytes: Uint8Array): void => {
        for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
      };
      mix(new Uint8Array(this.table.buffer, this.table.byteOffset, this.table.byteLength));
      if (this.weights)
        mix(new Uint8Array(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength));
      // A linear model keeps the id it had before term-frequency modes existed (cached embeddings stay valid).
      const tf = this.termFrequency === 'linear' ? '' : `|tf:${this.termFrequency}`;
      mix(new TextEncoder().encode(`${this.dimensions}|${this.maxLength}|${this.tokenizer.vocabSize}${tf}`));
      this.cachedId = `gecko-static:${(h >>> 0).toString(16).padStart(8, '0')}`;
    }
    return this.cachedId;
  }

  get maxLength(): number {
    return this.config.maxLength ?? DEFAULT_MAX_LENGTH;
  }

  get termFrequency(): TermFrequency {
    return this.config.termFrequency ?? 'linear';
  }

  /**
   * How this model tokenises, as model2vec's `StaticModel.encode(texts, max_length=maxLength)` does: cut to
   * `maxLength * medianTokenLength` code points, drop unknown-token ids, keep `maxLength` tokens. Training,
   * `embed` and the server all tokenise through these options, so the exported folder gives the same vectors
   * in Python (docs/model-format.md, "Python parity").
   */
  encodeOptions(maxLength = this.maxLength): EncodeBatchOptions {
    return {
      maxLength,
      maxChars: maxLength * this.tokenizer.medianTokenLength,
      dropUnknown: true,
    };
  }

  /** Tokenises texts already in their final form; reports how many were truncated. */
  tokenize(texts: readonly string[], prefixes?: readonly string[]): TokenBatch {
    const batch = this.tokenizer.encodeBatch(texts, {
      ...this.encodeOptions(),
      ...(prefixes ? { prefixes } : {}),
    });
    if (batch.truncated > 0) {
      // The first cut is a warning; later ones go to debug (a long corpus would repeat it every batch).
      const first = this.truncatedTotal === 0;
      this.truncatedTotal += batch.truncated;
      const msg = `truncated ${batch.truncated} of ${texts.length} texts to ${this.maxLength} tokens`;
      if (first)
        this.reporter.warn(
          `${msg} (later truncations are counted in truncatedTotal and shown with --verbose)`,
        );
      else this.reporter.debug(`${msg}; ${this.truncatedTotal} so far`);
    }
    return batch;
  }

  /** Mean-pooled (not normalised) vectors of a tokenised batch, B x dim, with the model's term frequency. */
  pool(
    batch: TokenBatch,
    out = new Float32Array((batch.offsets.length - 1) * this.dimensions),
  ): Float32Array {
    const { ids, offsets, weights } = saturateTermFrequency(batch.ids, batch.offsets, this.termFrequency);
    return meanPool(
      {
        table: this.table,
        dim: this.dimensions,
        ids,
        offsets,
        weights: this.weights,
        positionWeights: weights,
      },
      out,
    );
  }

  /** {@link embed} without the Promise, for tight loops (evaluation, benchmarks). */
  embedSync(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Float32Array[] {
    const dims = this.resolveDims(options.dimensions);
    const precision = options.precision ?? 'float32';
    if (!PRECISIONS.includes(precision)) {
      throw new UsageError(`precision must be one of ${PRECISIONS.join(', ')}, got "${precision}"`);
    }
    // Gecko's format is a prefix + the text (`formatInput` of an empty text is the prefix; tested), so the
    // tokenizer can cache the prefix's tokens.
    const kind = options.kind ?? 'query';
    const texts = inputs.map((x) => (typeof x === 'string' ? x : x.text));
    const prefixes = inputs.map((x) =>
      formatInput(typeof x === 'string' ? '' : { title: x.title ?? null, text: '' }, kind, options.task),
    );
    const pooled = this.pool(this.tokenize(texts, prefixes));
    const n = texts.length;
    const out = new Float32Array(n * dims);
    l2NormalizeRows(pooled, n, this.dimensions, dims, out, new Float32Array(n));
    const rows: Float32Array[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const row = out.subarray(i * dims, (i + 1) * dims);
      rows[i] = precision === 'float32' ? row : dequantizeInPlace(row, precision);
    }
    return rows;
  }

  /** Embeds inputs in order: unified format, tokenise, pool, truncate to `dimensions`, normalise. */
  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    options.signal?.throwIfAborted();
    return this.embedSync(inputs, options);
  }

  /** Embeds and returns compact codes (int8 with per-row scales, or packed sign bits). */
  embedQuantized(
    inputs: readonly EmbedInput[],
    options: EmbedOptions & { precision: Precision },
  ): QuantizedEmbeddings {
    const rows = this.embedSync(inputs, { ...options, precision: 'float32' });
    const dims = this.resolveDims(options.dimensions);
    if (options.precision === 'float32') {
      const data = new Float32Array(rows.length * dims);
      rows.forEach((r, i) => {
        data.set(r, i * dims);
      });
      return { precision: 'float32', rows: rows.length, dims, data };
    }
    if (options.precision === 'int8') {
      const data = new Int8Array(rows.length * dims);
      const scales = new Float32Array(rows.length);
      rows.forEach((r, i) => {
        const q = quantizeInt8(r);
        data.set(q.codes, i * dims);
        scales[i] = q.scale;
      });
      return { precision: 'int8', rows: rows.length, dims, data, scales };
    }
    const bytes = Math.ceil(dims / 8);
    const data = new Uint8Array(rows.length * bytes);
    rows.forEach((r, i) => {
      data.set(packBits(r), i * bytes);
    });
    return { precision: 'binary', rows: rows.length, dims, data };
  }

  /** The table with per-token weights folded in (E'[t] = w[t] E[t]): what plain mean-pooling formats store. */
  foldedTable(): Float32Array {
    if (!this.weights) return this.table;
    const d = this.dimensions;
    const out = new Float32Array(this.table.length);
    for (let t = 0; t < this.weights.length; t++) {
      const w = this.weights[t]!;
      for (let c = 0; c < d; c++) out[t * d + c] = this.table[t * d + c]! * w;
    }
    return out;
  }

  private resolveDims(dims: number | undefined): number {
    if (dims === undefined) return this.dimensions;
    if (!Number.isInteger(dims) || dims <= 0 || dims > this.dimensions) {
      throw new UsageError(`dimensions must be an integer between 1 and ${this.dimensions}, got ${dims}`);
    }
    return dims;
  }
}
