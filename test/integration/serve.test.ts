/**
 * The server against real clients on loopback: the official `openai` SDK (base64 by default), LangChain's
 * `OpenAIEmbeddings` with a custom base URL, raw sockets for slow bodies, the concurrency limit and graceful
 * shutdown. The model is built with the project's own code and loaded from disk as `gecko serve` loads it.
 */
import { request } from 'node:http';
import { OpenAIEmbeddings } from '@langchain/openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import type { StaticModel } from '../../src/model/StaticModel.js';
import { type RunningServer, startServer } from '../../src/serve/createServer.js';
import { tempDir } from '../helpers/tmp.js';
import { maxAbsDiff, saveTestModel } from '../unit/serve/fixtures.js';

const KEY = 'sk-gecko-test';
let model: StaticModel;
let server: RunningServer;
let modelDir: string;

beforeAll(async () => {
  modelDir = tempDir('gecko-serve-model-');
  await saveTestModel(modelDir);
  model = await loadStaticModel(modelDir);
  server = await startServer({ model }, { port: 0, apiKey: KEY, maxInputs: 64 });
});
afterAll(async () => {
  await server?.close();
});

const client = (apiKey = KEY): OpenAI =>
  new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 10_000 });

describe('the openai SDK', () => {
  it('embeddings.create (base64 on the wire) returns the model’s vectors', async () => {
    const texts = ['geckos climb walls with their toes', 'sticky feet'];
    const res = await client().embeddings.create({ model: 'gecko', input: texts });
    const expected = await model.embed(texts);
    expect(res.data).toHaveLength(2);
    res.data.forEach((d, i) => {
      expect(d.index).toBe(i);
      expect(maxAbsDiff(d.embedding, expected[i]!)).toBe(0);
    });
    expect(res.model).toBe('gecko');
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('passes dimensions and float encoding through', async () => {
    const res = await client().embeddings.create({
      model: 'gecko',
      input: 'how do geckos climb',
      dimensions: 8,
      encoding_format: 'float',
    });
    const [expected] = await model.embed(['how do geckos climb'], { dimensions: 8 });
    expect(maxAbsDiff(res.data[0]!.embedding, expected!)).toBe(0);
  });

  it('passes input_type through as an extra field of the request body', async () => {
    const params = { model: 'gecko', input: 'geckos shed their tails', input_type: 'document' };
    const res = await client().embeddings.create(params as OpenAI.EmbeddingCreateParams);
    const [expected] = await model.embed(['geckos shed their tails'], { kind: 'document' });
    expect(maxAbsDiff(res.data[0]!.embedding, expected!)).toBe(0);
  });

  it('lists models', async () => {
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gecko']);
  });

  it('surfaces 4xx errors with the server’s message, and the server keeps serving', async () => {
    await expect(client().embeddings.create({ model: 'nope', input: 'a' })).rejects.toMatchObject({
      status: 404,
      message: expect.stringMatching(/The model 'nope' does not exist/),
    });
    await expect(client('sk-wrong').embeddings.create({ model: 'gecko', input: 'a' })).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/Incorrect API key/),
    });
    await expect(
      client().embeddings.create({ model: 'gecko', input: Array.from({ length: 65 }, () => 'x') }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/too many inputs: 65; at most 64/),
    });
    await expect(
      client().embeddings.create({ model: 'gecko', input: 'a', dimensions: 1000 }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/from 1 to 48/),
    });
    const ok = await client().embeddings.create({ model: 'gecko', input: 'fine' });
    expect(ok.data).toHaveLength(1);
  });
});

describe('LangChain OpenAIEmbeddings with a custom base URL', () => {
  it('embedDocuments and embedQuery return the model’s vectors', async () => {
    const embeddings = new OpenAIEmbeddings({
      model: 'gecko',
      apiKey: KEY,
      maxRetries: 0,
      configuration: { baseURL: `${server.url}/v1` },
    });
    const docs = ['the tokay gecko is loud', 'geckos lick their eyes'];
    const vectors = await embeddings.embedDocuments(docs);
    const expected = await model.embed(docs);
    vectors.forEach((v, i) => {
      expect(maxAbsDiff(v, expected[i]!)).toBe(0);
    });
    const q = await embeddings.embedQuery('why are geckos sticky');
    expect(maxAbsDiff(q, (await model.embed(['why are geckos sticky']))[0]!)).toBe(0);
  });
});

/** Sends headers and part of a body, and resolves with the response once the server answers. */
function partialRequest(
  url: string,
  body: string,
  sent: number,
  headers: Record<string, string> = {},
): { done: Promise<{ status: number; body: string }>; finish: () => void } {
  const req = request(`${url}/v1/embeddings`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    },
  });
  const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, sent));
  return { done, finish: () => req.end(body.slice(sent)) };
}

describe('limits and shutdown on a real socket', () => {
  const body = JSON.stringify({ model: 'gecko', input: 'slow body' });

  it('a body that arrives too slowly gets a 408', async () => {
    const s = await startServer({ model }, { port: 0, requestTimeoutMs: 300 });
    try {
      const slow = partialRequest(s.url, body, 10);
      const res = await slow.done;
      expect(res.status).toBe(408);
      expect(JSON.parse(res.body).error.message).toMatch(/did not arrive within 300 ms/);
    } finally {
      await s.close();
    }
  });

  it('bodies still arriving hold no maxConcurrent slot: other requests are served meanwhile', async () => {
    const s = await startServer({ model }, { port: 0, maxConcurrent: 2 });
    try {
      const a = partialRequest(s.url, body, 5);
      const b = partialRequest(s.url, body, 5);
      await new Promise((r) => setTimeout(r, 100));
      expect(s.state.inFlight).toBe(0);
      const c = await fetch(`${s.url}/v1/embeddings`, { method: 'POST', body });
      expect(c.status).toBe(200);
      a.finish();
      b.finish();
      expect((await a.done).status).toBe(200);
      expect((await b.done).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('close() lets a request in progress finish, then stops accepting connections', async () => {
    const s = await startServer({ model }, { port: 0 });
    const inProgress = partialRequest(s.url, body, 5);
    await new Promise((r) => setTimeout(r, 100));
    const closed = s.close();
    inProgress.finish();
    const res = await inProgress.done;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).data).toHaveLength(1);
    await closed;
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
  });
});
