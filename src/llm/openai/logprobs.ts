/**
 * Reading log-probabilities out of OpenAI-compatible responses: prompt log-probabilities from
 * `/v1/completions` with `echo` (vLLM, llama.cpp server) and next-token top-k from chat `logprobs`.
 */
import { LlmError } from '../errors/LlmError.js';

/** `choices[i].logprobs` of a completions response (legacy format). */
interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  text_offset: number[];
}

function fail(where: string, what: string): never {
  throw new LlmError(`${where}: unexpected response shape (${what}).`, { code: 'LLM_OUTPUT' });
}

/** The completions `logprobs` object of choice `index`. */
export function completionLogprobs(response: unknown, index: number, where: string): CompletionLogprobs {
  const choices = (response as { choices?: unknown })?.choices;
  if (!Array.isArray(choices)) fail(where, 'no choices array');
  const choice = choices.find((c: { index?: number }) => c?.index === index) ?? choices[index];
  const lp = (choice as { logprobs?: CompletionLogprobs } | undefined)?.logprobs;
  if (
    !lp ||
    !Array.isArray(lp.tokens) ||
    !Array.isArray(lp.token_logprobs) ||
    !Array.isArray(lp.text_offset)
  ) {
    fail(where, `choice ${index} has no logprobs.tokens/token_logprobs/text_offset`);
  }
  return lp;
}

/**
 * Sum of the log-probabilities of the tokens of an echoed `prompt + continuation` that cover the
 * continuation: every token ending after character `promptLength` (a token straddling the boundary
 * belongs to the continuation, since it cannot be split).
 */
export function continuationLogProb(
  lp: CompletionLogprobs,
  promptLength: number,
  where: string,
): { logProb: number; tokenCount: number } {
  let logProb = 0;
  let tokenCount = 0;
  for (let i = 0; i < lp.tokens.length; i++) {
    const end = (lp.text_offset[i] as number) + (lp.tokens[i] as string).length;
    if (end <= promptLength) continue;
    const v = lp.token_logprobs[i];
    if (typeof v !== 'number') fail(where, `token ${i} of the continuation has no log-probability`);
    logProb += v;
    tokenCount++;
  }
  return { logProb, tokenCount };
}

/** The top-k alternatives for the first generated token of a chat response. */
export function firstTokenTopLogprobs(
  response: unknown,
  where: string,
): Array<{ token: string; logprob: number }> {
  const choice = (response as { choices?: Array<{ logprobs?: { content?: unknown } }> })?.choices?.[0];
  const content = choice?.logprobs?.content;
  if (!Array.isArray(content) || content.length === 0) fail(where, 'no choices[0].logprobs.content');
  const top = (content[0] as { top_logprobs?: unknown }).top_logprobs;
  if (!Array.isArray(top) || top.length === 0) fail(where, 'no top_logprobs for the first token');
  return top as Array<{ token: string; logprob: number }>;
}

/**
 * log P(label) from a first-token top-k list: the log-sum-exp over the entries whose text equals the label
 * up to surrounding whitespace (` yes` and `yes` are two ways of producing the same label). Undefined when
 * the label is not among them.
 */
export function labelLogProb(
  top: ReadonlyArray<{ token: string; logprob: number }>,
  label: string,
): number | undefined {
  const want = label.trim();
  const hits = top.filter((t) => t.token.trim() === want).map((t) => t.logprob);
  if (hits.length === 0) return undefined;
  const m = Math.max(...hits);
  return m + Math.log(hits.reduce((s, x) => s + Math.exp(x - m), 0));
}
