import { UsageError } from '../errors/UsageError.js';
import { exactSearch } from '../index/exactSearch.js';
import { VectorIndex, type VectorIndexOptions } from '../index/VectorIndex.js';
import type { EmbedInput, EmbedKind, EmbedOptions } from '../model/Embedder.js';
import { type LoadStaticModelOptions, loadStaticModel } from '../model/formats/loadStaticModel.js';
import type { StaticModel } from '../model/StaticModel.js';

/** Options of {@link GeckoModel.similarity}. */
export interface SimilarityOptions extends Pick<EmbedOptions, 'task' | 'dimensions'> {
  /** Side each text is embedded as: symmetric comparisons use `query` for both (Gecko's convention). @default 'query' */
  kind?: EmbedKind;
}

/** Options of {@link GeckoModel.search} and {@link GeckoModel.indexDocuments}. */
export interface ModelSearchOptions extends Pick<EmbedOptions, 'task' | 'dimensions'> {
  /** @default 10 */
  k?: number;
}

/** One search result: the document's position in the list searched, its cosine score, and the document. */
export interface ModelSearchHit {
  index: number;
  score: number;
  document: EmbedInput;
}

/** Documents embedded once and indexed, for repeated searches. */
export interface DocumentIndex {
  readonly documents: readonly EmbedInput[];
  readonly index: VectorIndex;
}

/**
 * A loaded model with the three verbs most code needs: `embed`, `similarity`, `search`. Queries are embedded
 * with Gecko's query prompt (`task`), documents with its document prompt (title, text).
 *
 * @example
 * const gecko = await loadModel('out/model');
 * const v = await gecko.embed('how do geckos climb');
 * const s = await gecko.similarity('gecko toes', 'lamellae and setae');
 * const hits = await gecko.search('why are geckos sticky', ['Setae are tiny hairs…', 'Geckos eat insects…']);
 */
export class GeckoModel {
  readonly model: StaticModel;

  constructor(model: StaticModel) {
    this.model = model;
  }

  get dimensions(): number {
    return this.model.dimensions;
  }

  /** Embeds one text (a vector) or a list (vectors in order), L2-normalised. */
  embed(input: string, options?: EmbedOptions): Promise<Float32Array>;
  embed(inputs: readonly EmbedInput[], options?: EmbedOptions): Promise<Float32Array[]>;
  async embed(
    inputs: string | readonly EmbedInput[],
    options: EmbedOptions = {},
  ): Promise<Float32Array | Float32Array[]> {
    if (typeof inputs === 'string') return (await this.model.embed([inputs], options))[0]!;
    return this.model.embed(inputs, options);
  }

  /**
   * Cosine similarity of two texts (embedded as `kind`) or vectors.
   * @throws {UsageError} when two vectors differ in length.
   */
  async similarity(
    a: string | Float32Array,
    b: string | Float32Array,
    options: SimilarityOptions = {},
  ): Promise<number> {
    const embedOptions = { kind: options.kind ?? 'query', ...pickEmbed(options) };
    const [va, vb] = await Promise.all(
      [a, b].map(async (x) => (typeof x === 'string' ? (await this.model.embed([x], embedOptions))[0]! : x)),
    );
    return cosine(va!, vb!);
  }

  /**
   * Embeds `documents` once and indexes them: exact search below 20,000 documents, HNSW above (see
   * {@link VectorIndexOptions}).
   */
  async indexDocuments(
    documents: readonly EmbedInput[],
    options: Pick<ModelSearchOptions, 'dimensions'> & VectorIndexOptions = {},
  ): Promise<DocumentIndex> {
    const dims = options.dimensions ?? this.dimensions;
    const flat = await this.#embedFlat(documents, { kind: 'document', dimensions: dims });
    return { documents, index: VectorIndex.build(flat, documents.length, dims, options) };
  }

  /**
   * The `k` documents most similar to `query` (query prompt vs document prompt), best first. Pass a
   * {@link DocumentIndex} to search many times without re-embedding.
   * @throws {UsageError} for a bad `k`.
   */
  async search(
    query: string,
    documents: readonly EmbedInput[] | DocumentIndex,
    options: ModelSearchOptions = {},
  ): Promise<ModelSearchHit[]> {
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k <= 0) throw new UsageError(`k must be a positive integer, got ${k}`);
    if (isDocumentIndex(documents)) {
      const dims = documents.index.dimensions;
      const [q] = await this.model.embed([query], { kind: 'query', ...pickEmbed(options), dimensions: dims });
      const top = documents.index.search(q!, k);
      return hits(top.keys, top.scores, documents.documents);
    }
    if (documents.length === 0) return [];
    const dims = options.dimensions ?? this.dimensions;
    const flat = await this.#embedFlat(documents, { kind: 'document', dimensions: dims });
    const [q] = await this.model.embed([query], { kind: 'query', ...pickEmbed(options), dimensions: dims });
    const [top] = exactSearch(q!, 1, flat, documents.length, dims, k);
    return hits(top!.keys, top!.scores, documents);
  }

  async #embedFlat(
    documents: readonly EmbedInput[],
    options: EmbedOptions & { dimensions: number },
  ): Promise<Float32Array> {
    const rows = await this.model.embed(documents, options);
    const flat = new Float32Array(rows.length * options.dimensions);
    rows.forEach((r, i) => {
      flat.set(r, i * options.dimensions);
    });
    return flat;
  }
}

/**
 * Loads a model from a folder (model2vec / sentence-transformers layouts) or a Hugging Face repo id.
 * @throws {ModelError} when nothing loadable is there.
 * @example
 * const gecko = await loadModel('minishlab/potion-base-8M');
 */
export async function loadModel(
  dirOrRepo: string,
  options: LoadStaticModelOptions = {},
): Promise<GeckoModel> {
  return new GeckoModel(await loadStaticModel(dirOrRepo, options));
}

function pickEmbed(o: Pick<EmbedOptions, 'task' | 'dimensions'>): Pick<EmbedOptions, 'task' | 'dimensions'> {
  return {
    ...(o.task === undefined ? {} : { task: o.task }),
    ...(o.dimensions === undefined ? {} : { dimensions: o.dimensions }),
  };
}

function isDocumentIndex(d: readonly EmbedInput[] | DocumentIndex): d is DocumentIndex {
  return !Array.isArray(d);
}

function hits(keys: Int32Array, scores: Float32Array, documents: readonly EmbedInput[]): ModelSearchHit[] {
  return Array.from(keys, (key, i) => ({ index: key, score: scores[i]!, document: documents[key]! }));
}

function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length)
    throw new UsageError(`cannot compare vectors of ${a.length} and ${b.length} dimensions`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
