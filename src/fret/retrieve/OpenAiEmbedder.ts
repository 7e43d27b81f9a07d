import { GeckoError } from '../../errors/GeckoError.js';
import { UsageError } from '../../errors/UsageError.js';
import type { Embedder, EmbedInput, EmbedOptions } from '../../model/Embedder.js';
import { formatInput } from '../../model/unifiedFormat.js';

/** Options of {@link OpenAiEmbedder.create}. */
export interface OpenAiEmbedderOptions {
  /** Environment variable holding the API key (sent as a Bearer token; never logged). @default 'OPENAI_API_KEY' */
  apiKeyEnv?: string;
  /**
   * `gecko` sends Gecko's unified format (`task: … | query: …`, `title: … | text: …`), for models trained on
   * it (EmbeddingGemma, Gemini, this project's); `raw` sends the bare text. @default 'gecko'
   */
  format?: 'gecko' | 'raw';
  /** Texts per request. @default 64 */
  batchSize?: number;
  /** Attempts per request on 429, 5xx and network errors. @default 4 */
  maxAttempts?: number;
  /** Per-request timeout. @default 60_000 */
  timeoutMs?: number;
}

/**
 * An {@link Embedder} over any OpenAI-compatible `POST /v1/embeddings` endpoint (OpenAI, vLLM, llama.cpp
 * server, TEI, Ollama), for FRet's dense retriever. The spec is `openai:BASE_URL#model`, as for LLMs.
 * Vectors are L2-normalised here, since not every server normalises.
 */
export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #url: string;
  readonly #model: string;
  readonly #key: string | undefined;
  readonly #o: Required<Omit<OpenAiEmbedderOptions, 'apiKeyEnv'>>;

  private constructor(
    url: string,
    model: string,
    dims: number,
    key: string | undefined,
    o: OpenAiEmbedderOptions,
  ) {
    this.#url = url;
    this.#model = model;
    this.#key = key;
    this.#o = {
      format: o.format ?? 'gecko',
      batchSize: o.batchSize ?? 64,
      maxAttempts: o.maxAttempts ?? 4,
      timeoutMs: o.timeoutMs ?? 60_000,
    };
    this.dimensions = dims;
    this.id = `openai-embeddings:${url}#${model}:${this.#o.format}`;
  }

  /**
   * Parses `openai:BASE_URL#model` and asks the endpoint once for the vector size.
   * @throws UsageError for a malformed spec; GeckoError when the endpoint fails or answers malformed JSON.
   * @example const e = await OpenAiEmbedder.create('openai:http://127.0.0.1:8000/v1#bge-small');
   */
  static async create(spec: string, options: OpenAiEmbedderOptions = {}): Promise<OpenAiEmbedder> {
    const m = /^openai:(https?:\/\/[^#\s]+)#(.+)$/.exec(spec);
    if (!m) throw new UsageError(`embedder spec must be "openai:BASE_URL#model", got "${spec}"`);
    const url = (m[1] as string).replace(/\/+$/, '');
    const key = process.env[options.apiKeyEnv ?? 'OPENAI_API_KEY'];
    const probe = new OpenAiEmbedder(url, m[2] as string, 0, key, options);
    const [v] = await probe.#request(['dimension probe']);
    return new OpenAiEmbedder(url, m[2] as string, (v as Float32Array).length, key, options);
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const kind = options.kind ?? 'query';
    const texts = inputs.map((x) =>
      this.#o.format === 'gecko' ? formatInput(x, kind, options.task) : typeof x === 'string' ? x : x.text,
    );
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.#o.batchSize) {
      const vs = await this.#request(texts.slice(i, i + this.#o.batchSize), options.signal);
      for (const v of vs) {
        let d = v;
        if (options.dimensions && options.dimensions < v.length) d = v.slice(0, options.dimensions);
        out.push(l2(d));
      }
    }
    return out;
  }

  async #request(input: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const where = `${this.#url}/embeddings`;
    let lastError = '';
    for (let attempt = 0; attempt < this.#o.maxAttempts; attempt++) {
      if (attempt > 0) await sleep(Math.min(8000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2), signal);
      let res: Response;
      try {
        res = await fetch(where, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.#key ? { authorization: `Bearer ${this.#key}` } : {}),
          },
          body: JSON.stringify({ model: this.#model, input }),
          signal: signal
            ? AbortSignal.any([signal, AbortSignal.timeout(this.#o.timeoutMs)])
            : AbortSignal.timeout(this.#o.timeoutMs),
        });
      } catch (e) {
        if (signal?.aborted) throw e;
        lastError = (e as Error).message;
        continue;
      }
      if (res.status === 429 || res.status >= 500) {
        lastError = `HTTP ${res.status}`;
        const after = Number(res.headers.get('retry-after'));
        if (after > 0) await sleep(Math.min(after, 60) * 1000, signal);
        continue;
      }
      const body = (await res.json().catch(() => undefined)) as
        | { data?: { index?: number; embedding?: unknown }[] }
        | undefined;
      if (!res.ok)
        throw new GeckoError(`${where}: HTTP ${res.status} ${JSON.stringify(body ?? {}).slice(0, 200)}`, {
          code: 'EMBEDDER_HTTP',
        });
      const data = body?.data;
      if (
        !Array.isArray(data) ||
        data.length !== input.length ||
        data.some((d) => !Array.isArray(d.embedding))
      ) {
        throw new GeckoError(
          `${where}: expected {"data": [{"embedding": number[]}, ...]} with ${input.length} items`,
          { code: 'EMBEDDER_OUTPUT' },
        );
      }
      const sorted = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      return sorted.map((d) => Float32Array.from(d.embedding as number[]));
    }
    throw new GeckoError(`${where}: failed after ${this.#o.maxAttempts} attempts (${lastError})`, {
      code: 'EMBEDDER_HTTP',
    });
  }
}

function l2(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
