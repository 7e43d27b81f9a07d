import { beforeAll, describe, expect, it } from 'vitest';
import type { StaticModel } from '../../../src/model/StaticModel.js';
import { createApp, type GeckoApp } from '../../../src/serve/createServer.js';
import type { ServeOptions } from '../../../src/serve/options.js';
import { decodeBase64, maxAbsDiff, testModel } from './fixtures.js';

let model: StaticModel;
beforeAll(() => {
  model = testModel();
});

const post = (
  g: GeckoApp,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> =>
  Promise.resolve(
    g.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );

const app = (options: ServeOptions = {}): GeckoApp => createApp({ model }, options);

interface EmbeddingsBody {
  object: string;
  model: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  usage: { prompt_tokens: number; total_tokens: number };
}

describe('POST /v1/embeddings', () => {
  it('returns the model’s own vectors, in order, with usage', async () => {
    const texts = ['geckos climb walls', 'a second sentence', 'third'];
    const res = await post(app(), '/v1/embeddings', { model: 'gecko', input: texts });
    expect(res.status).toBe(200);
    const body = (await res.json()) as EmbeddingsBody;
    const expected = await model.embed(texts);
    expect(body.object).toBe('list');
    expect(body.data.map((d) => d.index)).toEqual([0, 1, 2]);
    body.data.forEach((d, i) => {
      expect(d.object).toBe('embedding');
      expect(maxAbsDiff(d.embedding as number[], expected[i]!)).toBe(0);
    });
    const tokens = model.tokenizer.encodeBatch(texts.map((t) => `task: search result | query: ${t}`)).ids
      .length;
    expect(body.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it('accepts a single string, Matryoshka dimensions, base64, and Gecko’s kind and task', async () => {
    const g = app();
    const res = await post(g, '/v1/embeddings', {
      model: 'gecko',
      input: 'how do geckos climb',
      dimensions: 16,
      encoding_format: 'base64',
      kind: 'query',
      task: 'question answering',
    });
    const body = (await res.json()) as EmbeddingsBody;
    const [expected] = await model.embed(['how do geckos climb'], {
      dimensions: 16,
      task: 'question answering',
    });
    const got = decodeBase64(body.data[0]!.embedding as string);
    expect(got.length).toBe(16);
    expect(maxAbsDiff(got, expected!)).toBe(0);
    const doc = await post(g, '/v1/embeddings', { model: 'gecko', input: ['a passage'], kind: 'document' });
    const [expDoc] = await model.embed(['a passage'], { kind: 'document' });
    expect(maxAbsDiff(((await doc.json()) as EmbeddingsBody).data[0]!.embedding as number[], expDoc!)).toBe(
      0,
    );
  });

  it('embeds token-id inputs (one array or several) by pooling those ids without a prompt', async () => {
    const ids = model.tokenizer.encode('geckos climb walls');
    const g = app();
    const one = (await (
      await post(g, '/v1/embeddings', { model: 'gecko', input: ids })
    ).json()) as EmbeddingsBody;
    const many = (await (
      await post(g, '/v1/embeddings', { model: 'gecko', input: [ids, ids.slice(0, 2)] })
    ).json()) as EmbeddingsBody;
    // The plain text (no Gecko prompt) through the model's pooling gives the same vector.
    const pooled = model.pool({
      ids: Int32Array.from(ids),
      offsets: Int32Array.from([0, ids.length]),
      truncated: 0,
    });
    let n = 0;
    for (const x of pooled) n += x * x;
    const expected = pooled.map((x) => x / Math.sqrt(n));
    expect(maxAbsDiff(one.data[0]!.embedding as number[], expected)).toBeLessThan(1e-7);
    expect(many.data).toHaveLength(2);
    expect(many.usage.prompt_tokens).toBe(ids.length + 2);
  });

  it('drops unknown-token ids from token-id inputs, as it does for texts', async () => {
    const ids = model.tokenizer.encode('geckos climb walls');
    const unk = model.tokenizer.droppedUnkId!;
    const g = app();
    const body = (await (
      await post(g, '/v1/embeddings', { model: 'gecko', input: [ids, [unk, ...ids, unk]] })
    ).json()) as EmbeddingsBody;
    expect(body.data[1]!.embedding).toEqual(body.data[0]!.embedding);
    expect(body.usage.prompt_tokens).toBe(2 * ids.length);
  });

  it('truncates long inputs by default and says so; rejects them under the reject policy', async () => {
    const long = Array.from({ length: 200 }, () => 'gecko').join(' ');
    const res = await post(app({ maxInputTokens: 20 }), '/v1/embeddings', {
      model: 'gecko',
      input: [long, 'short'],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gecko-truncated-inputs')).toBe('1');
    const body = (await res.json()) as EmbeddingsBody;
    expect(body.usage.prompt_tokens).toBeLessThanOrEqual(40);
    const rej = await post(app({ maxInputTokens: 20, longInputs: 'reject' }), '/v1/embeddings', {
      model: 'gecko',
      input: ['short', long],
    });
    expect(rej.status).toBe(400);
    const err = (await rej.json()) as { error: { message: string; param: string } };
    expect(err.error.param).toBe('input[1]');
    expect(err.error.message).toMatch(/longer than 20 tokens/);
  });
});

describe('bad requests get a 4xx in OpenAI’s error shape, and the app keeps serving', () => {
  const cases: [string, unknown, number, RegExp][] = [
    ['empty string', { model: 'gecko', input: '' }, 400, /empty string/],
    ['empty array', { model: 'gecko', input: [] }, 400, /empty array/],
    ['missing input', { model: 'gecko' }, 400, /'input' is a required/],
    ['number input', { model: 'gecko', input: 42 }, 400, /must be a string/],
    ['mixed array', { model: 'gecko', input: ['a', 3] }, 400, /input\[1\] must be a string/],
    ['object in array', { model: 'gecko', input: [{ text: 'a' }] }, 400, /input\[0\] must be/],
    ['token id out of range', { model: 'gecko', input: [1, 99_999_999] }, 400, /token id, an integer from 0/],
    ['fractional token id', { model: 'gecko', input: [[1.5]] }, 400, /token id/],
    [
      'too many inputs',
      { model: 'gecko', input: ['a', 'b', 'c', 'd', 'e'] },
      400,
      /too many inputs: 5; at most 4/,
    ],
    ['dimensions above the model', { model: 'gecko', input: 'a', dimensions: 49 }, 400, /from 1 to 48/],
    ['dimensions below 1', { model: 'gecko', input: 'a', dimensions: 0 }, 400, /from 1 to 48/],
    ['dimensions not an integer', { model: 'gecko', input: 'a', dimensions: '8' }, 400, /from 1 to 48/],
    [
      'unknown model',
      { model: 'text-embedding-3-small', input: 'a' },
      404,
      /does not exist; this server serves 'gecko'/,
    ],
    ['missing model', { input: 'a' }, 400, /'model' is a required/],
    ['bad encoding', { model: 'gecko', input: 'a', encoding_format: 'hex' }, 400, /"float" or "base64"/],
    ['bad kind', { model: 'gecko', input: 'a', kind: 'passage' }, 400, /"query" or "document"/],
    [
      'misspelt option',
      { model: 'gecko', input: 'a', dimension: 8 },
      400,
      /unrecognized request argument supplied: dimension/,
    ],
    ['not an object', [1, 2], 400, /must be a JSON object/],
    ['malformed JSON', '{"model": "gecko", "input": ', 400, /not valid JSON/],
  ];
  const g = createApp({ model: testModel() }, { maxInputs: 4 });
  for (const [name, body, status, message] of cases) {
    it(name, async () => {
      const res = await post(g, '/v1/embeddings', body);
      expect(res.status).toBe(status);
      const err = (await res.json()) as { error: { message: string; type: string } };
      expect(err.error.message).toMatch(message);
      expect(err.error.type).toBe('invalid_request_error');
      const ok = await post(g, '/v1/embeddings', { model: 'gecko', input: 'still serving' });
      expect(ok.status).toBe(200);
    });
  }

  it('an oversized body is refused with 413', async () => {
    const g2 = app({ maxBodyBytes: 1000 });
    const res = await post(g2, '/v1/embeddings', { model: 'gecko', input: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /larger than 1000 bytes/,
    );
    expect((await post(g2, '/v1/embeddings', { model: 'gecko', input: 'small' })).status).toBe(200);
  });

  it('with a key, a missing or wrong bearer token is a 401 and the right one passes; /health stays open', async () => {
    const g2 = app({ apiKey: 'sk-test-123' });
    const body = { model: 'gecko', input: 'a' };
    const missing = await post(g2, '/v1/embeddings', body);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string; type: string } }).error).toMatchObject({
      type: 'authentication_error',
      message: expect.stringMatching(/didn't provide an API key/),
    });
    const wrong = await post(g2, '/v1/embeddings', body, { authorization: 'Bearer sk-test-124' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(
      /Incorrect API key/,
    );
    expect((await post(g2, '/v1/embeddings', body, { authorization: 'Bearer sk-test-123' })).status).toBe(
      200,
    );
    expect((await g2.app.request('/health')).status).toBe(200);
  });

  it('unknown routes are 404 in the same shape', async () => {
    const res = await app().app.request('/v1/completions', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/No route for POST/);
  });

  it('search without a corpus is a 404 that says how to add one', async () => {
    const res = await post(app(), '/v1/search', { query: 'geckos' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no corpus/);
  });
});

describe('models and health', () => {
  it('lists the served model and reports counters', async () => {
    const g = app({ modelName: 'gecko-small' });
    const list = (await (await g.app.request('/v1/models')).json()) as {
      data: { id: string; dimensions: number }[];
    };
    expect(list.data).toEqual([
      expect.objectContaining({ id: 'gecko-small', object: 'model', dimensions: 48 }),
    ]);
    expect((await g.app.request('/v1/models/gecko-small')).status).toBe(200);
    expect((await g.app.request('/v1/models/other')).status).toBe(404);
    await post(g, '/v1/embeddings', { model: 'gecko-small', input: 'a' });
    const health = (await (await g.app.request('/health')).json()) as { status: string; served: number };
    expect(health).toMatchObject({ status: 'ok', served: 4 }); // three /v1/models calls and one embedding
    g.state.shuttingDown = true;
    expect((await g.app.request('/health')).status).toBe(503);
    expect((await post(g, '/v1/embeddings', { model: 'gecko-small', input: 'a' })).status).toBe(503);
  });

  it('refuses requests above the concurrency limit with 429 and Retry-After', async () => {
    const g = app({ maxConcurrent: 2 });
    g.state.inFlight = 2; // two requests still reading their bodies (the socket version is in test/integration)
    const res = await post(g, '/v1/embeddings', { model: 'gecko', input: 'a' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    g.state.inFlight = 0;
    expect((await post(g, '/v1/embeddings', { model: 'gecko', input: 'a' })).status).toBe(200);
  });

  it('checks its limits before starting', () => {
    expect(() => app({ maxInputs: 0 })).toThrow(/maxInputs must be a positive integer/);
    expect(() => app({ longInputs: 'drop' as 'reject' })).toThrow(/truncate" or "reject/);
    expect(() => app({ apiKey: '' })).toThrow(/API key is empty/);
  });
});
