import { UsageError } from '../../errors/UsageError.js';
import { createOpenAIEmbedder } from '../../eval/embedders/OpenAIEmbedder.js';
import type { Embedder } from '../../model/Embedder.js';

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
 * FRet's dense retriever over any OpenAI-compatible `POST /v1/embeddings` endpoint, named by the same
 * `openai:BASE_URL#model` spec as LLMs. The HTTP client (retries, normalisation, validation) is the
 * evaluator's (`createOpenAIEmbedder`); this only parses the spec and reads the key from the environment.
 */
export const OpenAiEmbedder = {
  /**
   * Parses `openai:BASE_URL#model` and asks the endpoint once for the vector size.
   * @throws UsageError for a malformed spec; GeckoError when the endpoint fails or answers malformed JSON.
   * @example const e = await OpenAiEmbedder.create('openai:http://127.0.0.1:8000/v1#bge-small');
   */
  async create(spec: string, options: OpenAiEmbedderOptions = {}): Promise<Embedder> {
    const m = /^openai:(https?:\/\/[^#\s]+)#(.+)$/.exec(spec);
    if (!m) throw new UsageError(`embedder spec must be "openai:BASE_URL#model", got "${spec}"`);
    return createOpenAIEmbedder(m[1] as string, m[2] as string, {
      apiKey: process.env[options.apiKeyEnv ?? 'OPENAI_API_KEY'],
      format: options.format === 'raw' ? 'plain' : 'gecko',
      batchSize: options.batchSize ?? 64,
      timeoutMs: options.timeoutMs ?? 60_000,
      retry: { limit: Math.max(0, (options.maxAttempts ?? 4) - 1) },
    });
  },
};
