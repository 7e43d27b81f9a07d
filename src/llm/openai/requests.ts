/**
 * The request bodies the OpenAI-compatible provider sends and the readers of their answers, as pure
 * functions. The live provider and the Batch API path (`src/llm/batch/`) both use them, so a request
 * written to a batch file is byte-for-byte the body the live provider would post, and a batch answer is
 * read by the same code as a live one.
 */
import { DEFAULT_GENERATE } from '../defaults.js';
import { LlmError } from '../errors/LlmError.js';
import type {
  ChatMessage,
  ContinuationScore,
  GenerateOptions,
  Generation,
  PromptInput,
  TokenUsage,
} from '../types.js';
import { completionLogprobs, continuationLogProb } from './logprobs.js';

/** Paths of the two endpoints, relative to the base URL (`…/v1`). */
export const CHAT_PATH = '/chat/completions';
export const COMPLETIONS_PATH = '/completions';

/** The chat messages of a prompt: a plain string is sent as one user message. */
export function chatMessages(input: PromptInput): ChatMessage[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : [...input];
}

/** The structured-output response format for `schema` (OpenAI `json_schema`, strict). */
export function jsonSchemaFormat(schema: unknown): Record<string, unknown> {
  return { type: 'json_schema', json_schema: { name: 'output', schema, strict: true } };
}

/**
 * The body of a chat completion: generation options with the shared defaults, so equal calls send equal
 * bodies.
 */
export function chatBody(
  model: string,
  messages: readonly ChatMessage[],
  options: Pick<GenerateOptions, 'maxTokens' | 'temperature' | 'seed' | 'stop'>,
  responseFormat?: unknown,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model,
    messages,
    max_tokens: options.maxTokens ?? DEFAULT_GENERATE.maxTokens,
    temperature: options.temperature ?? DEFAULT_GENERATE.temperature,
    seed: options.seed ?? DEFAULT_GENERATE.seed,
  };
  if (options.stop && options.stop.length > 0) body.stop = options.stop;
  if (responseFormat) body.response_format = responseFormat;
  return body;
}

/**
 * The body that scores continuations exactly: one `/completions` request with `echo` and prompt
 * log-probabilities, the prompt field a list of `prompt + continuation` (vLLM, llama.cpp server, OpenAI).
 */
export function echoScoreBody(
  model: string,
  prompt: string,
  continuations: readonly string[],
): Record<string, unknown> {
  return {
    model,
    prompt: continuations.map((c) => prompt + c),
    max_tokens: 0,
    echo: true,
    logprobs: 1,
    temperature: 0,
  };
}

/** The body asking for the first generated token's top-k log-probabilities (label likelihood over chat). */
export function topLogprobsBody(
  model: string,
  messages: readonly ChatMessage[],
  k: number,
): Record<string, unknown> {
  return { model, messages, max_tokens: 1, temperature: 0, logprobs: true, top_logprobs: k };
}

/** Token usage of a response (0 for what the server does not report). */
export function responseUsage(response: unknown): TokenUsage {
  const u = (response as { usage?: { prompt_tokens?: number; completion_tokens?: number } } | null)?.usage;
  return { promptTokens: u?.prompt_tokens ?? 0, completionTokens: u?.completion_tokens ?? 0 };
}

/**
 * Reads a chat completion into a {@link Generation} (without `value`: the caller parses JSON output).
 * @throws LlmError (`LLM_OUTPUT`, with the tokens the answer cost) when there is no
 *   `choices[0].message.content` string (e.g. a refusal).
 */
export function readChatCompletion(response: unknown, where: string): Generation {
  const r = response as {
    choices?: Array<{ message?: { content?: string | null }; finish_reason?: string }>;
  } | null;
  const choice = r?.choices?.[0];
  if (typeof choice?.message?.content !== 'string') {
    throw new LlmError(`${where}: chat response has no choices[0].message.content.`, {
      code: 'LLM_OUTPUT',
      reason: 'no-content',
      usage: responseUsage(response),
    });
  }
  return {
    text: choice.message.content,
    finishReason: choice.finish_reason === 'length' ? 'length' : 'stop',
    usage: responseUsage(response),
  };
}

/**
 * Reads the exact scores of `count` continuations from an echo response to {@link echoScoreBody}: for
 * choice i, the log-probabilities of the tokens past `promptLength` characters.
 * @throws LlmError (`LLM_OUTPUT`) for a response without the log-probability fields.
 */
export function readEchoScores(
  response: unknown,
  promptLength: number,
  count: number,
  where: string,
): ContinuationScore[] {
  return Array.from({ length: count }, (_, i) => {
    const s = continuationLogProb(completionLogprobs(response, i, where), promptLength, where);
    return { ...s, exact: true, method: 'prompt-logprobs' as const };
  });
}
