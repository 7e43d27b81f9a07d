/**
 * The deterministic "model" behind the loopback test server's default routes: answers are pure functions
 * of the request, so tests can compute the expected result of any call independently.
 */
import { createHash } from 'node:crypto';

/** A number in [0, 1) from a string (stable across runs). */
export function unitHash(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;
}

/** Splits text into the fake tokenizer's tokens: each run of non-space characters with its leading spaces. */
export function fakeTokenize(text: string): Array<{ token: string; offset: number }> {
  const out: Array<{ token: string; offset: number }> = [];
  for (const m of text.matchAll(/\s*\S+|\s+$/g)) out.push({ token: m[0], offset: m.index ?? 0 });
  return out;
}

/** log P(token | previous token) of the fake model: in (-6.1, -0.1]. */
export function fakeTokenLogprob(prev: string, token: string): number {
  return -0.1 - 6 * unitHash(`${prev}\u0000${token}`);
}

/** The fake model's sum of log-probabilities of `continuation` after `prompt` (tests' reference). */
export function fakeContinuationLogprob(
  prompt: string,
  continuation: string,
): { logProb: number; tokenCount: number } {
  const toks = fakeTokenize(prompt + continuation);
  let logProb = 0;
  let tokenCount = 0;
  for (let i = 1; i < toks.length; i++) {
    const t = toks[i] as { token: string; offset: number };
    if (t.offset + t.token.length <= prompt.length) continue;
    logProb += fakeTokenLogprob((toks[i - 1] as { token: string }).token, t.token);
    tokenCount++;
  }
  return { logProb, tokenCount };
}

/** The fake chat reply: names the last user message so each answer is traceable to its input. */
export function fakeChatReply(messages: Array<{ role: string; content: string }>): string {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return `reply to: ${last?.content ?? ''}`;
}

/** An object satisfying a simple object schema (string/number/boolean properties), derived from `seed`. */
export function fakeJsonFor(schema: Record<string, unknown>, seed: string): unknown {
  const props = (schema.properties ?? {}) as Record<
    string,
    { type?: string; enum?: unknown[]; maxLength?: number }
  >;
  const out: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(props)) {
    if (p.enum) out[k] = p.enum[0];
    else if (p.type === 'number' || p.type === 'integer') out[k] = Math.floor(unitHash(seed + k) * 100);
    else if (p.type === 'boolean') out[k] = unitHash(seed + k) < 0.5;
    else out[k] = `${k} for ${seed}`.slice(0, p.maxLength ?? Number.POSITIVE_INFINITY);
  }
  return out;
}

/** The fake top-k next-token list for a chat prompt: a fixed label vocabulary with hashed log-probs. */
export function fakeTopLogprobs(messages: unknown, k: number): Array<{ token: string; logprob: number }> {
  const vocab = [
    'yes',
    ' yes',
    'no',
    ' no',
    'maybe',
    'Yes',
    'No',
    'true',
    'false',
    'relevant',
    'irrelevant',
    'A',
    'B',
    'C',
  ];
  const key = JSON.stringify(messages);
  return vocab
    .map((token) => ({ token, logprob: -0.05 - 8 * unitHash(`${key}\u0000${token}`) }))
    .sort((a, b) => b.logprob - a.logprob)
    .slice(0, k);
}
