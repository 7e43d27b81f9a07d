/**
 * `npm run bench -- llm [--prompts N] [--requests N] [--http-only | --scoring-only]`:
 * 1. Scoring throughput (continuations/s) of the local provider on a tiny random GGUF, with prompt reuse
 *    (the prompt is evaluated once per call) vs without (prompt + continuation re-evaluated each time).
 * 2. HTTP provider throughput at concurrency 32 against the loopback OpenAI-compatible server (run as a
 *    separate process) vs plain `fetch` calls with the same bodies and concurrency, in paired, alternating
 *    rounds; the provider (retries, timeouts, concurrency limit, node:http keep-alive transport) must keep
 *    at least 95% of fetch's throughput.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLlamaProvider } from '../src/llm/llama/LlamaProvider.js';
import { createOpenAIProvider } from '../src/llm/openai/OpenAIProvider.js';
import { writeTinyLlamaGguf } from '../test/helpers/gguf/tinyLlama.js';
import { startOpenAIServerProcess } from '../test/helpers/openaiServer/process.js';
import { numberArg, percentile, printTable } from './table.js';

const WORDS =
  'the gecko can climb a wall with sticky toe pad hair force water sun moon tree house lizard feet'.split(
    ' ',
  );

/** A deterministic pseudo-passage of about `n` words. */
function passage(seed: number, n: number): string {
  return Array.from({ length: n }, (_, i) => WORDS[(seed * 31 + i * 7 + ((i * i) % 5)) % WORDS.length]).join(
    ' ',
  );
}

async function scoringBench(prompts: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gecko-bench-llm-'));
  const modelPath = writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 1 });
  const conts = [
    ' yes',
    ' no',
    ' maybe',
    ' how do geckos climb walls',
    ' why is the sun hot',
    ' gecko feet',
    ' water',
    ' the moon',
  ];
  const rows: Record<string, string | number>[] = [];
  const rates: number[] = [];
  let promptTokens = 0;
  for (const reusePrompt of [false, true]) {
    const llm = await createLlamaProvider({ model: modelPath, contextSize: 1024, threads: 1, reusePrompt });
    await llm.scoreContinuations(`warm up ${passage(999, 50)}`, conts);
    const u0 = llm.usage().promptTokens;
    const t0 = performance.now();
    let tokens = 0;
    for (let p = 0; p < prompts; p++) {
      const s = await llm.scoreContinuations(`Passage: ${passage(p, 150)}\nQuery:`, conts);
      tokens += s.reduce((a, x) => a + x.tokenCount, 0);
    }
    const secs = (performance.now() - t0) / 1000;
    promptTokens = Math.round((llm.usage().promptTokens - u0 - tokens) / prompts);
    const rate = (prompts * conts.length) / secs;
    rates.push(rate);
    rows.push({
      mode: reusePrompt ? 'prompt reuse (gecko)' : 'no reuse (baseline)',
      prompts,
      'continuations/prompt': conts.length,
      'continuation tokens': tokens,
      'continuations/s': Math.round(rate),
      speedup: reusePrompt ? `${(rate / (rates[0] as number)).toFixed(2)}x` : '1.00x',
    });
    await llm.close();
  }
  rmSync(dir, { recursive: true, force: true });
  printTable(
    `Local provider scoring, tiny GGUF (2 layers, 64 wide), ${promptTokens}-token prompts, 1 thread`,
    rows,
  );
}

/** Runs `n` tasks with at most `concurrency` in flight; returns per-task latencies in ms. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await task(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  return lat;
}

const ROUNDS = 20;

async function httpBench(requests: number): Promise<void> {
  const concurrency = 32;
  const server = await startOpenAIServerProcess();
  const llm = createOpenAIProvider({ baseUrl: server.baseUrl, model: 'fake', concurrency });
  const body = (i: number) => ({
    model: 'fake',
    messages: [{ role: 'user' as const, content: `query ${i}: ${passage(i, 40)}` }],
    max_tokens: 256,
    temperature: 0,
    seed: 0,
  });
  const viaFetch = (i: number) => async () => {
    const res = await fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body(i)),
    });
    const j = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    if (typeof j.choices[0]?.message.content !== 'string') throw new Error('bad answer');
  };
  const viaProvider = (i: number) => async () => {
    await llm.generate(body(i).messages, { maxTokens: 256, temperature: 0, seed: 0 });
  };
  const rate = { fetch: [] as number[], provider: [] as number[] };
  const cpu = { fetch: [] as number[], provider: [] as number[] };
  const lats = { fetch: [] as number[], provider: [] as number[] };
  const ratios: number[] = [];
  await pool(500, concurrency, (i) => viaFetch(i)()); // warm up sockets and JIT
  await pool(500, concurrency, (i) => viaProvider(i)());
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which client goes first, and compare each pair of adjacent runs: the machine's load
    // drifts (other processes share its 2 vCPUs), and pairwise ratios cancel most of that drift.
    const order = round % 2 === 0 ? (['fetch', 'provider'] as const) : (['provider', 'fetch'] as const);
    const got: Record<string, number> = {};
    for (const kind of order) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const l = await pool(requests, concurrency, (i) =>
        kind === 'fetch' ? viaFetch(i)() : viaProvider(i)(),
      );
      const secs = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      got[kind] = requests / secs;
      rate[kind].push(requests / secs);
      cpu[kind].push((c.user + c.system) / requests);
      lats[kind].push(...l);
    }
    ratios.push((got.provider as number) / (got.fetch as number));
  }
  server.stop();
  const med = (xs: number[]) => percentile(xs, 50);
  const ratio = med(ratios);
  const cpuRatio = med(cpu.provider) / med(cpu.fetch);
  printTable(
    `HTTP throughput, concurrency ${concurrency}, loopback server in its own process, ${ROUNDS} paired rounds of ${requests} requests`,
    [
      {
        client: 'plain fetch (baseline)',
        'requests/s (median)': Math.round(med(rate.fetch)),
        'client CPU us/request': Math.round(med(cpu.fetch)),
        'p50 ms': percentile(lats.fetch, 50),
        'p99 ms': percentile(lats.fetch, 99),
        'throughput vs fetch': '1.00x',
        'CPU/request vs fetch': '1.00x',
      },
      {
        client: 'OpenAI provider (gecko)',
        'requests/s (median)': Math.round(med(rate.provider)),
        'client CPU us/request': Math.round(med(cpu.provider)),
        'p50 ms': percentile(lats.provider, 50),
        'p99 ms': percentile(lats.provider, 99),
        'throughput vs fetch': `${ratio.toFixed(2)}x (target >= 0.95x)`,
        'CPU/request vs fetch': `${cpuRatio.toFixed(2)}x`,
      },
    ],
  );
}

export async function run(args: string[]): Promise<void> {
  if (!args.includes('--http-only')) await scoringBench(numberArg(args, '--prompts', 20));
  if (!args.includes('--scoring-only')) await httpBench(numberArg(args, '--requests', 500));
}
