import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Corpus, openCorpus } from '../../src/corpus/index.js';
import {
  Bm25Retriever,
  DenseRetriever,
  exportGenerateBatch,
  HybridRetriever,
  importGenerateBatch,
  OpenAiEmbedder,
} from '../../src/fret/index.js';
import { topK } from '../../src/fret/retrieve/DenseRetriever.js';
import { FretStore } from '../../src/fret/store.js';
import { formatDocument, formatQuery } from '../../src/model/unifiedFormat.js';
import { runGecko } from '../helpers/cli.js';
import { type OpenAIServer, startOpenAIServer, unitHash } from '../helpers/openaiServer/index.js';

/**
 * The dense and hybrid retrievers over an OpenAI-compatible `/v1/embeddings` endpoint (the loopback server's
 * deterministic vectors), and the Batch API round trip of step 1, on a small generated corpus.
 */
const TASK = 'Given a query, find a passage that has the answer to the query.';
let dir: string;
let corpus: Corpus;
let server: OpenAIServer;
const docs = Array.from({ length: 40 }, (_, i) => ({
  id: `d${i}`,
  title: `Topic ${i}`,
  text: `Passage ${i} tells about ${['geckos', 'lizards', 'snakes', 'turtles'][i % 4]} and ${['walls', 'sand', 'trees', 'water'][i % 3]} in region ${i}.`,
}));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-fret-rb-'));
  corpus = openCorpus(join(dir, 'ws'));
  await corpus.addPassages(docs);
  server = await startOpenAIServer({ features: { embeddingDim: 16 } });
});
afterAll(async () => {
  corpus?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The server's vector for a text, normalised: the test's independent reference. */
function reference(text: string): number[] {
  const v = Array.from({ length: 16 }, (_, d) => unitHash(`${text}\u0000${d}`) * 2 - 1);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('dense and hybrid retrieval', () => {
  it('finds the exact nearest passages of the Gecko-formatted query and stores the index', async () => {
    const embedder = await OpenAiEmbedder.create(`openai:${server.baseUrl}#fake-embed`);
    expect(embedder.dimensions).toBe(16);
    const dense = await DenseRetriever.open(corpus, embedder);
    expect(dense.size).toBe(40);
    const q = { task: TASK, query: 'where do geckos live' };
    const hits = await dense.retrieve(q, 5);
    const qv = reference(formatQuery(q.query, q.task));
    const expected = docs
      .map((d) => ({
        id: d.id,
        score: reference(formatDocument(d.text, d.title)).reduce((s, x, i) => s + x * (qv[i] as number), 0),
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 5);
    expect(hits.map((h) => h.id)).toEqual(expected.map((e) => e.id));
    for (const [i, h] of hits.entries()) expect(h.score).toBeCloseTo(expected[i]?.score as number, 5);
    // A second open re-embeds nothing: the vectors are in the workspace.
    server.reset();
    await DenseRetriever.open(corpus, embedder);
    expect(server.count('/v1/embeddings')).toBe(0);
  });

  it('fuses BM25 and dense rankings by RRF', async () => {
    const embedder = await OpenAiEmbedder.create(`openai:${server.baseUrl}#fake-embed`);
    const bm25 = new Bm25Retriever(corpus, 'query');
    const dense = await DenseRetriever.open(corpus, embedder);
    const hybrid = new HybridRetriever(bm25, dense, { k: 60 });
    const q = { task: TASK, query: 'geckos on walls' };
    const [a, b, h] = await Promise.all([bm25.retrieve(q, 10), dense.retrieve(q, 10), hybrid.retrieve(q, 5)]);
    const rank = (list: { id: string }[], id: string) => {
      const i = list.findIndex((x) => x.id === id);
      return i < 0 ? list.length + 1 : i + 1;
    };
    for (const x of h) expect(x.score).toBeCloseTo(1 / (60 + rank(a, x.id)) + 1 / (60 + rank(b, x.id)), 12);
    for (let i = 1; i < h.length; i++)
      expect((h[i - 1] as { score: number }).score).toBeGreaterThanOrEqual((h[i] as { score: number }).score);
  });

  it('topK returns the k best scores, ties by index', () => {
    const s = Float32Array.from([0.1, 0.9, 0.5, 0.9, -1, 0.5, 0.7]);
    expect(topK(s, 3)).toEqual([1, 3, 6]);
    expect(topK(s, 10)).toEqual([1, 3, 6, 2, 5, 0, 4]);
    const big = Float32Array.from({ length: 1000 }, (_, i) => unitHash(String(i)));
    const ref = [...big.keys()].sort((x, y) => (big[y] as number) - (big[x] as number) || x - y).slice(0, 20);
    expect(topK(big, 20)).toEqual(ref);
  });
});

describe('step 1 through a provider batch (OpenAI Batch API files)', () => {
  it('exports pending seeds, imports answers with the live checks, retries rejects, and is idempotent', async () => {
    const requests = join(dir, 'requests.jsonl');
    const e1 = await exportGenerateBatch(corpus, 'gpt-test', requests, { run: 'b', limit: 10, retries: 1 });
    expect(e1).toEqual({ requests: 10, finished: 0 });
    const lines = readFileSync(requests, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-test', response_format: { type: 'json_schema' } },
    });
    // Provider answers: good for even positions, a copy of the passage for odd ones, one request errored.
    const result = (l: { custom_id: string; body: { messages: { content: string }[] } }, i: number) => {
      const passage = l.body.messages[0]?.content.split('Passage: ').at(-1)?.split('\n')[0] ?? '';
      const query = i % 2 === 0 ? `what lives in region ${i}` : passage.replace(/^Topic \d+\. /, '');
      if (i === 9)
        return {
          custom_id: l.custom_id,
          response: { status_code: 500, body: {} },
          error: { message: 'server error' },
        };
      return {
        custom_id: l.custom_id,
        response: {
          status_code: 200,
          body: {
            choices: [{ message: { content: JSON.stringify({ task: TASK, query }) } }],
            usage: { prompt_tokens: 10, completion_tokens: 5 },
          },
        },
      };
    };
    const out1 = join(dir, 'results1.jsonl');
    writeFileSync(out1, lines.map((l, i) => JSON.stringify(result(l, i))).join('\n'));
    const i1 = await importGenerateBatch(corpus, out1, { run: 'b' });
    expect(i1).toEqual({ ok: 5, retry: 5, failed: 0, stale: 0 });
    expect(await importGenerateBatch(corpus, out1, { run: 'b' })).toEqual({
      ok: 0,
      retry: 0,
      failed: 0,
      stale: 10,
    });

    // The second export holds only the 5 rejected seeds, at attempt 1 with a new sampling seed.
    const e2 = await exportGenerateBatch(corpus, 'gpt-test', requests, { run: 'b', limit: 10, retries: 1 });
    expect(e2).toEqual({ requests: 5, finished: 5 });
    const again = readFileSync(requests, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(again.every((l) => l.custom_id.startsWith('fret-gen/1/'))).toBe(true);
    const first = lines.find((l) => l.custom_id.endsWith(again[0].custom_id.split('/')[2]));
    expect(again[0].body.seed).not.toBe(first.body.seed);
    // Still copies: with retries = 1 they now fail for good, with the reason of their last attempt.
    const out2 = join(dir, 'results2.jsonl');
    writeFileSync(out2, again.map((l) => JSON.stringify(result(l, 1))).join('\n'));
    expect(await importGenerateBatch(corpus, out2, { run: 'b' })).toEqual({
      ok: 0,
      retry: 0,
      failed: 5,
      stale: 0,
    });
    const rows = new FretStore(corpus.workspace).queries('b');
    expect(rows.filter((r) => r.status === 'ok')).toHaveLength(5);
    expect(
      rows
        .filter((r) => r.status === 'failed')
        .map((r) => r.reason)
        .sort(),
    ).toEqual(['copy', 'copy', 'copy', 'copy', 'copy']);
    const errored = rows.find((r) => JSON.parse(r.history)[0]?.reason === 'request-failed');
    expect(JSON.parse(errored?.history ?? '[]').map((h: { reason: string }) => h.reason)).toEqual([
      'request-failed',
      'copy',
    ]);
    expect(
      (await exportGenerateBatch(corpus, 'gpt-test', requests, { run: 'b', limit: 10, retries: 1 })).requests,
    ).toBe(0);
  });

  it('a results line that is JSON but not an object is an InputError naming its line', async () => {
    const bad = join(dir, 'null.jsonl');
    writeFileSync(bad, '\nnull\n');
    await expect(importGenerateBatch(corpus, bad, { run: 'b' })).rejects.toThrow(
      /null\.jsonl:2: expected a JSON object/,
    );
  });

  it('the CLI reports a malformed results file with file:line', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"custom_id": "fret-gen/0/d1", "response": {}}\nnot json\n');
    corpus.close();
    try {
      const r = await runGecko(['--work', join(dir, 'ws'), 'fret', 'import-batch', bad, '--run', 'b']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('bad.jsonl:2');
    } finally {
      corpus = openCorpus(join(dir, 'ws'));
    }
  });
});
