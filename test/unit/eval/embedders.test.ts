import { getEventListeners } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/UsageError.js';
import { EvaluationError } from '../../../src/eval/EvaluationError.js';
import { CachedEmbedder } from '../../../src/eval/embedders/CachedEmbedder.js';
import { HashedBowEmbedder } from '../../../src/eval/embedders/HashedBowEmbedder.js';
import { createOpenAIEmbedder, OpenAiEmbedder } from '../../../src/eval/embedders/OpenAIEmbedder.js';
import { plainText } from '../../../src/eval/embedders/plainText.js';
import { loadTransformersEmbedder } from '../../../src/eval/embedders/TransformersEmbedder.js';
import { createTaskEncoders } from '../../../src/eval/encoder.js';
import { evaluateTask } from '../../../src/eval/evaluateTask.js';
import { openEvalModel } from '../../../src/eval/openModel.js';
import { defineTask } from '../../../src/eval/tasks/defineTask.js';
import type { Embedder, EmbedInput, EmbedOptions } from '../../../src/model/Embedder.js';
import { saveStaticModel } from '../../../src/model/formats/saveStaticModel.js';
import { StaticModel } from '../../../src/model/StaticModel.js';
import { Tokenizer } from '../../../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../../../src/model/tokenizer/wordPieceJson.js';
import { openWorkspace } from '../../../src/workspace/Workspace.js';
import { type OpenAIServer, startOpenAIServer } from '../../helpers/openaiServer/index.js';
import { SHARED_DATA } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

describe('HashedBowEmbedder', () => {
  it('is deterministic, unit-length, and shares words across texts', async () => {
    const e = new HashedBowEmbedder({ dimensions: 64 });
    const [a, b, c] = await e.embed(['the cat sat', 'The cat sat!', 'quantum chromodynamics']);
    expect(Array.from(a as Float32Array)).toEqual(Array.from(b as Float32Array));
    expect(norm(a as Float32Array)).toBeCloseTo(1, 6);
    const dot = (x: Float32Array, y: Float32Array): number =>
      x.reduce((s, v, i) => s + v * (y[i] as number), 0);
    expect(dot(a as Float32Array, b as Float32Array)).toBeGreaterThan(
      dot(a as Float32Array, c as Float32Array),
    );
    expect(() => new HashedBowEmbedder({ dimensions: 0 })).toThrow(UsageError);
  });
  it('documents are title + text, as mteb concatenates them', () => {
    expect(plainText({ title: 'T', text: ' body ' })).toBe('T  body');
    expect(plainText({ title: '', text: ' body ' })).toBe('body');
  });
});

/** Counts the texts a real embedder is asked for (what the cache must save). */
class Counting implements Embedder {
  calls = 0;
  texts = 0;
  constructor(readonly inner: Embedder) {}
  get id(): string {
    return this.inner.id;
  }
  get dimensions(): number {
    return this.inner.dimensions;
  }
  embed(inputs: readonly EmbedInput[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.calls++;
    this.texts += inputs.length;
    return this.inner.embed(inputs, options);
  }
}

describe('CachedEmbedder', () => {
  it('a rerun embeds nothing; keys separate sides, prompts and models', async () => {
    const dir = tempDir();
    const inner = new Counting(new HashedBowEmbedder({ dimensions: 32 }));
    const ws = openWorkspace(dir);
    const cached = new CachedEmbedder(inner, ws);
    const first = await cached.embed(['a b', 'c d'], { kind: 'query', task: 'x' });
    expect(inner.texts).toBe(2);
    const again = await cached.embed(['c d', 'a b'], { kind: 'query', task: 'x' });
    expect(inner.texts).toBe(2);
    expect(Array.from(again[1] as Float32Array)).toEqual(Array.from(first[0] as Float32Array));
    await cached.embed(['a b'], { kind: 'document' });
    await cached.embed(['a b'], { kind: 'query', task: 'y' });
    expect(inner.texts).toBe(4);
    ws.close();
    // A new process (new workspace handle) still hits the cache.
    const ws2 = openWorkspace(dir);
    const inner2 = new Counting(new HashedBowEmbedder({ dimensions: 32 }));
    const c2 = new CachedEmbedder(inner2, ws2);
    await c2.embed(['a b', 'c d'], { kind: 'query', task: 'x' });
    expect(inner2.texts).toBe(0);
    expect(c2.hits).toBe(2);
    ws2.close();
  });
  it('task encoders embed each text once for all Matryoshka sizes and re-normalise truncations', async () => {
    const inner = new Counting(new HashedBowEmbedder({ dimensions: 64 }));
    const [full, small] = createTaskEncoders(inner, [null, 16], { prompts: {} });
    const a = await full!.encode(['x y z', 'x y z', 'w'], 'query');
    const b = await small!.encode(['x y z', 'w'], 'query');
    expect(inner.texts).toBe(2);
    expect(a.dims).toBe(64);
    expect(b.dims).toBe(16);
    const row = b.data.subarray(0, 16);
    expect(norm(row)).toBeCloseTo(norm(row) === 0 ? 0 : 1, 5);
    expect(() => createTaskEncoders(inner, [128], { prompts: {} })).toThrow(/128 dimensions/);
  });
});

describe('OpenAI-compatible embedder', () => {
  let server: OpenAIServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('probes the size, sends batches in order, normalises, and retries 429 with Retry-After', async () => {
    server = await startOpenAIServer({
      features: { embeddingDim: 12 },
      faults: (req) =>
        req.path === '/v1/embeddings' && req.routeSeq === 2
          ? { kind: 'status', status: 429, retryAfter: '0' }
          : undefined,
    });
    const e = await createOpenAIEmbedder(server.baseUrl, 'fake', { apiKey: 'k' });
    expect(e.dimensions).toBe(12);
    expect(e.id).toMatch(/^openai:http:\/\/127\.0\.0\.1:\d+#fake$/);
    const vs = await e.embed(['one', { title: 'T', text: 'two' }], { kind: 'document' });
    expect(vs).toHaveLength(2);
    expect(norm(vs[0] as Float32Array)).toBeCloseTo(1, 5);
    expect(server.count('/v1/embeddings')).toBe(3); // probe, 429, retry
    const sent = server.log.at(-1)?.body as { input: string[] };
    expect(sent.input).toEqual(['one', 'T two']);
    expect(server.authHeaders.at(-1)).toBe('Bearer k');
  });

  it('gecko format sends the unified format with the task prompt', async () => {
    server = await startOpenAIServer();
    const e = await createOpenAIEmbedder(server.baseUrl, 'fake', { format: 'gecko', dimensions: 8 });
    await e.embed(['hi'], { kind: 'query', task: 'fact checking' });
    await e.embed([{ title: '', text: 'doc' }], { kind: 'document' });
    const inputs = server.log.map((r) => (r.body as { input: string[] }).input[0]);
    expect(inputs).toEqual(['task: fact checking | query: hi', 'title: none | text: doc']);
  });

  it('client errors are not retried and name the endpoint; malformed answers are rejected', async () => {
    server = await startOpenAIServer({
      routes: { 'POST /v1/embeddings': () => ({ status: 400, json: { error: { message: 'bad model' } } }) },
    });
    await expect(createOpenAIEmbedder(server.baseUrl, 'fake')).rejects.toThrow(/HTTP 400.*bad model/);
    expect(server.count('/v1/embeddings')).toBe(1);
    server.route('/v1/embeddings', () => ({ json: { data: [{ embedding: 'nope' }] } }));
    await expect(createOpenAIEmbedder(server.baseUrl, 'fake')).rejects.toThrow(/not an array of numbers/);
    server.route('/v1/embeddings', () => ({ json: { data: [] } }));
    await expect(createOpenAIEmbedder(server.baseUrl, 'fake')).rejects.toThrow(/expected "data" with 1/);
  });

  it("retry waits leave no abort listener behind on the caller's signal", async () => {
    // Two 503s with Retry-After: 0, then an answer: two waits between attempts on one signal.
    server = await startOpenAIServer({
      faults: (req) =>
        req.path === '/v1/embeddings' && req.routeSeq <= 2
          ? { kind: 'status', status: 503, retryAfter: '0' }
          : undefined,
    });
    const e = await createOpenAIEmbedder(server.baseUrl, 'fake', { dimensions: 8 });
    const ac = new AbortController();
    for (let i = 0; i < 3; i++) await e.embed([`text ${i}`], { signal: ac.signal });
    expect(server.count('/v1/embeddings')).toBe(5);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('an abort during a retry wait stops the call at once', async () => {
    server = await startOpenAIServer({
      faults: (req) =>
        req.path === '/v1/embeddings' ? { kind: 'status', status: 503, retryAfter: '30' } : undefined,
    });
    const e = await createOpenAIEmbedder(server.baseUrl, 'fake', { dimensions: 8 });
    const ac = new AbortController();
    const call = e.embed(['x'], { signal: ac.signal });
    while (server.count('/v1/embeddings') === 0) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await expect(call).rejects.toThrow(/cancelled/);
    expect(server.count('/v1/embeddings')).toBe(1);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it("a spec names the same embedder, sending Gecko's format by default", async () => {
    server = await startOpenAIServer();
    const e = await OpenAiEmbedder.create(`openai:${server.baseUrl}#fake`, { dimensions: 8 });
    expect(e.id).toBe(`openai:${server.baseUrl.replace(/\/v1$/, '')}#fake+gecko-format`);
    expect(Object.getPrototypeOf(e)).toBe(
      Object.getPrototypeOf(await createOpenAIEmbedder(server.baseUrl, 'fake', { dimensions: 8 })),
    );
    await expect(OpenAiEmbedder.create('openai:localhost:8080#m')).rejects.toThrow(
      /embedder spec "openai:localhost:8080#m" must look like openai:http\(s\):\/\/host:port\/v1#model-name/,
    );
  });

  it('an unreachable endpoint is an EvaluationError after the retries', async () => {
    const err = await createOpenAIEmbedder('http://127.0.0.1:9', 'x', {
      retry: { limit: 1, baseDelayMs: 1 },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(EvaluationError);
    expect(err.message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\/v1\/embeddings/);
  });
});

describe('transformers.js model folders (no model can be downloaded here: only the checks before loading)', () => {
  it('a folder without config/tokenizer/onnx weights is rejected by name', async () => {
    const dir = tempDir();
    await expect(loadTransformersEmbedder(dir)).rejects.toThrow(/missing config\.json/);
    writeFileSync(join(dir, 'config.json'), '{}');
    writeFileSync(join(dir, 'tokenizer.json'), '{}');
    await expect(loadTransformersEmbedder(dir)).rejects.toThrow(/no onnx\/\*\.onnx/);
  });
  it('without the optional package the error says what to install', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '{}');
    writeFileSync(join(dir, 'tokenizer.json'), '{}');
    mkdirSync(join(dir, 'onnx'));
    writeFileSync(join(dir, 'onnx', 'model.onnx'), '');
    const err = await loadTransformersEmbedder(dir).catch((e) => e);
    expect(err).toBeInstanceOf(EvaluationError);
    expect(err.code).toBe('MISSING_PACKAGE');
    expect(err.message).toMatch(/npm i @huggingface\/transformers/);
  });
});

describe('openEvalModel specs', () => {
  it('parses bm25, hashed-bow and rejects malformed openai specs', async () => {
    expect('lexical' in (await openEvalModel('bm25'))).toBe(true);
    const m = await openEvalModel('hashed-bow:48');
    expect('embedder' in m && m.embedder.dimensions).toBe(48);
    await expect(openEvalModel('openai:http://x')).rejects.toThrow(UsageError);
    await expect(openEvalModel('openai:ftp://x#m')).rejects.toThrow(/http/);
  });
});

describe('gecko static models as the evaluated model', () => {
  it('openEvalModel loads a saved static model folder, uses Gecko prompts and evaluates at Matryoshka sizes', async () => {
    const vocab = readFileSync(join(SHARED_DATA, 'vocab/bert-base-uncased-vocab.txt'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const tokenizer = Tokenizer.fromJSON(wordPieceTokenizerJson(vocab));
    const dir = tempDir();
    // An untrained (seeded random) table: this checks the loading and prompting path, not quality.
    await saveStaticModel(StaticModel.create(tokenizer, 32, { seed: 3 }), join(dir, 'model'));
    const model = await openEvalModel(join(dir, 'model'), { cacheWorkspace: join(dir, 'work') });
    if (!('embedder' in model)) throw new Error('expected an embedder');
    expect(model.embedder.id).toMatch(/^gecko-static:/);
    const task = defineTask({
      metadata: { name: 'Tiny', type: 'STS', main_score: 'cosine_spearman', eval_splits: ['test'] },
      load: async () => ({
        type: 'STS',
        sentence1: ['a cat', 'a dog', 'the sun'],
        sentence2: ['a cat', 'one dog', 'rain'],
        score: [5, 3, 0],
      }),
    });
    const results = await evaluateTask(task, model, { dims: [32, 8] });
    expect(results.map((r) => r.gecko.dimensions)).toEqual([32, 8]);
    expect(results[0]?.gecko.model).toBe(model.embedder.id);
    expect(Number.isFinite(results[0]?.scores.test?.[0]?.main_score)).toBe(true);
    model.close();
  });
});
