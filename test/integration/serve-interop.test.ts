/**
 * What clients other than the `openai` SDK meet, over loopback sockets: inputs already in Gecko's format
 * (e.g. `gecko eval --format gecko` through `openai:`) and `input_type` as other embedding APIs name it,
 * CORS for browser pages, and Prometheus metrics. Each request goes to the socket server, whose
 * `/v1/embeddings` runs on the node:http fast path, and where it matters to the Hono app in process too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import type { StaticModel } from '../../src/model/StaticModel.js';
import { createApp, type GeckoApp, type RunningServer, startServer } from '../../src/serve/createServer.js';
import { parseCorsOrigins } from '../../src/serve/options.js';
import { tempDir } from '../helpers/tmp.js';
import { maxAbsDiff, saveTestModel } from '../unit/serve/fixtures.js';

const KEY = 'sk-interop';
const PAGE = 'http://page.example:5173';
let model: StaticModel;
let plain: RunningServer;
let browser: RunningServer;
let anyOrigin: RunningServer;
let inProcess: GeckoApp;

beforeAll(async () => {
  const dir = tempDir('gecko-interop-model-');
  await saveTestModel(dir);
  model = await loadStaticModel(dir);
  plain = await startServer({ model }, { port: 0 });
  browser = await startServer({ model }, { port: 0, apiKey: KEY, cors: [PAGE] });
  anyOrigin = await startServer({ model }, { port: 0, cors: '*' });
  inProcess = createApp({ model });
});
afterAll(async () => {
  await Promise.all([plain?.close(), browser?.close(), anyOrigin?.close()]);
});

interface Embeddings {
  data: { embedding: number[] }[];
  usage: { prompt_tokens: number };
}

async function embed(body: Record<string, unknown>, via: 'socket' | 'hono' = 'socket'): Promise<Embeddings> {
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gecko', ...body }),
  };
  const res =
    via === 'socket'
      ? await fetch(`${plain.url}/v1/embeddings`, init)
      : await inProcess.app.request('/v1/embeddings', init);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Embeddings;
}

const tokens = (texts: string[]): number => model.tokenizer.encodeBatch(texts).ids.length;

describe('inputs already in Gecko’s format', () => {
  it.each(['socket', 'hono'] as const)('are embedded as sent, not prefixed twice (%s)', async (via) => {
    const q = 'task: question answering | query: how do geckos climb walls';
    const d = 'title: Gecko feet | text: millions of tiny hairs stick to the wall';
    const got = await embed({ input: [q, d] }, via);
    const [expQ] = await model.embed(['how do geckos climb walls'], { task: 'question answering' });
    const [expD] = await model.embed(
      [{ title: 'Gecko feet', text: 'millions of tiny hairs stick to the wall' }],
      {
        kind: 'document',
      },
    );
    expect(maxAbsDiff(got.data[0]!.embedding, expQ!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(got.data[1]!.embedding, expD!)).toBeLessThan(1e-6);
    expect(got.usage.prompt_tokens).toBe(tokens([q, d]));
    // A plain text in the same batch still gets the query prefix.
    const mixed = await embed({ input: [q, 'how do geckos climb walls'], task: 'question answering' }, via);
    expect(maxAbsDiff(mixed.data[1]!.embedding, expQ!)).toBeLessThan(1e-6);
  });
});

describe('input_type', () => {
  it('names the side as Voyage and Cohere do', async () => {
    const text = 'geckos stick to glass';
    const [query] = await model.embed([text]);
    const [doc] = await model.embed([text], { kind: 'document' });
    const [cls] = await model.embed([text], { task: 'classification' });
    const [clu] = await model.embed([text], { task: 'search result' });
    for (const [inputType, expected] of [
      ['query', query],
      ['search_query', query],
      ['document', doc],
      ['search_document', doc],
      ['classification', cls],
      ['clustering', clu],
    ] as const) {
      const got = await embed({ input: text, input_type: inputType });
      expect(maxAbsDiff(got.data[0]!.embedding, expected!), inputType).toBeLessThan(1e-6);
    }
    // `task` overrides the task string that `classification` implies; `kind` may repeat input_type.
    const [qa] = await model.embed([text], { task: 'question answering' });
    const both = await embed({ input: text, input_type: 'classification', task: 'question answering' });
    expect(maxAbsDiff(both.data[0]!.embedding, qa!)).toBeLessThan(1e-6);
    const agree = await embed({ input: text, input_type: 'search_document', kind: 'document' });
    expect(maxAbsDiff(agree.data[0]!.embedding, doc!)).toBeLessThan(1e-6);
  });

  it('"raw" embeds the text with no prompt, as its token ids would be', async () => {
    const text = 'a text formatted some other way';
    const raw = await embed({ input: text, input_type: 'raw' });
    const ids = Array.from(model.tokenizer.encodeBatch([text]).ids);
    const byIds = await embed({ input: [ids] });
    expect(maxAbsDiff(raw.data[0]!.embedding, byIds.data[0]!.embedding)).toBeLessThan(1e-6);
    expect(raw.usage.prompt_tokens).toBe(ids.length);
  });

  it.each([
    [
      'an unknown value',
      { input_type: 'passage' },
      /'input_type' must be one of "query", "search_query", "document"/,
    ],
    ['a non-string', { input_type: 3 }, /'input_type' must be one of/],
    ['kind and input_type disagreeing', { kind: 'query', input_type: 'document' }, /disagree/],
    ['raw with a task', { input_type: 'raw', task: 'x' }, /'task' has no effect/],
  ])('refuses %s with a 400 naming the field', async (_, extra, message) => {
    for (const url of [plain.url, null]) {
      const init = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gecko', input: 'x', ...extra }),
      };
      const res = url
        ? await fetch(`${url}/v1/embeddings`, init)
        : await inProcess.app.request('/v1/embeddings', init);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; param: string } };
      expect(body.error.message).toMatch(message);
      expect(['input_type', 'task']).toContain(body.error.param);
    }
  });
});

describe('CORS', () => {
  it('answers a preflight without the key, for the listed origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${browser.url}/v1/embeddings`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, x-stainless-lang',
        },
      });
    const ok = await preflight(PAGE);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-stainless-lang/i);
    const other = await preflight('http://elsewhere.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('marks answers to the page, errors included, and exposes gecko’s headers', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${browser.url}/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: PAGE, ...headers },
        body: JSON.stringify({ model: 'gecko', input: 'geckos' }),
      });
    const ok = await post({ authorization: `Bearer ${KEY}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/X-Gecko-Truncated-Inputs/i);
    const [expected] = await model.embed(['geckos']);
    const body = (await ok.json()) as Embeddings;
    expect(maxAbsDiff(body.data[0]!.embedding, expected!)).toBeLessThan(1e-6);
    const denied = await post({});
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe(PAGE);
    const models = await fetch(`${browser.url}/v1/models`, {
      headers: { origin: PAGE, authorization: `Bearer ${KEY}` },
    });
    expect(models.headers.get('access-control-allow-origin')).toBe(PAGE);
  });

  it('"*" allows any origin; without --cors there are no CORS headers and OPTIONS is not allowed', async () => {
    const any = await fetch(`${anyOrigin.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://any.example' },
      body: JSON.stringify({ model: 'gecko', input: 'geckos' }),
    });
    expect(any.headers.get('access-control-allow-origin')).toBe('*');
    const none = await fetch(`${plain.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PAGE },
      body: JSON.stringify({ model: 'gecko', input: 'geckos' }),
    });
    expect(none.status).toBe(200);
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    const options = await fetch(`${plain.url}/v1/embeddings`, {
      method: 'OPTIONS',
      headers: { origin: PAGE, 'access-control-request-method': 'POST' },
    });
    expect(options.status).toBe(405);
  });

  it('checks the origins it is given', () => {
    expect(parseCorsOrigins('*')).toBe('*');
    expect(parseCorsOrigins('https://a.example, http://localhost:5173')).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(() => parseCorsOrigins('https://a.example/')).toThrow(/"https:\/\/a.example\/" is not an origin/);
    expect(() => parseCorsOrigins('localhost:5173')).toThrow(/not an origin/);
    expect(() => parseCorsOrigins(',')).toThrow(/empty/);
  });
});

describe('GET /metrics', () => {
  it('counts requests by route and status, latency, tokens and in-flight requests', async () => {
    const server = await startServer({ model }, { port: 0, apiKey: KEY });
    try {
      const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
      const post = (body: unknown, headers: Record<string, string> = auth) =>
        fetch(`${server.url}/v1/embeddings`, { method: 'POST', headers, body: JSON.stringify(body) });
      let usage = 0;
      for (const input of ['one', ['two', 'three four']]) {
        const res = await post({ model: 'gecko', input });
        usage += ((await res.json()) as Embeddings).usage.prompt_tokens;
      }
      expect((await post({ model: 'gecko', input: [] })).status).toBe(400);
      expect(
        (await post({ model: 'gecko', input: 'x' }, { 'content-type': 'application/json' })).status,
      ).toBe(401);
      expect((await fetch(`${server.url}/v1/models`, { headers: auth })).status).toBe(200);
      expect((await fetch(`${server.url}/no/such/path/${'x'.repeat(20)}`)).status).toBe(404);

      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const value = (series: string): number | undefined => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? undefined : Number(line.slice(series.length + 1));
      };
      const requests = (route: string, method: string, status: number) =>
        value(`gecko_http_requests_total{route="${route}",method="${method}",status="${status}"}`);
      expect(requests('/v1/embeddings', 'POST', 200)).toBe(2);
      expect(requests('/v1/embeddings', 'POST', 400)).toBe(1);
      expect(requests('/v1/embeddings', 'POST', 401)).toBe(1);
      expect(requests('/v1/models', 'GET', 200)).toBe(1);
      expect(requests('other', 'GET', 404)).toBe(1);
      expect(value('gecko_http_request_duration_seconds_count{route="/v1/embeddings"}')).toBe(4);
      expect(value('gecko_http_request_duration_seconds_bucket{le="+Inf",route="/v1/embeddings"}')).toBe(4);
      expect(value('gecko_http_request_duration_seconds_sum{route="/v1/embeddings"}')).toBeGreaterThan(0);
      expect(value('gecko_embedded_inputs_total')).toBe(3);
      expect(value('gecko_embedded_tokens_total')).toBe(usage);
      expect(value('gecko_http_requests_in_flight')).toBe(0);
      expect(value(`gecko_model_info{model="gecko",dimensions="${model.dimensions}"}`)).toBe(1);
      // The scrape itself is counted by the next one.
      const again = await (await fetch(`${server.url}/metrics`)).text();
      expect(again).toMatch(/gecko_http_requests_total\{route="\/metrics",method="GET",status="200"\} 1/);
    } finally {
      await server.close();
    }
  });

  it('shows requests in flight while they are handled', async () => {
    const g = createApp({ model });
    g.state.inFlight = 3;
    const text = await (await g.app.request('/metrics')).text();
    expect(text).toMatch(/^gecko_http_requests_in_flight 3$/m);
  });
});
