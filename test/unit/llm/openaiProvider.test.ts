import { afterEach, describe, expect, it } from 'vitest';
import { isLlmError } from '../../../src/llm/errors/LlmError.js';
import { isProviderHttpError, type ProviderHttpError } from '../../../src/llm/errors/ProviderHttpError.js';
import { createOpenAIProvider, type OpenAIProviderOptions } from '../../../src/llm/openai/OpenAIProvider.js';
import { labelLogProbs, queryLogProb } from '../../../src/llm/scoring.js';
import {
  type Fault,
  fakeChatReply,
  fakeContinuationLogprob,
  fakeTopLogprobs,
  type OpenAIServer,
  type OpenAIServerOptions,
  startOpenAIServer,
} from '../../helpers/openaiServer/index.js';

let server: OpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FAST_RETRY = { baseDelayMs: 1, backoffLimitMs: 5, jitter: 0.5 };

async function setup(serverOptions: OpenAIServerOptions = {}, provider: Partial<OpenAIProviderOptions> = {}) {
  server = await startOpenAIServer(serverOptions);
  const llm = createOpenAIProvider({
    baseUrl: server.baseUrl,
    model: 'fake',
    retry: FAST_RETRY,
    ...provider,
  });
  return { server, llm };
}

describe('OpenAI-compatible provider', () => {
  it('200 concurrent requests with injected faults: exactly one result per input', async () => {
    // Input i fails its first (i % 4) attempts, each time with another fault kind, then succeeds: every
    // kind is exercised, and no input needs more attempts than the retry limit allows.
    const kinds: Fault[] = [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 429, retryAfterMs: 5 },
      { kind: 'malformed' },
      { kind: 'truncated' },
      { kind: 'drop' },
      { kind: 'slow', ms: 3000 },
      { kind: 'status', status: 503, retryAfter: '0' },
    ];
    const attemptsOf = new Map<string, number>();
    const { server, llm } = await setup(
      {
        faults: ({ body }) => {
          const content = (body as { messages: Array<{ content: string }> }).messages[0]?.content as string;
          const n = (attemptsOf.get(content) ?? 0) + 1;
          attemptsOf.set(content, n);
          const i = Number(content.split(' ').pop());
          return n <= i % 4 ? kinds[(i + n) % kinds.length] : undefined;
        },
      },
      { concurrency: 32, timeoutMs: 1500 },
    );
    const inputs = Array.from({ length: 200 }, (_, i) => `input number ${i}`);
    const results = await Promise.all(inputs.map((content) => llm.generate([{ role: 'user', content }])));
    expect(results).toHaveLength(200);
    results.forEach((r, i) => {
      expect(r.text).toBe(fakeChatReply([{ role: 'user', content: inputs[i] as string }]));
    });
    expect(new Set(results.map((r) => r.text)).size).toBe(200);
    inputs.forEach((input, i) => {
      expect(attemptsOf.get(input)).toBeGreaterThanOrEqual((i % 4) + 1);
    });
    const stats = llm.httpStats();
    // The server answered each input successfully at least once; a second success for an input happens
    // only when the client had already timed out on the first (at-least-once delivery under timeouts).
    const oks = server.okCount('/v1/chat/completions');
    expect(oks).toBeGreaterThanOrEqual(200);
    expect(oks - 200).toBeLessThanOrEqual(stats.failures.timeout);
    expect(stats.failures.status).toBeGreaterThan(0);
    expect(stats.failures.malformed).toBeGreaterThan(0);
    expect(stats.failures.network).toBeGreaterThan(0);
    expect(stats.requests).toBe(200);
    expect(stats.attempts).toBe(server.count('/v1/chat/completions'));
    expect(stats.retries).toBeGreaterThan(20);
    expect(llm.usage().calls).toBe(200);
  });

  it('a persistent fault ends in a clear error after the retry cap', async () => {
    const { server, llm } = await setup(
      { faults: () => ({ kind: 'status', status: 503 }) },
      { retry: { ...FAST_RETRY, limit: 3 } },
    );
    const err = (await llm.generate('hello').catch((e: unknown) => e)) as ProviderHttpError;
    expect(isProviderHttpError(err)).toBe(true);
    expect(err.status).toBe(503);
    expect(err.attempts).toBe(4);
    expect(err.message).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions failed: HTTP 503.*gave up after 4 attempts \(retry limit 3\)/,
    );
    expect(server.count()).toBe(4);
  });

  it('does not retry a 400 and names the request', async () => {
    const { server, llm } = await setup({
      faults: () => ({ kind: 'status', status: 400, body: '{"error":"bad model"}' }),
    });
    await expect(llm.generate('x')).rejects.toThrow(/HTTP 400: \{"error":"bad model"\}; not retryable/);
    expect(server.count()).toBe(1);
  });

  it('waits as long as Retry-After says', async () => {
    const { llm } = await setup({
      faults: ({ seq }) => (seq === 1 ? { kind: 'status', status: 429, retryAfter: '1' } : undefined),
    });
    const t0 = performance.now();
    await llm.generate('x');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('cancels queued and in-flight requests on abort', async () => {
    const { server, llm } = await setup({ faults: () => ({ kind: 'slow', ms: 5000 }) }, { concurrency: 2 });
    const ac = new AbortController();
    const calls = Array.from({ length: 6 }, (_, i) =>
      llm.generate(`q${i}`, { signal: ac.signal }).catch((e: unknown) => e),
    );
    while (server.count() < 2) await new Promise((r) => setTimeout(r, 5));
    const t0 = performance.now();
    ac.abort();
    const errs = await Promise.all(calls);
    expect(performance.now() - t0).toBeLessThan(2500); // well before the 5 s answers
    for (const e of errs) expect(isLlmError(e, 'LLM_ABORTED')).toBe(true);
    expect(server.count()).toBe(2); // the four queued ones never went out
  });

  it('scores by /completions echo: one request per prompt, exact sums', async () => {
    const { server, llm } = await setup();
    const prompt = 'Passage: geckos climb walls with sticky toe pads.\nQuery:';
    const conts = [' how do geckos climb', ' why is the sky blue'];
    const scores = await llm.scoreContinuations(prompt, conts);
    scores.forEach((s, i) => {
      const ref = fakeContinuationLogprob(prompt, conts[i] as string);
      expect(s.logProb).toBeCloseTo(ref.logProb, 10);
      expect(s.tokenCount).toBe(ref.tokenCount);
      expect(s).toMatchObject({ exact: true, method: 'prompt-logprobs' });
    });
    const before = server.count('/v1/completions');
    await queryLogProb(llm, prompt, ' third query');
    expect(server.count('/v1/completions') - before).toBe(1);
    expect((await llm.capabilities()).logProbs).toBe('exact');
  });

  it('scores labels by chat top_logprobs when /completions echo is missing, and says when it cannot', async () => {
    const { llm } = await setup({ features: { completionsEcho: false } });
    const msgs = [
      { role: 'user' as const, content: 'Query: gecko feet. Passage: ... Relevant? Answer yes or no.' },
    ];
    const { scores, probs } = await labelLogProbs(llm, msgs, ['yes', 'no']);
    const top = fakeTopLogprobs(msgs, 20);
    const lse = (xs: number[]) => Math.log(xs.reduce((a, x) => a + Math.exp(x), 0));
    expect(scores[0]?.logProb).toBeCloseTo(
      lse(top.filter((t) => t.token.trim() === 'yes').map((t) => t.logprob)),
      10,
    );
    expect(scores[0]).toMatchObject({ exact: true, method: 'top-logprobs', tokenCount: 1 });
    expect((probs[0] as number) + (probs[1] as number)).toBeCloseTo(1, 12);
    const caps = await llm.capabilities();
    expect(caps.logProbs).toBe('top-k');
    expect(caps.notes.join('\n')).toMatch(/top-20 only/);
    await expect(queryLogProb(llm, 'Passage: x\nQuery:', ' how do geckos climb walls')).rejects.toThrow(
      /not among the top-20 next tokens.*cannot be computed/,
    );
  });

  it('fails clearly when the endpoint offers no log-probabilities at all', async () => {
    const { llm } = await setup({ features: { completionsEcho: false, chatLogprobs: false } });
    await expect(llm.scoreContinuations('p', [' q'])).rejects.toThrow(
      /cannot score continuations: it supports neither/,
    );
    expect((await llm.capabilities()).logProbs).toBe('none');
  });

  it('uses the json_schema response format, else prompt + parse', async () => {
    const schema = {
      type: 'object',
      properties: { task: { type: 'string' }, query: { type: 'string' } },
      required: ['task', 'query'],
    };
    const a = await setup();
    const g = await a.llm.generate([{ role: 'user', content: 'p1' }], { jsonSchema: schema, seed: 1 });
    expect(g.value).toEqual({ task: 'task for reply to: p1', query: 'query for reply to: p1' });
    const first = a.server.log[0]?.body as { response_format?: { type: string } };
    expect(first.response_format?.type).toBe('json_schema');
    await a.server.close();
    const b = await setup({ features: { jsonSchema: false } });
    const h = await b.llm.generate([{ role: 'user', content: 'p2' }], { jsonSchema: schema });
    expect(h.value).toEqual({ task: 'task for reply to: p2', query: 'query for reply to: p2' });
    expect(h.text).toMatch(/^Sure! Here it is:/);
    expect((await b.llm.capabilities()).json).toBe('prompt');
    // Once known, later calls go straight to prompt mode (one request each).
    const n = b.server.count('/v1/chat/completions');
    await b.llm.generate([{ role: 'user', content: 'p3' }], { jsonSchema: schema });
    expect(b.server.count('/v1/chat/completions') - n).toBe(1);
  });

  it('reports output that violates the schema as LLM_OUTPUT after its retries', async () => {
    const { server, llm } = await setup({
      features: { jsonSchema: false },
      routes: {
        'POST /v1/chat/completions': () => ({ json: { choices: [{ message: { content: '{"task": 3}' } }] } }),
      },
    });
    const err = await llm
      .generate('x', {
        jsonSchema: { type: 'object', required: ['task'], properties: { task: { type: 'string' } } },
      })
      .catch((e: unknown) => e);
    expect(isLlmError(err, 'LLM_OUTPUT')).toBe(true);
    expect((err as Error).message).toMatch(/does not match the JSON schema \(\/task must be string\)/);
    expect(server.count()).toBe(3);
  });

  it('counts the tokens of rejected JSON answers: in the result after a retry, in the final error', async () => {
    const usage = { prompt_tokens: 7, completion_tokens: 2 };
    const answers = ['not json', '{"task": 3}', '{"task": "ok"}'];
    const { llm } = await setup({
      routes: {
        'POST /v1/chat/completions': ({ routeSeq }) => ({
          json: { choices: [{ message: { content: answers[(routeSeq - 1) % 3] } }], usage },
        }),
      },
    });
    const schema = { type: 'object', required: ['task'], properties: { task: { type: 'string' } } };
    const g = await llm.generate('x', { jsonSchema: schema });
    expect(g.value).toEqual({ task: 'ok' });
    expect(g.usage).toEqual({ promptTokens: 21, completionTokens: 6 });
    // A call whose three answers all fail its schema.
    const bad = await llm
      .generate('y', { jsonSchema: { ...schema, properties: { task: { type: 'boolean' } } } })
      .catch((e: unknown) => e);
    expect(isLlmError(bad, 'LLM_OUTPUT')).toBe(true);
    expect((bad as { usage?: unknown }).usage).toEqual({ promptTokens: 21, completionTokens: 6 });
    expect(llm.usage()).toMatchObject({ promptTokens: 42, completionTokens: 12, calls: 6 });
  });

  it('sends the key from the named variable and never puts it in errors', async () => {
    process.env.GECKO_TEST_LLM_KEY = 'sk-secret-123456';
    try {
      const { server, llm } = await setup(
        { faults: ({ seq }) => (seq > 1 ? { kind: 'status', status: 500 } : undefined) },
        { apiKeyEnv: 'GECKO_TEST_LLM_KEY', retry: { ...FAST_RETRY, limit: 1 } },
      );
      await llm.generate('a');
      expect(server.authHeaders[0]).toBe('Bearer sk-secret-123456');
      const err = (await llm.generate('b').catch((e: unknown) => e)) as Error;
      expect(`${err.message}${err.stack}${JSON.stringify(err)}`).not.toContain('sk-secret');
      expect(llm.id).not.toContain('sk-secret');
    } finally {
      delete process.env.GECKO_TEST_LLM_KEY;
    }
    expect(() =>
      createOpenAIProvider({ baseUrl: 'http://x/v1', model: 'm', apiKeyEnv: 'GECKO_UNSET_VAR' }),
    ).toThrow(/GECKO_UNSET_VAR is not set/);
    expect(() => createOpenAIProvider({ baseUrl: 'http://u:p@x/v1', model: 'm' })).toThrow(
      /must not carry credentials/,
    );
  });
});
