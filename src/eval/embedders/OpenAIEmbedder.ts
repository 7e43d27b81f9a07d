import { isProviderHttpError, type ProviderHttpError } from '../../llm/errors/ProviderHttpError.js';
import { HttpClient } from '../../llm/openai/HttpClient.js';
import { type RetryPolicy, resolveRetryPolicy } from '../../llm/openai/retryPolicy.js';
import { parseOpenAiSpec } from '../../llm/openai/spec.js';
import { normalized } from '../../math/normalize.js';
import type { Embedder, EmbedInput, EmbedOptions } from '../../model/Embedder.js';
import type { Reporter } from '../../util/Reporter.js';
import { EvaluationError } from '../EvaluationError.js';
import { renderInput, type TextFormat } from './plainText.js';

/** Options of {@link createOpenAIEmbedder} and {@link OpenAiEmbedder.create}. */
export interface OpenAIEmbedderOptions {
  /** Bearer token (never logged). @default $OPENAI_API_KEY */
  apiKey?: string;
  /** Known output size; otherwise one probe request finds it. */
  dimensions?: number;
  /** @default 'plain' (mteb's text); 'gecko' sends Gecko's unified format */
  format?: TextFormat;
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number;
  /** Texts per request. @default 64 */
  batchSize?: number;
  /** Requests in flight at once (over all `embed` calls). @default 8 */
  concurrency?: number;
  /**
   * The HTTP provider's retry policy (`llm/openai/retryPolicy.ts`: retried statuses, `Retry-After`,
   * jittered backoff); unset fields take its defaults, except `limit`. @default { limit: 4 }
   */
  retry?: Partial<RetryPolicy>;
  /** Where retries are logged (debug). @default silentReporter */
  reporter?: Reporter;
}

/**
 * An `Embedder` over an OpenAI-compatible `POST {baseUrl}/v1/embeddings` endpoint (OpenAI, vLLM,
 * llama.cpp server, TEI, Ollama), through the HTTP client of the OpenAI-compatible LLM provider. Vectors
 * are L2-normalised here, since servers differ on that.
 *
 * @throws EvaluationError when the endpoint cannot be reached, answers an error, or returns malformed data.
 * @example const e = await createOpenAIEmbedder('http://localhost:8080', 'nomic-embed-text');
 */
export async function createOpenAIEmbedder(
  baseUrl: string,
  model: string,
  options: OpenAIEmbedderOptions = {},
): Promise<Embedder> {
  const e = new OpenAIEmbedder(baseUrl, model, options, options.dimensions ?? 0);
  if (options.dimensions) return e;
  const [probe] = await e.request(['dimension probe']);
  return e.withDimensions((probe as Float32Array).length);
}

/**
 * The same embedder named by an `openai:BASE_URL#model` spec (as `--embedder` and `--model` take it),
 * sending Gecko's unified format unless `format` says otherwise, with the key read from `apiKeyEnv`.
 */
export const OpenAiEmbedder = {
  /**
   * @throws UsageError for a malformed spec; EvaluationError when the endpoint fails or answers malformed data.
   * @example const e = await OpenAiEmbedder.create('openai:http://127.0.0.1:8000/v1#bge-small');
   */
  async create(
    spec: string,
    options: OpenAIEmbedderOptions & {
      /** Environment variable holding the API key. @default 'OPENAI_API_KEY' */
      apiKeyEnv?: string;
      /** Names the spec in a usage error. @default 'embedder spec' */
      what?: string;
    } = {},
  ): Promise<Embedder> {
    const { apiKeyEnv, what, ...rest } = options;
    const { baseUrl, model } = parseOpenAiSpec(spec, what ?? 'embedder spec');
    return createOpenAIEmbedder(baseUrl, model, {
      ...rest,
      format: rest.format ?? 'gecko',
      apiKey: rest.apiKey ?? process.env[apiKeyEnv ?? 'OPENAI_API_KEY'],
    });
  },
};

class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #root: string;
  readonly #url: string;
  readonly #model: string;
  readonly #opts: OpenAIEmbedderOptions;
  readonly #http: HttpClient;

  constructor(
    baseUrl: string,
    model: string,
    options: OpenAIEmbedderOptions,
    dimensions: number,
    http?: HttpClient,
  ) {
    const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.#root = root;
    this.#url = `${root}/v1/embeddings`;
    this.#model = model;
    this.#opts = options;
    this.dimensions = dimensions;
    this.id = `openai:${root}#${model}${options.format === 'gecko' ? '+gecko-format' : ''}`;
    this.#http =
      http ??
      new HttpClient({
        baseUrl: root,
        apiKey: options.apiKey ?? process.env.OPENAI_API_KEY,
        concurrency: Math.max(1, options.concurrency ?? 8),
        timeoutMs: options.timeoutMs ?? 60_000,
        retry: resolveRetryPolicy({ limit: 4, ...options.retry }),
        reporter: options.reporter,
      });
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const texts = inputs.map((x) => renderInput(x, this.#opts.format ?? 'plain', options));
    const batch = Math.max(1, this.#opts.batchSize ?? 64);
    const vecs: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batch)
      vecs.push(...(await this.request(texts.slice(i, i + batch), options.signal)));
    return vecs.map((v) => (options.dimensions ? normalized(v, options.dimensions) : v));
  }

  /** @internal The same endpoint with a known vector size, over the same client (its sockets, its limit). */
  withDimensions(dimensions: number): OpenAIEmbedder {
    return new OpenAIEmbedder(this.#root, this.#model, this.#opts, dimensions, this.#http);
  }

  /** @internal One request (retried by the client's policy); returns normalised vectors in input order. */
  async request(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    let json: unknown;
    try {
      json = await this.#http.postJson('/v1/embeddings', { model: this.#model, input: texts }, signal);
    } catch (e) {
      throw isProviderHttpError(e) ? this.#httpError(e) : e;
    }
    return this.#parse(json, texts.length);
  }

  /** The client's error as the evaluator's, naming the embedder; no status means nothing answered. */
  #httpError(e: ProviderHttpError): EvaluationError {
    if (e.status === undefined)
      return new EvaluationError(this.id, `cannot reach ${this.#url} (${e.message})`, { cause: e });
    return new EvaluationError(this.id, e.message, { code: 'EMBED_HTTP', cause: e });
  }

  #parse(json: unknown, expected: number): Float32Array[] {
    const data = (json as { data?: { embedding?: unknown; index?: unknown }[] } | null)?.data;
    if (!Array.isArray(data) || data.length !== expected)
      throw new EvaluationError(
        this.id,
        `expected "data" with ${expected} embeddings, got ${Array.isArray(data) ? data.length : typeof data}`,
      );
    const out = new Array<Float32Array>(expected);
    data.forEach((item, i) => {
      const idx = typeof item.index === 'number' ? item.index : i;
      const emb = item.embedding;
      if (!Array.isArray(emb) || emb.length === 0 || !emb.every((x) => typeof x === 'number'))
        throw new EvaluationError(this.id, `data[${i}].embedding is not an array of numbers`);
      if (this.dimensions && emb.length !== this.dimensions)
        throw new EvaluationError(
          this.id,
          `data[${i}].embedding has ${emb.length} values, expected ${this.dimensions}`,
        );
      out[idx] = normalized(Float32Array.from(emb as number[]));
    });
    return out;
  }
}
