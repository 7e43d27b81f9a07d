import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Corpus, openCorpus } from '../../src/corpus/index.js';
import {
  createJudge,
  DEFAULT_TASK_FAMILIES,
  DenseRetriever,
  type FretExample,
  generateQueries,
  minePairs,
  trainQuickStudent,
  writeDataset,
} from '../../src/fret/index.js';
import { FretStore } from '../../src/fret/store.js';
import { withLlmCache } from '../../src/llm/cache/withLlmCache.js';
import { createOpenAIProvider } from '../../src/llm/openai/OpenAIProvider.js';
import { type OpenAIServer, type ServerRequest, startOpenAIServer } from '../helpers/openaiServer/index.js';
import { defaultRoutes } from '../helpers/openaiServer/routes.js';
import { SHARED_DATA } from '../helpers/paths.js';

/**
 * FRet end to end against the loopback OpenAI-compatible server. Step-1 answers are scripted per seed
 * passage (its position i in the corpus, mod 5): 0 good; 1 always malformed JSON; 2 always a refusal;
 * 3 a verbatim copy of the passage then good; 4 always a one-letter query. Step 2 scores with the server's
 * deterministic fake log-probabilities (`/v1/completions` echo).
 */
const TASK = 'Given a query, find a passage that has the answer to the query.';
let dir: string;
let corpus: Corpus;
let server: OpenAIServer;
const passages: { id: string; title: string; text: string }[] = [];
const seen = new Map<number, number>(); // passage index -> step-1 requests so far

function scriptedAnswer(req: ServerRequest): { json: unknown } | undefined {
  const body = req.body as {
    messages: { content: string }[];
    response_format?: { json_schema?: { schema?: { properties?: object } } };
  };
  const props = body.response_format?.json_schema?.schema?.properties ?? {};
  const content = body.messages.at(-1)?.content ?? '';
  let text: string;
  if ('relevance' in props) {
    // Graded judge: 3 when the passage shares the query's last word, else 0; one passage always answers prose.
    const query = /Query: (.*)\n/.exec(content.slice(content.lastIndexOf('Task: ')))?.[1] ?? '';
    const passage = content.slice(content.lastIndexOf('Passage: '));
    if (passage.includes((passages[7] as { text: string }).text.slice(0, 40))) text = 'It is quite relevant.';
    else
      text = JSON.stringify({
        relevance: passage.toLowerCase().includes(query.split(' ').at(-1) ?? '#') ? 3 : 0,
      });
  } else if ('query' in props) {
    const passage = content.slice(content.lastIndexOf('Passage: '));
    const i = passages.findIndex((p) => passage.includes(p.text.slice(0, 60)));
    const n = (seen.get(i) ?? 0) + 1;
    seen.set(i, n);
    const word = (passages[i]?.title.split(' ').find((w) => w.length > 6) ?? 'cells').toLowerCase();
    const good = JSON.stringify({ task: TASK, query: `what is known about ${word}` });
    text = [
      good,
      '{"task": "Given a query, find',
      "I'm sorry, but I can't help with that.",
      n === 1
        ? JSON.stringify({ task: TASK, query: passages[i]?.text.split(' ').slice(0, 12).join(' ') })
        : good,
      JSON.stringify({ task: TASK, query: 'a' }),
    ][i % 5] as string;
  } else return undefined;
  return {
    json: {
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20 },
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-fret-openai-'));
  for await (const line of createInterface({
    input: createReadStream(join(SHARED_DATA, 'mteb/SciFact/corpus.jsonl')),
  })) {
    const r = JSON.parse(line) as { _id: string; title: string; text: string };
    passages.push({ id: r._id, title: r.title, text: r.text.slice(0, 400) });
    if (passages.length === 50) break;
  }
  corpus = openCorpus(join(dir, 'ws'));
  await corpus.addPassages(passages);
  const fallback = defaultRoutes()['POST /v1/chat/completions'] as (r: ServerRequest) => unknown;
  server = await startOpenAIServer({
    routes: {
      'POST /v1/chat/completions': async (req) =>
        scriptedAnswer(req) ?? ((await fallback(req)) as { json: unknown }),
    },
  });
});
afterAll(async () => {
  corpus?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const provider = () => createOpenAIProvider({ baseUrl: server.baseUrl, model: 'fake' });

describe('FRet against an OpenAI-compatible server with scripted answers', () => {
  it('step 1: checks every answer, retries with new seeds, and records failures with reasons', async () => {
    const llm = withLlmCache(provider(), corpus.workspace);
    const s = await generateQueries(corpus, llm, { concurrency: 8, sampleSeed: 7 });
    expect(s).toMatchObject({
      selected: 50,
      ok: 20,
      failed: 30,
      failures: { 'malformed-json': 10, refusal: 10, 'too-short': 10 },
    });
    const rows = new FretStore(corpus.workspace).queries('default');
    const byIndex = (i: number) => rows.find((r) => r.item_id === passages[i]?.id);
    expect(byIndex(0)).toMatchObject({ status: 'ok', attempts: 1 });
    expect(byIndex(1)).toMatchObject({ status: 'failed', reason: 'malformed-json', attempts: 4 });
    // The LLM layer retries unparseable output itself before FRet counts an attempt.
    expect(seen.get(1)).toBeGreaterThan(4);
    // Rejected answers still cost tokens, and count: 4 attempts x 3 requests x (100 + 20) tokens.
    expect(byIndex(1)).toMatchObject({ prompt_tokens: 1200, completion_tokens: 240 });
    expect(byIndex(2)).toMatchObject({ prompt_tokens: 1200, completion_tokens: 240 });
    expect(byIndex(2)).toMatchObject({ status: 'failed', reason: 'refusal', attempts: 4 });
    expect(byIndex(3)).toMatchObject({ status: 'ok', attempts: 2 });
    expect(JSON.parse(byIndex(3)?.history ?? '')[0].reason).toBe('copy');
    expect(byIndex(4)).toMatchObject({ status: 'failed', reason: 'too-short', attempts: 4 });
    // The family is drawn uniformly per seed from the defaults; the histogram covers the accepted queries.
    expect(Object.values(s.families).reduce((a, b) => a + b, 0)).toBe(20);
    for (const f of Object.keys(s.families)) expect(DEFAULT_TASK_FAMILIES.map((d) => d.name)).toContain(f);
    expect(s.tokens.prompt).toBeGreaterThan(0);
  });

  it('step 2: ranks N candidates by fused QL and RC ranks, keeps the seed, and writes the dataset', async () => {
    const llm = withLlmCache(provider(), corpus.workspace);
    const judge = await createJudge('auto', llm);
    expect(judge.scoring).toBe('logprobs');
    const s = await minePairs(corpus, judge, { candidates: 5, concurrency: 8 });
    expect(s).toMatchObject({ items: 20, ok: 20, failed: 0 });
    expect(s.times.ql).toBeGreaterThan(0);
    const m = await writeDataset(new FretStore(corpus.workspace), {
      run: 'default',
      job: s.job,
      outDir: join(dir, 'out'),
      scoring: judge.scoring,
      prompts: {},
    });
    const examples = readFileSync(join(dir, 'out/fret.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as FretExample);
    expect(examples).toHaveLength(20);
    let relabeled = 0;
    for (const e of examples) {
      expect(e.candidates).toContain(e.seed_id);
      expect(e.candidates.length).toBeLessThanOrEqual(5);
      const n = e.candidates.length;
      expect(e.positive.id).toBe(e.candidates[(e.ranks.fused as number[]).indexOf(1)]);
      expect(e.negative?.id).toBe(e.candidates[(e.ranks.fused as number[]).indexOf(n)]);
      // R = 1/r_QL + 1/r_RC: the positive's fused score is the largest.
      const R = e.candidates.map(
        (_, i) => 1 / (e.ranks.ql as number[])[i]! + 1 / (e.ranks.rc as number[])[i]!,
      );
      expect(R[e.candidates.indexOf(e.positive.id)]).toBe(Math.max(...R));
      expect(e.relabeled).toBe(e.positive.id !== e.seed_id);
      if (e.relabeled) relabeled++;
    }
    expect(m.relabel).toEqual({ with_seed: 20, relabeled, rate: relabeled / 20 });
    expect(m.counts).toMatchObject({ seeds: 50, queries: 20, generation_failed: 30, examples: 20 });
    expect(m.failures.generate).toEqual({ 'malformed-json': 10, refusal: 10, 'too-short': 10 });
    expect(m.prompts.generate?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.scoring).toBe('logprobs');
  });

  it('a rerun costs no LLM calls: finished items are skipped, and a new job re-uses the LLM cache', async () => {
    server.reset();
    const llm = withLlmCache(provider(), corpus.workspace);
    const g = await generateQueries(corpus, llm, { concurrency: 8, sampleSeed: 7 });
    expect(g.resumed).toBe(50);
    const judge = await createJudge('llm', llm);
    const again = await minePairs(corpus, judge, { candidates: 5 });
    expect(again.resumed).toBe(20);
    // Another negative rule is another job: all its scoring calls are answered by the cache.
    const other = await minePairs(corpus, judge, { candidates: 5, negative: { kind: 'random' } });
    expect(other.ok).toBe(20);
    expect(server.count('/v1/completions')).toBe(0);
    expect(server.count('/v1/chat/completions')).toBe(0);
    expect(llm.stats().hits).toBeGreaterThan(0);
  });

  it("retrieves with a quick student trained on the run's (query, seed) pairs (the paper's initial retriever)", async () => {
    const outDir = join(dir, 'student');
    const model = await trainQuickStudent(corpus, {
      outDir,
      steps: 20,
      dimensions: 32,
      vocabSize: 2000,
      batchSize: 8,
    });
    const again = await trainQuickStudent(corpus, {
      outDir,
      steps: 20,
      dimensions: 32,
      vocabSize: 2000,
      batchSize: 8,
    });
    expect(again.id).toBe(model.id); // reused from disk, so a resumed job keeps its retriever
    const retriever = await DenseRetriever.open(corpus, model);
    expect(retriever.id).toBe(`dense:${model.id}`);
    const llm = withLlmCache(provider(), corpus.workspace);
    const s = await minePairs(corpus, await createJudge('llm', llm), { candidates: 5, retriever });
    expect(s).toMatchObject({ items: 20, ok: 20 });
    const rows = new FretStore(corpus.workspace)
      .examples('default', s.job)
      .map((r) => JSON.parse(r.example as string) as FretExample);
    for (const e of rows) {
      expect(e.candidates).toHaveLength(5);
      expect(e.candidates).toContain(e.seed_id);
    }
  });

  it('falls back to graded judgements when the server gives no log-probabilities, and records it', async () => {
    const plain = await startOpenAIServer({
      features: { completionsEcho: false, chatLogprobs: false },
      routes: { 'POST /v1/chat/completions': (req) => scriptedAnswer(req) ?? { status: 400, json: {} } },
    });
    try {
      const llm = createOpenAIProvider({ baseUrl: plain.baseUrl, model: 'plain' });
      const judge = await createJudge('auto', llm);
      expect(judge.scoring).toBe('graded-judgement');
      const s = await minePairs(corpus, judge, { candidates: 5, concurrency: 4 });
      expect(s.ok).toBe(20);
      const m = await writeDataset(new FretStore(corpus.workspace), {
        run: 'default',
        job: s.job,
        outDir: join(dir, 'graded'),
        scoring: judge.scoring,
        prompts: {},
      });
      expect(m.scoring).toBe('graded-judgement');
      const examples = readFileSync(join(dir, 'graded/fret.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as FretExample);
      for (const e of examples) {
        expect(e.llm.scoring).toBe('graded-judgement');
        expect(e.scores.graded).toHaveLength(e.candidates.length);
        const grades = e.scores.graded as (number | null)[];
        // Unparseable answers are null and rank last; the positive has the best grade.
        const best = Math.max(...grades.map((g) => g ?? -1));
        expect(grades[e.candidates.indexOf(e.positive.id)]).toBe(best);
      }
      const withNull = examples.filter((e) => (e.candidates as string[]).includes(passages[7]?.id as string));
      for (const e of withNull)
        expect(e.scores.graded?.[e.candidates.indexOf(passages[7]?.id as string)]).toBeNull();
      // Requesting Gecko's QL+RC explicitly from such a model fails clearly instead of silently degrading.
      const strict = await createJudge('llm', llm);
      await expect(minePairs(corpus, strict, { candidates: 5, run: 'default' })).rejects.toThrow(
        /log-?prob/i,
      );
    } finally {
      await plain.close();
    }
  });
});
