import { normalized } from '../../math/normalize.js';
import type { Embedder, EmbedInput, EmbedOptions } from '../../model/Embedder.js';
import { EvaluationError } from '../EvaluationError.js';
import { renderInput, type TextFormat } from './plainText.js';

/** Retry policy for transient HTTP failures. */
export interface EmbeddingRetryPolicy {
  /** Attempts after the first. @default 4 */
  limit?: number;
  /** Statuses worth retrying. @default [408, 429, 500, 502, 503, 504] */
  statuses?: number[];
  /** First back-off in ms, doubled each retry, with ±50% jitter. @default 500 */
  baseDelayMs?: number;
  /** Longest wait, also the cap on `Retry-After`. @default 20000 */
  maxDelayMs?: number;
}

/** Options of {@link createOpenAIEmbedder}. */
export interface OpenAIEmbedderOptions {
  /** Bearer token. @default $OPENAI_API_KEY */
  apiKey?: string;
  /** Known output size; otherwise one probe request finds it. */
  dimensions?: number;
  /** @default 'plain' (mteb's text); 'gecko' sends Gecko's unified format */
  format?: TextFormat;
  /** Per-request timeout. @default 60000 */
  timeoutMs?: number;
  /** Texts per request. @default 64 */
  batchSize?: number;
  retry?: EmbeddingRetryPolicy;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

const DEFAULT_RETRY: Required<EmbeddingRetryPolicy> = {
  limit: 4,
  statuses: [408, 429, 500, 502, 503, 504],
  baseDelayMs: 500,
  maxDelayMs: 20_000,
};

/**
 * An `Embedder` over an OpenAI-compatible `POST {baseUrl}/v1/embeddings` endpoint (OpenAI, vLLM,
 * llama.cpp server, TEI, Ollama). Vectors are L2-normalised here, since servers differ on that.
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
  return new OpenAIEmbedder(baseUrl, model, options, (probe as Float32Array).length);
}

class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #url: string;
  readonly #model: string;
  readonly #opts: OpenAIEmbedderOptions;

  constructor(baseUrl: string, model: string, options: OpenAIEmbedderOptions, dimensions: number) {
    const root = baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.#url = `${root}/v1/embeddings`;
    this.#model = model;
    this.#opts = options;
    this.dimensions = dimensions;
    this.id = `openai:${root}#${model}${options.format === 'gecko' ? '+gecko-format' : ''}`;
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

  /** @internal One request with retries; returns normalised vectors in input order. */
  async request(texts: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const retry = { ...DEFAULT_RETRY, ...this.#opts.retry };
    const doFetch = this.#opts.fetch ?? globalThis.fetch;
    const key = this.#opts.apiKey ?? process.env.OPENAI_API_KEY;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(this.#opts.timeoutMs ?? 60_000);
        res = await doFetch(this.#url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify({ model: this.#model, input: texts }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (e) {
        signal?.throwIfAborted();
        if (attempt < retry.limit) {
          await sleep(backoff(attempt, retry), signal);
          continue;
        }
        const cause = (e as { cause?: { code?: string } }).cause;
        throw new EvaluationError(
          this.id,
          `cannot reach ${this.#url} (${cause?.code ?? (e as Error).message})`,
          {
            cause: e,
          },
        );
      }
      if (res.ok) return this.#parse(await res.text(), texts.length);
      const body = (await res.text()).slice(0, 300);
      if (attempt < retry.limit && retry.statuses.includes(res.status)) {
        const after = retryAfterMs(res.headers.get('retry-after'));
        await sleep(Math.min(after ?? backoff(attempt, retry), retry.maxDelayMs), signal);
        continue;
      }
      throw new EvaluationError(this.id, `POST ${this.#url} answered HTTP ${res.status}: ${body}`, {
        code: 'EMBED_HTTP',
      });
    }
  }

  #parse(text: string, expected: number): Float32Array[] {
    let json: { data?: { embedding?: unknown; index?: unknown }[] };
    try {
      json = JSON.parse(text);
    } catch {
      throw new EvaluationError(this.id, `response is not JSON: ${text.slice(0, 200)}`);
    }
    const data = json.data;
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

function backoff(attempt: number, r: Required<EmbeddingRetryPolicy>): number {
  const base = Math.min(r.baseDelayMs * 2 ** attempt, r.maxDelayMs);
  return base * (0.5 + Math.random());
}

function retryAfterMs(h: string | null): number | null {
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(h);
  return Number.isNaN(t) ? null : Math.max(0, t - Date.now());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
}
