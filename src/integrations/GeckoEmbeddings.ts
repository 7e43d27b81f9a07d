import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { UsageError } from '../errors/UsageError.js';
import type { Embedder } from '../model/Embedder.js';
import type { LoadStaticModelOptions } from '../model/formats/loadStaticModel.js';
import { GeckoModel, loadModel } from './GeckoModel.js';

export interface GeckoEmbeddingsOptions {
  /** Matryoshka prefix length. @default the model's dimension */
  dimensions?: number;
  /** Task description in the query prompt. @default Gecko's 'search result' */
  queryTask?: string;
  /** Documents embedded per call. @default 512 */
  batchSize?: number;
}

/**
 * LangChain.js embeddings backed by a local gecko model: `embedDocuments` uses Gecko's document prompt,
 * `embedQuery` its query prompt. It implements LangChain's `EmbeddingsInterface`, the type every vector store
 * and retriever takes, with no runtime dependency on `@langchain/core` (embedding is local, so LangChain's
 * retrying `AsyncCaller` has nothing to do).
 *
 * @example
 * const embeddings = await GeckoEmbeddings.load('out/model');
 * const store = await MemoryVectorStore.fromTexts(texts, metadatas, embeddings);
 */
export class GeckoEmbeddings implements EmbeddingsInterface {
  readonly embedder: Embedder;
  readonly options: GeckoEmbeddingsOptions;

  /** @throws {UsageError} for a batch size that is not a positive integer. */
  constructor(model: GeckoModel | Embedder, options: GeckoEmbeddingsOptions = {}) {
    const b = options.batchSize;
    if (b !== undefined && (!Number.isInteger(b) || b <= 0)) {
      throw new UsageError(`batchSize must be a positive integer, got ${b}`);
    }
    this.embedder = model instanceof GeckoModel ? model.model : model;
    this.options = options;
  }

  /** Loads a model folder or repo id and wraps it. */
  static async load(
    dirOrRepo: string,
    options: GeckoEmbeddingsOptions & LoadStaticModelOptions = {},
  ): Promise<GeckoEmbeddings> {
    return new GeckoEmbeddings(await loadModel(dirOrRepo, options), options);
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const batch = this.options.batchSize ?? 512;
    const out: number[][] = [];
    for (let i = 0; i < documents.length; i += batch) {
      const rows = await this.embedder.embed(documents.slice(i, i + batch), {
        kind: 'document',
        ...(this.options.dimensions === undefined ? {} : { dimensions: this.options.dimensions }),
      });
      for (const r of rows) out.push(Array.from(r));
    }
    return out;
  }

  async embedQuery(document: string): Promise<number[]> {
    const [v] = await this.embedder.embed([document], {
      kind: 'query',
      ...(this.options.dimensions === undefined ? {} : { dimensions: this.options.dimensions }),
      ...(this.options.queryTask === undefined ? {} : { task: this.options.queryTask }),
    });
    return Array.from(v!);
  }
}
