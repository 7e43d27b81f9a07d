/**
 * The HTTP provider: any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp server, Gemini's
 * OpenAI-compatible API). Generation by chat completions, with a `json_schema` response format where the
 * server accepts it, else the schema in the prompt + parse + retry. Scores by prompt log-probabilities
 * (`/completions` echo) when available, else by chat top-k log-probabilities for single-token labels.
 */
import { UsageError } from '../../errors/UsageError.js';
import type { Reporter } from '../../util/Reporter.js';
import { DEFAULT_GENERATE } from '../defaults.js';
import { LlmError } from '../errors/LlmError.js';
import { isProviderHttpError } from '../errors/ProviderHttpError.js';
import { checkJsonSchema, parseGeneration, retryOnBadJson } from '../jsonOutput.js';
import { addRetry, type RetryCounts } from '../retries.js';
import type {
  ChatMessage,
  ContinuationScore,
  GenerateOptions,
  Generation,
  LanguageModel,
  LlmCapabilities,
  PromptInput,
  ScoreOptions,
  TokenUsage,
} from '../types.js';
import { detectLogprobSupport, type LogprobSupport } from './detectCapabilities.js';
import { HttpClient, type HttpStats } from './HttpClient.js';
import { firstTokenTopLogprobs, labelLogProb } from './logprobs.js';
import {
  CHAT_PATH,
  COMPLETIONS_PATH,
  chatBody,
  chatMessages,
  echoScoreBody,
  jsonSchemaFormat,
  readChatCompletion,
  readEchoScores,
  responseUsage,
  topLogprobsBody,
} from './requests.js';
import { type RetryPolicy, resolveRetryPolicy } from './retryPolicy.js';

/** Options of {@link createOpenAIProvider}. */
export interface OpenAIProviderOptions {
  /** Base URL including the version path, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  /** Model name sent with each request. */
  model: string;
  /**
   * Name of the environment variable holding the API key. When given explicitly it must be set; the
   * default may be unset (local servers need no key). @default 'OPENAI_API_KEY'
   */
  apiKeyEnv?: string;
  /** Most requests in flight. @default 8 */
  concurrency?: number;
  /** Per-attempt timeout in ms. @default 120_000 */
  timeoutMs?: number;
  /** Retry policy overrides (see {@link RetryPolicy}). @default DEFAULT_RETRY_POLICY */
  retry?: Partial<RetryPolicy>;
  /** k of chat `top_logprobs` for label likelihood. @default 20 */
  topLogprobs?: number;
  /** Debug lines about retries. @default silentReporter */
  reporter?: Reporter;
  /** Jitter random source (tests). @default Math.random */
  random?: () => number;
}

/** The defaults of {@link OpenAIProviderOptions}. */
export const DEFAULT_OPENAI_OPTIONS = {
  apiKeyEnv: 'OPENAI_API_KEY',
  concurrency: 8,
  timeoutMs: 120_000,
  topLogprobs: 20,
} as const;

/** An OpenAI-compatible model, with its HTTP counters exposed for `gecko llm check` and benchmarks. */
export interface OpenAIProvider extends LanguageModel {
  httpStats(): HttpStats;
}

/**
 * Creates the provider (no request is made until the first call).
 * @throws UsageError for a malformed base URL, a bad option, or an explicitly named key variable that is unset.
 * @example
 * const llm = createOpenAIProvider({ baseUrl: 'http://127.0.0.1:8000/v1', model: 'qwen2.5-7b', apiKeyEnv: 'VLLM_KEY' });
 */
export function createOpenAIProvider(options: OpenAIProviderOptions): OpenAIProvider {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new UsageError(
      `LLM base URL "${options.baseUrl}" is not a URL; expected e.g. http://127.0.0.1:8000/v1`,
    );
  }
  if (url.username || url.password || url.search) {
    // Keys in URLs end up in logs, error messages and cache rows; the environment is the only key source.
    throw new UsageError(
      'The LLM URL must not carry credentials or a query string; put the API key in an environment variable (--llm-key-env NAME).',
    );
  }
  if (!options.model)
    throw new UsageError('The OpenAI-compatible provider needs a model name (openai:URL#model).');
  const keyEnv = options.apiKeyEnv ?? DEFAULT_OPENAI_OPTIONS.apiKeyEnv;
  const apiKey = process.env[keyEnv];
  if (options.apiKeyEnv !== undefined && !apiKey) {
    throw new UsageError(`The API key variable ${keyEnv} is not set (or empty) in the environment.`);
  }
  let retry: RetryPolicy;
  try {
    retry = resolveRetryPolicy(options.retry);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const concurrency = options.concurrency ?? DEFAULT_OPENAI_OPTIONS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`concurrency must be a positive integer, got ${concurrency}`);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const http = new HttpClient({
    baseUrl,
    apiKey,
    concurrency,
    timeoutMs: options.timeoutMs ?? DEFAULT_OPENAI_OPTIONS.timeoutMs,
    retry,
    reporter: options.reporter,
    random: options.random,
  });
  return new OpenAIModel(
    http,
    baseUrl,
    options.model,
    options.topLogprobs ?? DEFAULT_OPENAI_OPTIONS.topLogprobs,
  );
}

type JsonMode = 'unknown' | 'schema' | 'prompt';

class OpenAIModel implements OpenAIProvider {
  readonly id: string;
  private jsonMode: JsonMode = 'unknown';
  private logprobs: Promise<LogprobSupport> | undefined;
  private readonly totals = { promptTokens: 0, completionTokens: 0, calls: 0 };

  constructor(
    private readonly http: HttpClient,
    baseUrl: string,
    private readonly model: string,
    private readonly topK: number,
  ) {
    this.id = `openai:${baseUrl}#${model}`;
  }

  httpStats(): HttpStats {
    return structuredClone(this.http.stats);
  }

  usage(): TokenUsage & { calls: number } {
    return { ...this.totals };
  }

  private logprobSupport(signal?: AbortSignal): Promise<LogprobSupport> {
    this.logprobs ??= detectLogprobSupport(this.http, this.model, signal).catch((e: unknown) => {
      this.logprobs = undefined;
      throw e;
    });
    return this.logprobs;
  }

  async capabilities(options: { signal?: AbortSignal } = {}): Promise<LlmCapabilities> {
    const lp = await this.logprobSupport(options.signal);
    const notes = [
      lp.promptLogprobs
        ? 'log-probabilities: exact prompt log-probabilities via /completions (echo + logprobs + max_tokens 0)'
        : lp.chatTopLogprobs
          ? `log-probabilities: top-${this.topK} only via chat logprobs (single-token labels; no query likelihood)`
          : 'log-probabilities: none (scoring will fail)',
      `JSON: ${this.jsonMode === 'schema' ? 'json_schema response format' : this.jsonMode === 'prompt' ? 'schema in the prompt, parsed and retried' : 'json_schema response format, falling back to prompt + parse if the server rejects it'}`,
      ...lp.notes.map((n) => `probe: ${n}`),
    ];
    return {
      logProbs: lp.promptLogprobs ? 'exact' : lp.chatTopLogprobs ? 'top-k' : 'none',
      json: this.jsonMode === 'prompt' ? 'prompt' : 'schema',
      notes,
    };
  }

  async generate(input: PromptInput, options: GenerateOptions = {}): Promise<Generation> {
    const messages = chatMessages(input);
    const schema = options.jsonSchema;
    // Every retry inside this call (HTTP faults, rejected JSON answers), by cause.
    const retries: RetryCounts = {};
    if (!schema) {
      const g = await this.chat(messages, options, undefined, retries);
      if (Object.keys(retries).length > 0) g.retries = retries;
      return g;
    }
    checkJsonSchema(schema);
    const seed = options.seed ?? DEFAULT_GENERATE.seed;
    if (this.jsonMode !== 'prompt') {
      const format = jsonSchemaFormat(schema);
      try {
        return await retryOnBadJson(
          async (i) => {
            const g = await this.chat(messages, { ...options, seed: seed + i }, format, retries);
            this.jsonMode = 'schema';
            return parseGeneration(g, schema, this.id);
          },
          true,
          retries,
        );
      } catch (e) {
        // Servers without structured output answer 400/422 to the response_format; fall back for good.
        if (
          !(this.jsonMode === 'unknown' && isProviderHttpError(e) && (e.status === 400 || e.status === 422))
        )
          throw e;
        this.jsonMode = 'prompt';
        addRetry(retries, `http ${e.status}`);
      }
    }
    const instructed = withSchemaInstruction(messages, schema);
    return retryOnBadJson(
      async (i) => {
        const g = await this.chat(instructed, { ...options, seed: seed + i }, undefined, retries);
        return parseGeneration(g, schema, this.id);
      },
      true,
      retries,
    );
  }

  private async chat(
    messages: readonly ChatMessage[],
    options: GenerateOptions,
    responseFormat: unknown,
    retries: RetryCounts,
  ): Promise<Generation> {
    const r = await this.http.postJson(
      CHAT_PATH,
      chatBody(this.model, messages, options, responseFormat),
      options.signal,
      retries,
    );
    this.count(responseUsage(r));
    return readChatCompletion(r, this.id);
  }

  async scoreContinuations(
    prompt: PromptInput,
    continuations: readonly string[],
    options: ScoreOptions = {},
  ): Promise<ContinuationScore[]> {
    if (continuations.length === 0) return [];
    const lp = await this.logprobSupport(options.signal);
    if (typeof prompt === 'string' && lp.promptLogprobs)
      return this.scoreByEcho(prompt, continuations, options);
    if (lp.chatTopLogprobs) return this.scoreByTopK(prompt, continuations, options);
    const why = lp.promptLogprobs
      ? 'prompt log-probabilities (/completions echo) need a string prompt, and chat top_logprobs are not supported'
      : 'it supports neither /completions echo log-probabilities nor chat top_logprobs';
    throw new LlmError(
      `${this.id}: cannot score continuations: ${why}. Use a local GGUF (llama:) or a vLLM / llama.cpp server.`,
      {
        code: 'LLM_CAPABILITY',
      },
    );
  }

  private async scoreByEcho(
    prompt: string,
    continuations: readonly string[],
    options: ScoreOptions,
  ): Promise<ContinuationScore[]> {
    // One request for all continuations: the prompt field takes a list (vLLM, llama.cpp server, OpenAI).
    const r = await this.http.postJson(
      COMPLETIONS_PATH,
      echoScoreBody(this.model, prompt, continuations),
      options.signal,
    );
    this.count(responseUsage(r));
    return readEchoScores(r, prompt.length, continuations.length, this.id);
  }

  private async scoreByTopK(
    prompt: PromptInput,
    continuations: readonly string[],
    options: ScoreOptions,
  ): Promise<ContinuationScore[]> {
    const r = await this.http.postJson(
      CHAT_PATH,
      topLogprobsBody(this.model, chatMessages(prompt), this.topK),
      options.signal,
    );
    this.count(responseUsage(r));
    const top = firstTokenTopLogprobs(r, this.id);
    const floor = Math.min(...top.map((t) => t.logprob));
    return continuations.map((c) => {
      const v = labelLogProb(top, c);
      if (v === undefined && options.requireExact) {
        throw new LlmError(
          `${this.id}: "${c}" is not among the top-${this.topK} next tokens, and this endpoint gives only top-k log-probabilities ` +
            '(no /completions echo), so its exact log-probability cannot be computed. Query likelihood needs a server with prompt log-probabilities (vLLM, llama.cpp server) or a local GGUF.',
          { code: 'LLM_CAPABILITY' },
        );
      }
      return { logProb: v ?? floor, tokenCount: 1, exact: v !== undefined, method: 'top-logprobs' as const };
    });
  }

  private count(usage: TokenUsage): void {
    this.totals.promptTokens += usage.promptTokens;
    this.totals.completionTokens += usage.completionTokens;
    this.totals.calls++;
  }

  async close(): Promise<void> {
    this.http.close();
  }
}

function withSchemaInstruction(messages: readonly ChatMessage[], schema: unknown): ChatMessage[] {
  const instruction = `Answer with a single JSON value and nothing else. It must match this JSON schema:\n${JSON.stringify(schema)}`;
  return [{ role: 'system', content: instruction }, ...messages];
}
