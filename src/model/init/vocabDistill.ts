/**
 * Teacher-vocabulary distillation (model2vec's method) as a student's starting point: every token of the
 * student's vocabulary is embedded by a teacher embedder, the vectors are reduced to the student's width
 * by PCA (components by decreasing variance, so Matryoshka prefixes keep the most), and each row is
 * SIF-weighted by its token's frequency. FRet fine-tuning then starts from this table instead of noise.
 */
import { CachedEmbedder } from '../../eval/embedders/CachedEmbedder.js';
import { fitPca, projectPca } from '../../math/pca.js';
import { createRng } from '../../math/rng.js';
import { type Reporter, silentReporter } from '../../util/Reporter.js';
import type { Workspace } from '../../workspace/Workspace.js';
import type { Embedder } from '../Embedder.js';
import { ModelError } from '../ModelError.js';
import { StaticModel, type StaticModelConfig } from '../StaticModel.js';
import type { Tokenizer } from '../tokenizer/Tokenizer.js';
import {
  countProbabilities,
  DEFAULT_SIF_COEFFICIENT,
  scaleRows,
  sifWeights,
  zipfProbabilities,
} from './sifWeights.js';

/** Options of {@link embedVocabulary}. */
export interface EmbedVocabularyOptions {
  /**
   * Workspace whose embedding cache (`eval_embedding_cache`, keyed by teacher id and text) keeps every
   * vector as soon as its batch is embedded: a rerun embeds nothing, and a killed run resumes where it
   * stopped. null: no cache. @default null
   */
  workspace?: Workspace | null;
  /** Distinct token texts per embedder call and per committed cache transaction. @default 256 */
  batchSize?: number;
  /**
   * Tokens not embedded (their rows stay zero): BERT's `[unusedN]` placeholders, which no text produces
   * and whose literal strings would only add noise to the PCA. null embeds every token.
   * @default /^\[unused\d+\]$/
   */
  skip?: RegExp | null;
  /** Progress (tokens/s, ETA) and a summary line. @default silentReporter */
  reporter?: Reporter;
  signal?: AbortSignal;
}

/** The teacher's vectors of a vocabulary. */
export interface VocabEmbeddings {
  /** Token ids embedded, ascending. */
  ids: Int32Array;
  /** ids.length x dim, row-major, in the order of `ids`. */
  vectors: Float32Array;
  /** Teacher width. */
  dim: number;
  /** Distinct texts sent through the cache (tokens with the same text share one vector). */
  texts: number;
  /** Texts served from the workspace cache / embedded by the teacher in this call. */
  cacheHits: number;
  embedded: number;
  /** Tokens left out by `skip`. */
  skipped: number;
  seconds: number;
}

/** The defaults of {@link EmbedVocabularyOptions}. */
export const DEFAULT_EMBED_VOCABULARY = { batchSize: 256, skip: /^\[unused\d+\]$/ } as const;

/**
 * The text a teacher sees for a token: WordPiece continuation pieces lose their `##` prefix, and
 * SentencePiece/byte-level space markers (`▁`, `Ġ`) become spaces, so a text embedder sees the piece as
 * it reads in text; a piece that would become empty is sent as written.
 * @example vocabTokenText('##ing'); // 'ing'
 */
export function vocabTokenText(token: string, continuingPrefix = '##'): string {
  let t = token;
  if (continuingPrefix && t.startsWith(continuingPrefix) && t.length > continuingPrefix.length)
    t = t.slice(continuingPrefix.length);
  t = t.replace(/[▁Ġ]/g, ' ').trim();
  return t === '' ? token : t;
}

/**
 * Embeds every token of `tokenizer`'s vocabulary with `embedder`, in batches, through the workspace cache.
 * @throws ModelError when the teacher returns vectors of the wrong width; the embedder's errors otherwise.
 * @example const v = await embedVocabulary(tokenizer, teacher, { workspace: openWorkspace('./gecko-work') });
 */
export async function embedVocabulary(
  tokenizer: Tokenizer,
  embedder: Embedder,
  options: EmbedVocabularyOptions = {},
): Promise<VocabEmbeddings> {
  const reporter = options.reporter ?? silentReporter;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_EMBED_VOCABULARY.batchSize);
  const skip = options.skip === undefined ? DEFAULT_EMBED_VOCABULARY.skip : options.skip;
  const model = tokenizer.json.model as { continuing_subword_prefix?: unknown } | undefined;
  const prefix =
    typeof model?.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##';
  const ids: number[] = [];
  const textOf: number[] = [];
  const textIndex = new Map<string, number>();
  let skipped = 0;
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    const token = tokenizer.idToToken(id);
    if (token === undefined || skip?.test(token)) {
      skipped++;
      continue;
    }
    const text = vocabTokenText(token, prefix);
    let t = textIndex.get(text);
    if (t === undefined) {
      t = textIndex.size;
      textIndex.set(text, t);
    }
    ids.push(id);
    textOf.push(t);
  }
  const texts = [...textIndex.keys()];
  const cached = options.workspace ? new CachedEmbedder(embedder, options.workspace) : null;
  const source: Embedder = cached ?? embedder;
  const dim = embedder.dimensions;
  const unique = new Float32Array(texts.length * dim);
  const t0 = performance.now();
  const bar = reporter.progress(`embedding the vocabulary with ${embedder.id}`, {
    total: texts.length,
    unit: 'tokens',
  });
  try {
    for (let i = 0; i < texts.length; i += batchSize) {
      options.signal?.throwIfAborted();
      const batch = texts.slice(i, i + batchSize);
      const vecs = await source.embed(batch, options.signal ? { signal: options.signal } : {});
      vecs.forEach((v, j) => {
        if (v.length !== dim)
          throw new ModelError(
            embedder.id,
            `the teacher returned a ${v.length}-dim vector for token "${batch[j]}", expected ${dim}`,
          );
        unique.set(v, (i + j) * dim);
      });
      bar.tick(batch.length);
    }
  } finally {
    bar.done();
  }
  const vectors = new Float32Array(ids.length * dim);
  textOf.forEach((t, r) => {
    vectors.set(unique.subarray(t * dim, (t + 1) * dim), r * dim);
  });
  const cacheHits = cached?.hits ?? 0;
  const embedded = cached?.misses ?? texts.length;
  const seconds = (performance.now() - t0) / 1000;
  reporter.info(
    `vocabulary: ${ids.length} tokens (${texts.length} distinct texts, ${skipped} skipped): ${embedded} embedded, ${cacheHits} from the cache, ${seconds.toFixed(1)}s`,
  );
  return {
    ids: Int32Array.from(ids),
    vectors,
    dim,
    texts: texts.length,
    cacheHits,
    embedded,
    skipped,
    seconds,
  };
}

/** Options of {@link distillVocabulary}. */
export interface DistillVocabularyOptions extends EmbedVocabularyOptions {
  /** Student width; the PCA keeps this many components. @default 256 */
  dim?: number;
  /** SIF coefficient a in a / (a + p); null: no weighting. @default 1e-4 (model2vec's) */
  sifCoefficient?: number | null;
  /**
   * Token counts from the user's corpus (indexed by token id, e.g. from `countTokens`) for the SIF
   * probabilities; null estimates them by Zipf's law over the vocabulary order. @default null
   */
  tokenCounts?: ArrayLike<number> | null;
  /** Seeds the small noise columns added when the teacher is narrower than `dim`. @default 42 */
  seed?: number;
  /** Settings stored with the model (maxLength, matryoshkaDims); the init's provenance is added. */
  config?: StaticModelConfig;
}

/** What {@link distillVocabulary} did, for reports. */
export interface VocabDistillSummary extends Record<string, unknown> {
  teacher: string;
  teacherDim: number;
  dim: number;
  tokens: number;
  embedded: number;
  cacheHits: number;
  skipped: number;
  /** Share of the teacher vectors' variance the kept components hold. */
  explainedVariance: number;
  weighting: 'corpus' | 'zipf' | 'none';
  /** Columns filled with small noise because the teacher is narrower than the student. */
  padded: number;
  seconds: number;
}

/**
 * A new student whose token table is the teacher's vocabulary embeddings, PCA-reduced to `dim` and
 * SIF-weighted (model2vec's distillation).
 * @throws ModelError when no token can be embedded; the embedder's errors otherwise.
 * @example
 * const { model } = await distillVocabulary(tokenizer, teacher, { dim: 256, workspace });
 */
export async function distillVocabulary(
  tokenizer: Tokenizer,
  embedder: Embedder,
  options: DistillVocabularyOptions = {},
): Promise<{ model: StaticModel; summary: VocabDistillSummary }> {
  const reporter = options.reporter ?? silentReporter;
  const dim = options.dim ?? 256;
  const sif = options.sifCoefficient === undefined ? DEFAULT_SIF_COEFFICIENT : options.sifCoefficient;
  if (sif !== null && !(sif > 0 && sif < 1))
    throw new ModelError('vocabulary distillation', `the SIF coefficient must be in (0, 1), got ${sif}`);
  const t0 = performance.now();
  const v = await embedVocabulary(tokenizer, embedder, options);
  const n = v.ids.length;
  if (n < 2)
    throw new ModelError(
      'vocabulary distillation',
      `only ${n} token(s) to embed; a vocabulary needs at least 2`,
    );
  const k = Math.min(dim, v.dim);
  const pca = fitPca(v.vectors, n, v.dim, k);
  const reduced = projectPca(pca, v.vectors, n);
  const kept = pca.variances.reduce((a, x) => a + x, 0);
  const explained = pca.totalVariance > 0 ? kept / pca.totalVariance : 0;
  const table = new Float32Array(tokenizer.vocabSize * dim);
  for (let r = 0; r < n; r++) table.set(reduced.subarray(r * k, (r + 1) * k), (v.ids[r] as number) * dim);
  if (k < dim) {
    // Columns past the teacher's width: zero columns would get zero gradients and stay dead, so they
    // start as noise far below the signal (1% of the kept components' mean spread).
    reporter.warn(
      `the teacher has ${v.dim} dimensions, fewer than the student's ${dim}: the last ${dim - k} start as small noise`,
    );
    const scale = 0.01 * Math.sqrt(kept / k);
    const rng = createRng(options.seed ?? 42);
    for (let r = 0; r < n; r++)
      for (let c = k; c < dim; c++) table[(v.ids[r] as number) * dim + c] = rng.normal() * scale;
  }
  let weighting: VocabDistillSummary['weighting'] = 'none';
  if (sif !== null) {
    let p: Float64Array;
    if (options.tokenCounts) {
      const all = countProbabilities(options.tokenCounts);
      p = Float64Array.from(v.ids, (id) => all[id] ?? 0);
      weighting = 'corpus';
    } else {
      p = zipfProbabilities(n);
      weighting = 'zipf';
    }
    const w = sifWeights(p, sif);
    const full = new Float32Array(tokenizer.vocabSize);
    v.ids.forEach((id, r) => {
      full[id] = w[r] as number;
    });
    scaleRows(table, dim, full);
  }
  const summary: VocabDistillSummary = {
    teacher: embedder.id,
    teacherDim: v.dim,
    dim,
    tokens: n,
    embedded: v.embedded,
    cacheHits: v.cacheHits,
    skipped: v.skipped,
    explainedVariance: Number(explained.toFixed(4)),
    weighting,
    padded: dim - k,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
  };
  reporter.info(
    `teacher init: PCA ${v.dim} -> ${k} keeps ${(explained * 100).toFixed(1)}% of the variance; SIF weighting: ${weighting}`,
  );
  const config: StaticModelConfig = {
    ...options.config,
    init: { method: 'teacher-vocabulary', teacher: embedder.id, sifCoefficient: sif, weighting },
  };
  return { model: new StaticModel({ tokenizer, table, dim, weights: null, config }), summary };
}
