/**
 * Probes an OpenAI-compatible endpoint for what gecko needs: prompt log-probabilities through
 * `/completions` with `echo` + `logprobs` + `max_tokens: 0`, and next-token top-k through chat `logprobs`.
 * A 4xx answer (or a success without the fields) means "not supported"; transport failures propagate.
 */
import { isProviderHttpError } from '../errors/ProviderHttpError.js';
import type { HttpClient } from './HttpClient.js';
import { CHAT_PATH, COMPLETIONS_PATH, topLogprobsBody } from './requests.js';

/** What the probes found. */
export interface LogprobSupport {
  promptLogprobs: boolean;
  chatTopLogprobs: boolean;
  /** Why each probe failed, for `gecko llm check`. */
  notes: string[];
}

async function probe(
  http: HttpClient,
  route: string,
  body: unknown,
  accept: (r: unknown) => boolean,
  signal?: AbortSignal,
): Promise<{ ok: boolean; note?: string }> {
  try {
    const r = await http.postJson(route, body, signal);
    return accept(r)
      ? { ok: true }
      : { ok: false, note: `${route}: answered without the log-probability fields` };
  } catch (e) {
    if (isProviderHttpError(e) && e.status !== undefined && e.status >= 400 && e.status < 500) {
      return { ok: false, note: `${route}: HTTP ${e.status}` };
    }
    throw e;
  }
}

/** Runs both probes (two small requests). */
export async function detectLogprobSupport(
  http: HttpClient,
  model: string,
  signal?: AbortSignal,
): Promise<LogprobSupport> {
  const [prompt, chat] = await Promise.all([
    probe(
      http,
      COMPLETIONS_PATH,
      // Not echoScoreBody: the probe sends a single string prompt, scoring sends a list.
      {
        model,
        prompt: 'The capital of France is Paris',
        max_tokens: 0,
        echo: true,
        logprobs: 1,
        temperature: 0,
      },
      (r) => {
        const lp = (r as { choices?: Array<{ logprobs?: { token_logprobs?: unknown[] } }> }).choices?.[0]
          ?.logprobs;
        return (
          Array.isArray(lp?.token_logprobs) &&
          lp.token_logprobs.filter((x) => typeof x === 'number').length >= 1
        );
      },
      signal,
    ),
    probe(
      http,
      CHAT_PATH,
      topLogprobsBody(model, [{ role: 'user', content: 'Answer yes or no: is water wet?' }], 5),
      (r) => {
        const c = (r as { choices?: Array<{ logprobs?: { content?: Array<{ top_logprobs?: unknown[] }> } }> })
          .choices?.[0];
        return (
          Array.isArray(c?.logprobs?.content?.[0]?.top_logprobs) &&
          (c.logprobs.content[0].top_logprobs?.length ?? 0) > 0
        );
      },
      signal,
    ),
  ]);
  return {
    promptLogprobs: prompt.ok,
    chatTopLogprobs: chat.ok,
    notes: [prompt.note, chat.note].filter((n): n is string => n !== undefined),
  };
}
