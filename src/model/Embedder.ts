/**
 * The one interface every text embedder implements: the project's static student, BM25-free dense
 * baselines, an OpenAI-compatible `/v1/embeddings` endpoint, a transformers.js model. FRet's dense
 * retriever, the evaluator and the server all take an `Embedder`.
 */

/** Which side of an asymmetric task a text is on. Symmetric tasks embed both sides as `query`. */
export type EmbedKind = 'query' | 'document';

/** A text to embed: a plain string, or a titled document (the title feeds Gecko's document format). */
export type EmbedInput = string | { title?: string | null; text: string };

export interface EmbedOptions {
  /** @default 'query' */
  kind?: EmbedKind;
  /** Task description for Gecko's query format `task: {task} | query: {text}`. */
  task?: string;
  /** Matryoshka truncation: keep the first `dimensions` components and re-normalise. @default all */
  dimensions?: number;
  /**
   * Output precision: `int8` and `binary` return the re-normalised vectors a quantised index would compare
   * (the static model also offers compact codes through `embedQuantized`). Embedders that cannot quantise
   * ignore it. @default 'float32'
   */
  precision?: 'float32' | 'int8' | 'binary';
  signal?: AbortSignal;
}

export interface Embedder {
  /** Stable identity of the model and its settings, used as a cache key (e.g. `gecko:sha256…`). */
  readonly id: string;
  /** Full output dimension. */
  readonly dimensions: number;
  /** Embeds `inputs` in order; each vector is L2-normalised unless the embedder documents otherwise. */
  embed(inputs: readonly EmbedInput[], options?: EmbedOptions): Promise<Float32Array[]>;
}
