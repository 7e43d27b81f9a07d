/**
 * `npm run bench -- fret [--queries N] [--candidates N]`
 *
 * 1. Pipeline overhead per example, LLM time excluded: FRet step 2 (BM25 top-N over SciFact's 5,183
 *    passages, prompt rendering, rank fusion, selection, the per-item database record) and step 1 (seed
 *    sampling, prompt, checks, record), with an in-process model that answers at once; the time spent inside
 *    the model's calls is measured and subtracted. Baseline in the same run: the bare BM25 query alone.
 *    Target: at most 2 ms per example.
 * 2. Examples/s at concurrency 32 against the loopback OpenAI-compatible server (generation by chat, QL and
 *    RC by `/v1/completions` echo scoring), with the time split by stage. Baseline in the same run: the very
 *    scoring requests step 2 sent, replayed on bare node:http keep-alive sockets at concurrency 32: the ceiling any client of
 *    this server could reach (the server runs in this process, so its own work is in both numbers).
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Corpus, openCorpus } from '../src/corpus/index.js';
import { generateQueries, importQueries, LlmJudge, minePairs } from '../src/fret/index.js';
import { runPool } from '../src/fret/pool.js';
import { createOpenAIProvider } from '../src/llm/openai/OpenAIProvider.js';
import type {
  ChatMessage,
  ContinuationScore,
  Generation,
  LanguageModel,
  PromptInput,
} from '../src/llm/types.js';
import { type ServerRequest, startOpenAIServer } from '../test/helpers/openaiServer/index.js';
import { defaultRoutes } from '../test/helpers/openaiServer/routes.js';
import { argValue, printTable, sharedDataDir } from './table.js';

export async function run(args: string[]): Promise<void> {
  const nQueries = Number(argValue(args, '--queries') ?? 300);
  const n = Number(argValue(args, '--candidates') ?? 20);
  const dir = mkdtempSync(join(tmpdir(), 'gecko-fret-bench-'));
  try {
    const corpus = openCorpus(join(dir, 'ws'));
    await corpus.add(join(sharedDataDir(), 'mteb/SciFact/corpus.jsonl'));
    const queries = await writeQueries(dir, nQueries);
    await overhead(corpus, queries, n);
    await throughput(corpus, queries, n);
    corpus.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first `count` SciFact train queries as a queries file (FRet's imported-queries path). */
async function writeQueries(dir: string, count: number): Promise<{ file: string; texts: string[] }> {
  const texts: string[] = [];
  const lines: string[] = [];
  for await (const line of createInterface({
    input: createReadStream(join(sharedDataDir(), 'mteb/SciFact/queries.jsonl')),
  })) {
    const q = JSON.parse(line) as { _id: string; text: string };
    texts.push(q.text);
    lines.push(JSON.stringify(q));
    if (texts.length === count) break;
  }
  const file = join(dir, 'queries.jsonl');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, texts };
}

/** A model that answers at once (deterministic numbers from the text length) and times its own calls. */
class InstantModel implements LanguageModel {
  readonly id = 'instant';
  ms = 0;
  async generate(input: PromptInput): Promise<Generation> {
    const t0 = performance.now();
    const text = typeof input === 'string' ? input : (input.at(-1)?.content ?? '');
    const words = text
      .slice(text.lastIndexOf('Passage: '))
      .split(/\W+/)
      .filter((w) => w.length > 6);
    const value = {
      task: 'Given a query, find a passage that has the answer to the query.',
      query: `what is known about ${words[0] ?? 'x'} and ${words[1] ?? 'y'}`,
    };
    const g: Generation = {
      text: JSON.stringify(value),
      value,
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 1 },
    };
    this.ms += performance.now() - t0;
    return g;
  }
  async scoreContinuations(
    prompt: PromptInput,
    continuations: readonly string[],
  ): Promise<ContinuationScore[]> {
    const t0 = performance.now();
    const p = typeof prompt === 'string' ? prompt.length : 0;
    const out = continuations.map((c, i) => ({
      logProb: -((p * 31 + c.length * 7 + i) % 97) / 10,
      tokenCount: 1,
      exact: true,
      method: 'local' as const,
    }));
    this.ms += performance.now() - t0;
    return out;
  }
  async capabilities() {
    return { logProbs: 'exact' as const, json: 'schema' as const, notes: [] };
  }
  usage() {
    return { promptTokens: 0, completionTokens: 0, calls: 0 };
  }
  async close(): Promise<void> {}
}

/** Wall and CPU milliseconds of `f`, CPU being user + system time of this process (robust to a loaded machine). */
async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1000 };
}

async function overhead(
  corpus: Corpus,
  queries: { file: string; texts: string[] },
  n: number,
): Promise<void> {
  // Baseline: the BM25 query alone, in the unified format the pipeline sends.
  const task = 'Given a query, find a passage that has the answer to the query.';
  const bm25 = await timed(() => {
    for (const q of queries.texts) corpus.search(`task: ${task} | query: ${q}`, n);
  });
  const count = queries.texts.length;

  await importQueries(corpus, queries.file, { run: 'overhead' });
  const model = new InstantModel();
  const mine = await timed(() =>
    minePairs(corpus, new LlmJudge(model), { run: 'overhead', candidates: n, concurrency: 1 }),
  );
  const s = mine.value;
  const genModel = new InstantModel();
  const gen = await timed(() =>
    generateQueries(corpus, genModel, { run: 'overhead-gen', limit: count, concurrency: 1 }),
  );
  const per = (ms: number, items: number): number => ms / items;
  const mineWall = per(mine.wall - model.ms, s.ok);
  const mineCpu = per(mine.cpu - model.ms, s.ok);
  const bm25Wall = per(bm25.wall, count);
  const bm25Cpu = per(bm25.cpu, count);
  printTable(
    `Per-example pipeline overhead, LLM time excluded (${s.ok} queries, N = ${n}, SciFact 5,183 passages)`,
    [
      { stage: 'baseline: one BM25 query (unified text, top N)', 'wall ms': bm25Wall, 'CPU ms': bm25Cpu },
      { stage: 'step 2, all (retrieval + FRet)', 'wall ms': mineWall, 'CPU ms': mineCpu },
      {
        stage: "step 2, FRet's own work (all minus the BM25 query)",
        'wall ms': mineWall - per(s.times.retrieve ?? 0, s.ok),
        'CPU ms': mineCpu - bm25Cpu,
      },
      {
        stage: 'step 1 (seed sample, prompt, checks, record)',
        'wall ms': per(gen.wall - genModel.ms, gen.value.selected),
        'CPU ms': per(gen.cpu - genModel.ms, gen.value.selected),
      },
      { stage: 'target for FRet overhead', 'wall ms': 2, 'CPU ms': 2 },
    ],
  );
  printTable('Step 2 time by stage, instant model (wall ms per example)', stageRows(s.times, s.ok));
}

function stageRows(times: Record<string, number>, items: number): Record<string, string | number>[] {
  const total =
    (times.retrieve ?? 0) + (times.fetch ?? 0) + (times.judge ?? 0) + (times['select+store'] ?? 0);
  return ['retrieve', 'fetch', 'ql', 'rc', 'judge', 'select+store'].map((stage) => ({
    stage: stage === 'judge' ? 'judge (= ql + rc)' : stage,
    'ms/example': (times[stage] ?? 0) / items,
    share: `${(((times[stage] ?? 0) / total) * 100).toFixed(1)}%`,
  }));
}

async function throughput(
  corpus: Corpus,
  queries: { file: string; texts: string[] },
  n: number,
): Promise<void> {
  const fallback = defaultRoutes()['POST /v1/chat/completions'] as (r: ServerRequest) => { json: unknown };
  const model = new InstantModel();
  const server = await startOpenAIServer({
    routes: {
      'POST /v1/chat/completions': async (req) => {
        const body = req.body as { messages: { content: string }[]; response_format?: unknown };
        if (!body.response_format) return fallback(req);
        const g = await model.generate(body.messages as ChatMessage[]);
        return {
          json: {
            choices: [{ index: 0, message: { role: 'assistant', content: g.text }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1, completion_tokens: 1 },
          },
        };
      },
    },
  });
  try {
    const llm = createOpenAIProvider({ baseUrl: server.baseUrl, model: 'fake', concurrency: 32 });
    const judge = new LlmJudge(llm);
    await judge.judge({
      itemId: 'warmup',
      task: 't',
      query: 'q',
      candidates: [{ id: 'x', title: null, text: 'warm up' }],
    });
    server.reset();
    const limit = queries.texts.length;
    const t0 = performance.now();
    const g = await generateQueries(corpus, llm, { run: 'http', limit, concurrency: 32 });
    const genS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const s = await minePairs(corpus, judge, { run: 'http', candidates: n, concurrency: 32 });
    const mineS = (performance.now() - t1) / 1000;
    const scoringRequests = server.count('/v1/completions');

    // Baseline: replay the very scoring requests step 2 sent (same bodies) over bare node:http keep-alive
    // sockets at concurrency 32 (the transport the provider uses), before and after, and average.
    const bodies = server.log.filter((r) => r.path === '/v1/completions').map((r) => JSON.stringify(r.body));
    const replay = async (): Promise<number> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 32 });
      const t = performance.now();
      await runPool(bodies, 32, (body) => postRaw(`${server.baseUrl}/completions`, body, agent));
      agent.destroy();
      return (performance.now() - t) / 1000;
    };
    const fetchS = ((await replay()) + (await replay())) / 2;
    const perExample = scoringRequests / s.ok;
    printTable(`Throughput at concurrency 32 against the loopback server (${s.ok} examples, N = ${n})`, [
      { measure: 'step 1: seeds/s (one chat request each)', value: g.selected / genS },
      { measure: 'step 2: examples/s', value: s.ok / mineS },
      { measure: 'step 2: scoring requests per example', value: perExample },
      {
        measure: 'baseline: same requests replayed on bare node:http keep-alive, concurrency 32 (req/s)',
        value: scoringRequests / fetchS,
      },
      {
        measure: 'baseline ceiling: examples/s = replay rate / requests per example',
        value: scoringRequests / fetchS / perExample,
      },
      {
        measure: 'step 2 examples/s as share of the ceiling',
        value: `${((s.ok / mineS / (scoringRequests / fetchS / perExample)) * 100).toFixed(0)}%`,
      },
    ]);
    printTable(
      'Step 2 time by stage at concurrency 32 (summed over examples, overlapping in time)',
      stageRows(s.times, s.ok),
    );
  } finally {
    await server.close();
  }
}

/** One POST over node:http with a keep-alive agent, body read to the end. */
function postRaw(url: string, body: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve());
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
