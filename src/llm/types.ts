/**
 * The language-model interface every provider implements (local GGUF through node-llama-cpp, or any
 * OpenAI-compatible HTTP endpoint), and the value types its calls take and return.
 */

import type { RetryCounts } from './retries.js';

/** A chat role. */
export type ChatRole = 'system' | 'user' | 'assistant';

/** One chat message. */
export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** A plain prompt string, or chat messages (rendered with the model's chat template). */
export type PromptInput = string | readonly ChatMessage[];

/** A JSON schema (draft 2020-12 / 07 subset: the part both llama.cpp grammars and ajv understand). */
export type JsonSchema = Record<string, unknown>;

/** Options of {@link LanguageModel.generate}. */
export interface GenerateOptions {
  /** Most tokens to generate. @default 256 */
  maxTokens?: number;
  /** Sampling temperature; 0 is greedy. @default 0 */
  temperature?: number;
  /** Sampling seed, recorded in the cache key so seeded runs are reproducible. @default 0 */
  seed?: number;
  /** Strings that end generation (not included in the text). @default [] */
  stop?: readonly string[];
  /**
   * Constrain the output to this JSON schema: the result's `value` is then the parsed object, validated
   * with ajv. Locally a grammar enforces it; over HTTP a `json_schema` response format when the server
   * supports it, else the schema goes into the prompt and the output is parsed, retried on failure.
   * @default undefined
   */
  jsonSchema?: JsonSchema;
  /** Cancels the call. @default undefined */
  signal?: AbortSignal;
}

/** Prompt and completion token counts. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** What {@link LanguageModel.generate} returns. */
export interface Generation {
  /** The generated text. */
  text: string;
  /** The parsed, schema-validated object when `jsonSchema` was given; else undefined. */
  value?: unknown;
  /** Why generation stopped. */
  finishReason: 'stop' | 'length';
  /** Tokens this call used (as charged when it ran, also for a cached result). */
  usage: TokenUsage;
  /**
   * Retries the provider made inside this call, by cause (HTTP faults, rejected JSON answers); absent when
   * there were none. Like `usage`, a cached result carries those of the call that made it.
   */
  retries?: RetryCounts;
}

/** How a score was computed. */
export type ScoreMethod = 'local' | 'prompt-logprobs' | 'top-logprobs';

/** log P(continuation | prompt), from {@link LanguageModel.scoreContinuations}. */
export interface ContinuationScore {
  /** Sum of the natural-log probabilities of the continuation's tokens. */
  logProb: number;
  /** Number of continuation tokens summed. */
  tokenCount: number;
  /**
   * False when only top-k log-probabilities were available and the continuation was not among them:
   * `logProb` is then an upper bound (the smallest top-k log-probability).
   */
  exact: boolean;
  method: ScoreMethod;
}

/** Options of {@link LanguageModel.scoreContinuations}. */
export interface ScoreOptions {
  /** Fail instead of returning a top-k bound when exact log-probabilities are unavailable. @default false */
  requireExact?: boolean;
  /** Cancels the call. @default undefined */
  signal?: AbortSignal;
}

/** What a model can do, as detected (HTTP) or known (local). */
export interface LlmCapabilities {
  /** `exact`: any continuation's log-probability; `top-k`: only the k likeliest next tokens; `none`. */
  logProbs: 'exact' | 'top-k' | 'none';
  /** How JSON output is enforced: a sampling grammar, the server's schema response format, or prompt + parse. */
  json: 'grammar' | 'schema' | 'prompt';
  /** Human-readable notes on how each capability is provided (which endpoint, which method). */
  notes: string[];
}

/**
 * A language model. Create one with `createLanguageModel(spec)`, `createLlamaProvider` or
 * `createOpenAIProvider`; wrap it with `withLlmCache` to store calls in the workspace.
 *
 * @example
 * const llm = await createLanguageModel('llama:./model.gguf');
 * const { value } = await llm.generate([{ role: 'user', content: 'Write a query' }], { jsonSchema });
 * const [ql] = await llm.scoreContinuations(passagePrompt, [query]);
 * await llm.close();
 */
export interface LanguageModel {
  /** Stable identity used in cache keys: provider kind, location and model name (never a key). */
  readonly id: string;
  /** Generates text, or a schema-validated object when `options.jsonSchema` is given. */
  generate(input: PromptInput, options?: GenerateOptions): Promise<Generation>;
  /**
   * For each continuation, the sum of its tokens' log-probabilities given `prompt` and its token count.
   * With chat messages the continuation is scored as the start of the assistant's reply.
   */
  scoreContinuations(
    prompt: PromptInput,
    continuations: readonly string[],
    options?: ScoreOptions,
  ): Promise<ContinuationScore[]>;
  /** What this model supports (may probe an HTTP endpoint once). */
  capabilities(options?: { signal?: AbortSignal }): Promise<LlmCapabilities>;
  /** Tokens used by this instance's calls so far. */
  usage(): TokenUsage & { calls: number };
  /** Releases the model (native memory, sockets). */
  close(): Promise<void>;
}
