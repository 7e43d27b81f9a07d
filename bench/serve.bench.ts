/**
 * `npm run bench -- serve [--duration S] [--soak S] [--index-sizes 100000,1000000] [--index-dims D] [--skip-http]
 *   [--soak-only] [--skip-index]`
 *
 * 1. HTTP: `gecko`'s server (a 30,522 x 256 static model, the size of potion-base-8M) and a baseline bare
 *    `node:http` server that answers every request with one fixed, pre-serialised embedding, each in its own
 *    process; autocannon on loopback in this process. Requests/s and p50/p99 latency at concurrency 1, 16, 64
 *    for single sentences and for batches of 64, as float JSON and as base64 (real sentences from
 *    examples/corpus.jsonl, varied per request). Then a soak at concurrency 16: the server's RSS and V8 heap
 *    (from /health) every 5 s.
 * 2. Index: synthetic unit vectors with low intrinsic dimension (see `synthetic`), deterministic; exact search (gemm scan) is the baseline and
 *    the ground truth; usearch HNSW per quantization: build time, single-query QPS, recall@10.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exactSearch, recallAtK } from '../src/index/exactSearch.js';
import { type IndexQuantization, VectorIndex } from '../src/index/VectorIndex.js';
import { createRng } from '../src/math/rng.js';
import { StaticModel } from '../src/model/StaticModel.js';
import { Tokenizer } from '../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../src/model/tokenizer/wordPieceJson.js';
import { startServer } from '../src/serve/createServer.js';
import { argValue, percentile, printTable, sharedDataDir } from './table.js';

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function run(args: string[]): Promise<void> {
  const duration = Number(argValue(args, '--duration') ?? 8);
  const soak = Number(argValue(args, '--soak') ?? 60);
  const sizes = (argValue(args, '--index-sizes') ?? '100000,1000000').split(',').map(Number);
  const dims = Number(argValue(args, '--index-dims') ?? 256);
  if (!args.includes('--skip-http')) await http(duration, soak, args.includes('--soak-only'));
  if (!args.includes('--skip-index')) for (const n of sizes) indexBench(n, dims);
}

function sentences(): string[] {
  const lines = readFileSync(`${ROOT}examples/corpus.jsonl`, 'utf8').split('\n').filter(Boolean);
  const out: string[] = [];
  for (const l of lines) {
    for (const s of String(JSON.parse(l).text).split(/(?<=[.!?])\s+/)) if (s.length > 10) out.push(s);
  }
  return out;
}

/** Starts `serve.bench.ts --child KIND` and resolves with its URL and pid. */
interface Child {
  url: string;
  pid: number;
  /** The child's heap used after a full garbage collection, in MiB (asked over IPC). */
  heapAfterGc: () => Promise<number>;
  stop: () => Promise<void>;
}

function child(kind: 'gecko' | 'bare'): Promise<Child> {
  const tsx = pathToFileURL(`${ROOT}node_modules/tsx/dist/loader.mjs`).href;
  const p = spawn(process.execPath, ['--expose-gc', '--import', tsx, SELF, '--child', kind], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    p.stdout!.once('data', (d: Buffer) =>
      resolve({
        url: d.toString().trim(),
        pid: p.pid!,
        heapAfterGc: () =>
          new Promise<number>((r) => {
            p.once('message', (m) => r(Number(m) / 1048576));
            p.send('gc');
          }),
        stop: () =>
          new Promise<void>((r) => {
            p.once('close', () => r());
            p.kill('SIGTERM');
          }),
      }),
    );
    p.once('error', reject);
  });
}

function bodies(texts: string[], batch: number, encoding: 'float' | 'base64', count = 512): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      model: 'gecko',
      encoding_format: encoding,
      input:
        batch === 1
          ? texts[i % texts.length]
          : Array.from({ length: batch }, (_, j) => texts[(i * batch + j) % texts.length]),
    }),
  );
}

async function load(
  url: string,
  payloads: string[],
  connections: number,
  duration: number,
  batch = 1,
): Promise<AutocannonResult> {
  let i = 0;
  return autocannon({
    // gecko ignores the query string; it tells the bare baseline how many vectors to answer with.
    url: `${url}/v1/embeddings?batch=${batch}`,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req: Record<string, unknown>) => ({ ...req, body: payloads[i++ % payloads.length] }),
      },
    ],
  });
}

async function http(duration: number, soakSeconds: number, soakOnly: boolean): Promise<void> {
  const texts = sentences();
  const rows: Record<string, string | number>[] = [];
  const gecko = await child('gecko');
  const bare = await child('bare');
  const shapes: [number, 'float' | 'base64'][] = [
    [1, 'float'],
    [64, 'float'],
    [64, 'base64'],
  ];
  try {
    for (const [batch, encoding] of soakOnly ? [] : shapes) {
      const payloads = bodies(texts, batch, encoding);
      for (const c of [1, 16, 64]) {
        const b = await load(bare.url, payloads, c, duration, batch);
        const g = await load(gecko.url, payloads, c, duration, batch);
        rows.push({
          inputs: batch,
          encoding,
          concurrency: c,
          'gecko req/s': Math.round(g.requests.average),
          'gecko p50 ms': g.latency.p50,
          'gecko p99 ms': g.latency.p99,
          'gecko errors': g.non2xx + g.errors + g.timeouts,
          'bare req/s': Math.round(b.requests.average),
          'bare p99 ms': b.latency.p99,
          'gecko / bare': (g.requests.average / b.requests.average).toFixed(2),
        });
      }
    }
    if (!soakOnly)
      printTable(
        `HTTP /v1/embeddings, ${duration} s per cell (baseline: bare node:http answering as many pre-serialised float vectors)`,
        rows,
      );
    await soak(gecko, bodies(texts, 1, 'float', 4096), soakSeconds);
  } finally {
    await gecko.stop();
    await bare.stop();
  }
}

async function memory(url: string): Promise<{ rss: number; heap_used: number }> {
  const h = (await (await fetch(`${url}/health`)).json()) as {
    memory_mib: { rss: number; heap_used: number };
  };
  return h.memory_mib;
}

/**
 * Load at concurrency 16 while sampling the server every 5 s: RSS and heap used (from /health), and heap used
 * right after a forced full GC (over IPC), which is flat unless something is retained per request.
 */
async function soak(server: Child, payloads: string[], seconds: number): Promise<void> {
  const url = server.url;
  const samples: { t: number; rss: number; heap: number; gc: number }[] = [];
  const t0 = Date.now();
  const sample = async (): Promise<void> => {
    const m = await memory(url);
    const gc = await server.heapAfterGc();
    samples.push({ t: Math.round((Date.now() - t0) / 1000), rss: m.rss, heap: m.heap_used, gc });
  };
  await sample();
  const timer = setInterval(() => void sample(), 5000);
  const r = await load(url, payloads, 16, seconds);
  clearInterval(timer);
  await sample();
  printTable(
    `soak: ${seconds} s at concurrency 16, single sentences (${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, ${r.non2xx + r.errors} errors)`,
    samples.map((s) => ({
      't (s)': s.t,
      'server RSS MiB': s.rss.toFixed(1),
      'heap used MiB': s.heap.toFixed(1),
      'heap after GC MiB': s.gc.toFixed(2),
    })),
  );
  const later = samples.filter((s) => s.t >= 10);
  const gcs = later.map((s) => s.gc);
  console.log(
    `after warm-up (t >= 10 s): RSS ${Math.min(...later.map((s) => s.rss)).toFixed(1)}..${Math.max(...later.map((s) => s.rss)).toFixed(1)} MiB; ` +
      `heap after GC ${Math.min(...gcs).toFixed(2)}..${Math.max(...gcs).toFixed(2)} MiB, last - first ${(gcs.at(-1)! - gcs[0]!).toFixed(2)} MiB`,
  );
}

/**
 * `n` unit vectors with the structure of real embeddings: a mixture of 1,000 seeded centres in a 32-dimensional
 * latent space, projected to `d` dimensions, plus a little isotropic noise. (Isotropic clusters in 256
 * dimensions would make every in-cluster neighbour nearly equidistant, a case real embeddings do not present.)
 */
function synthetic(n: number, d: number, seed: number): Float32Array {
  const latent = 32;
  const shape = createRng(7); // the same projection and centres for corpus and queries
  const proj = Float32Array.from({ length: latent * d }, () => shape.normal());
  const centres = Float32Array.from({ length: 1000 * latent }, () => shape.normal());
  const rng = createRng(seed);
  const z = new Float32Array(latent);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng.next() * 1000) * latent;
    for (let k = 0; k < latent; k++) z[k] = centres[c + k]! + 0.5 * rng.normal();
    let s = 0;
    const o = i * d;
    for (let j = 0; j < d; j++) {
      let v = 0.05 * rng.normal();
      for (let k = 0; k < latent; k++) v += z[k]! * proj[k * d + j]!;
      out[o + j] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[o + j]! *= inv;
  }
  return out;
}

function indexBench(n: number, d: number): void {
  const nq = 200;
  const data = synthetic(n, d, 1);
  const queries = synthetic(nq, d, 2);
  const rows: Record<string, string | number>[] = [];
  const exact = VectorIndex.build(data, n, d, { kind: 'exact' });
  const exactTop = [];
  let t = performance.now();
  for (let q = 0; q < nq; q++) exactTop.push(exact.search(queries.subarray(q * d, (q + 1) * d), 10).keys);
  const exactSeconds = (performance.now() - t) / 1000;
  rows.push({
    index: 'exact scan (baseline)',
    'build s': 0,
    QPS: Math.round(nq / exactSeconds),
    'p50 ms': '-',
    'recall@10': 1,
    'speed-up': '1.0',
  });
  // The batched scan, for reference: one gemm over all queries amortises reading the vectors.
  t = performance.now();
  const batched = exactSearch(queries, nq, data, n, d, 10);
  const batchedSeconds = (performance.now() - t) / 1000;
  rows.push({
    index: 'exact scan, 200 queries batched',
    'build s': 0,
    QPS: Math.round(nq / batchedSeconds),
    'p50 ms': '-',
    'recall@10': recallAtK(
      batched.map((b) => b.keys),
      exactTop,
      10,
    ),
    'speed-up': (exactSeconds / batchedSeconds).toFixed(1),
  });
  const quantizations: IndexQuantization[] = n > 200_000 ? ['f32', 'i8'] : ['f32', 'f16', 'i8', 'binary'];
  for (const quantization of quantizations) {
    t = performance.now();
    const index = VectorIndex.build(data, n, d, { kind: 'hnsw', quantization });
    const build = (performance.now() - t) / 1000;
    const times: number[] = [];
    const got = [];
    for (let q = 0; q < nq; q++) {
      const t1 = performance.now();
      got.push(index.search(queries.subarray(q * d, (q + 1) * d), 10).keys);
      times.push(performance.now() - t1);
    }
    const seconds = times.reduce((a, b) => a + b, 0) / 1000;
    rows.push({
      index: `hnsw ${quantization}`,
      'build s': build,
      QPS: Math.round(nq / seconds),
      'p50 ms': percentile(times, 50),
      'recall@10': recallAtK(got, exactTop, 10),
      'speed-up': (exactSeconds / seconds).toFixed(1),
    });
  }
  printTable(
    `vector index: ${n.toLocaleString('en-US')} x ${d} vectors, ${nq} queries (M=16, ef_add=128, ef_search=64)`,
    rows,
  );
}

/** The bench model: BERT's vocabulary and a seeded 256-wide table, the shape of potion-base-8M. */
function benchModel(): StaticModel {
  const vocab = readFileSync(`${sharedDataDir()}/vocab/bert-base-uncased-vocab.txt`, 'utf8')
    .split('\n')
    .filter(Boolean);
  return StaticModel.create(Tokenizer.fromJSON(wordPieceTokenizerJson(vocab)), 256, {
    seed: 3,
    config: { maxLength: 512 },
  });
}

async function runChild(kind: string): Promise<void> {
  // Bench-only hook: the parent asks for the heap after a full GC to tell a leak from lazy heap growth.
  process.on('message', () => {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.(process.memoryUsage().heapUsed);
  });
  if (kind === 'gecko') {
    const server = await startServer({ model: benchModel() }, { port: 0, maxConcurrent: 1024 });
    process.stdout.write(`${server.url}\n`);
    process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
    return;
  }
  const model = benchModel();
  const [v] = model.embedSync(['a fixed sentence']);
  const answer = (n: number): string =>
    JSON.stringify({
      object: 'list',
      data: Array.from({ length: n }, (_, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from(v!),
      })),
      model: 'gecko',
      usage: { prompt_tokens: 8 * n, total_tokens: 8 * n },
    });
  const answers = new Map([1, 64].map((n) => [`/v1/embeddings?batch=${n}`, answer(n)]));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(answers.get(req.url ?? '') ?? answer(1)),
    );
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

if (process.argv.includes('--child') && process.argv[1] === SELF) {
  await runChild(process.argv[process.argv.indexOf('--child') + 1]!);
}
