/**
 * `npm run bench -- train [--steps N] [--no-torch]`: the student model's speed.
 * 1. Similarity-matrix kernels (C = A . B^T at the loss's shapes): tiled JS vs WebAssembly SIMD.
 * 2. Training steps/s at vocab 30,522, d = 256, batch 256, 20 tokens per text, hard negatives and
 *    same-tower negatives on (Gecko Eq. 3), lazy Adam, clipping; on both kernels; and PyTorch 1.13 on one
 *    thread (EmbeddingBag + the same loss + SparseAdam) on the very same token ids, when /usr/bin/python3
 *    has torch (skipped with a note otherwise). One more WASM row pools with `termFrequency: 'sqrt'` (each
 *    text's distinct tokens, weighted by sqrt(tf)).
 * 3. embed() throughput on real ~20-token sentences, tokenisation included, one thread; the general
 *    @huggingface/tokenizers path measured alongside as the baseline.
 * 4. Model load time (model2vec folder, 30k x 256) vs reading the bytes.
 * Options: --steps N (default 60), --rounds N (default 2), --no-torch.
 * Token ids are drawn from a Zipf distribution (natural text's shape), seeded.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { gemmNTJs } from '../src/math/gemmJs.js';
import { createWasmGemm } from '../src/math/gemmWasm.js';
import { createRng } from '../src/math/rng.js';
import { loadStaticModel } from '../src/model/formats/loadStaticModel.js';
import { saveStaticModel } from '../src/model/formats/saveStaticModel.js';
import { StaticModel } from '../src/model/StaticModel.js';
import { saturateTermFrequency, type TermFrequency } from '../src/model/termFrequency.js';
import { Tokenizer } from '../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../src/model/tokenizer/wordPieceJson.js';
import type { Dataset } from '../src/train/data/Dataset.js';
import { GeckoLoss } from '../src/train/loss/GeckoLoss.js';
import { StepRunner } from '../src/train/StepRunner.js';
import { numberArg, printTable, sharedDataDir } from './table.js';

const V_TOKENS = 30_522;
const D = 256;
const B = 256;
const L = 20;

function zipfIds(n: number, vocab: number, seed: number): Int32Array {
  const cdf = new Float64Array(vocab);
  let s = 0;
  for (let r = 0; r < vocab; r++) {
    s += 1 / (r + 10);
    cdf[r] = s;
  }
  const rng = createRng(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.next() * s;
    let lo = 0;
    let hi = vocab - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    out[i] = lo;
  }
  return out;
}

function bertTokenizer(): Tokenizer {
  const lines = readFileSync(join(sharedDataDir(), 'vocab/bert-base-uncased-vocab.txt'), 'utf8').split('\n');
  return Tokenizer.fromJSON(wordPieceTokenizerJson(lines.filter((l) => l.length > 0)));
}

function benchKernels(): void {
  const wasm = createWasmGemm();
  const rows: Record<string, string | number>[] = [];
  for (const [m, n, k] of [
    [256, 512, 256],
    [512, 256, 256],
    [256, 256, 64],
    [1024, 2048, 256],
  ] as [number, number, number][]) {
    const rng = createRng(1);
    const a = Float32Array.from({ length: m * k }, () => rng.next());
    const b = Float32Array.from({ length: n * k }, () => rng.next());
    const c = new Float32Array(m * n);
    const time = (f: () => void): number => {
      f();
      const reps = Math.max(2, Math.round(2e8 / (m * n * k)));
      const t = performance.now();
      for (let r = 0; r < reps; r++) f();
      return (performance.now() - t) / reps;
    };
    const js = time(() => gemmNTJs(a, b, m, n, k, c));
    const w = wasm ? time(() => wasm(a, b, m, n, k, c)) : Number.NaN;
    const gf = (ms: number): number => (2 * m * n * k) / ms / 1e6;
    rows.push({
      shape: `${m}x${n}x${k}`,
      'js-tiled GFLOP/s': gf(js),
      'wasm-simd GFLOP/s': gf(w),
      'wasm / js': js / w,
    });
  }
  printTable('similarity kernels: C = A . B^T (float32, one thread)', rows);
}

function syntheticDataset(steps: number): { ds: Dataset; ids: Int32Array } {
  const examples = steps * B;
  const texts = examples * 3;
  const ids = zipfIds(texts * L, V_TOKENS, 7);
  const ds: Dataset = {
    texts: [],
    anchor: Int32Array.from({ length: examples }, (_, i) => 3 * i),
    positive: Int32Array.from({ length: examples }, (_, i) => 3 * i + 1),
    negative: Int32Array.from({ length: examples }, (_, i) => 3 * i + 2),
    task: new Int32Array(examples),
    source: new Int32Array(examples),
    taskNames: ['bench'],
    sources: [{ name: 'bench', kind: 'triplets', weight: 1, count: examples }],
  };
  return { ds, ids };
}

function benchGecko(
  tok: Tokenizer,
  steps: number,
  ds: Dataset,
  ids: Int32Array,
  kernel: 'wasm' | 'js',
  tf: TermFrequency = 'linear',
): number {
  const model = StaticModel.create(tok, D, { seed: 1, config: { termFrequency: tf } });
  const offsets = Int32Array.from({ length: ds.anchor.length * 3 + 1 }, (_, i) => i * L);
  const loss = new GeckoLoss(kernel === 'js' ? { gemm: gemmNTJs } : {});
  const runner = new StepRunner(
    model,
    ds,
    { ...saturateTermFrequency(ids, offsets, tf), truncated: 0 },
    loss,
    1,
    {},
    undefined,
    kernel === 'js' ? 'js' : 'auto',
  );
  const warm = 5;
  let t = 0;
  for (let s = 0; s < steps; s++) {
    if (s === warm) t = performance.now();
    runner.step(
      Int32Array.from({ length: B }, (_, i) => s * B + i),
      1e-3,
      true,
    );
  }
  return (steps - warm) / ((performance.now() - t) / 1000);
}

const TORCH = `
import sys, time, json, numpy as np, torch
import torch.nn.functional as F
torch.set_num_threads(1)
V, D, B, L, steps = ${V_TOKENS}, ${D}, ${B}, ${L}, int(sys.argv[2])
ids = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.int32).astype(np.int64)).view(steps, 3 * B * L)
torch.manual_seed(1)
emb = torch.nn.EmbeddingBag(V, D, mode='mean', sparse=True)
opt = torch.optim.SparseAdam(emb.parameters(), lr=1e-3)
offsets = torch.arange(0, 3 * B * L, L)
labels = torch.arange(B)
eye = torch.eye(B, dtype=torch.bool)
warm = 5
for s in range(steps):
    if s == warm: t = time.perf_counter()
    e = F.normalize(emb(ids[s], offsets))
    q, p, n = e[:B], e[B:2 * B], e[2 * B:]
    sq = (q @ q.T).masked_fill(eye, float('-inf'))
    logits = torch.cat([q @ p.T, sq, (q * n).sum(1, keepdim=True)], 1) / 0.05
    loss = F.cross_entropy(logits, labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(json.dumps({"steps_per_s": (steps - warm) / (time.perf_counter() - t), "torch": torch.__version__}))
`;

function benchTorch(ids: Int32Array, steps: number): { stepsPerSec: number; version: string } | string {
  const py = '/usr/bin/python3';
  const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return 'PyTorch not installed (apt-get install -y python3-torch libopenblas0-pthread)';
  const dir = mkdtempSync(join(tmpdir(), 'gecko-bench-'));
  try {
    writeFileSync(join(dir, 'ids.bin'), ids);
    writeFileSync(join(dir, 'ref.py'), TORCH);
    const out = execFileSync(py, [join(dir, 'ref.py'), join(dir, 'ids.bin'), String(steps)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { steps_per_s: number; torch: string };
    return { stepsPerSec: r.steps_per_s, version: r.torch };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sentences(): string[] {
  const out: string[] = [];
  for (const f of ['train', 'validation']) {
    for (const l of readFileSync(join(sharedDataDir(), `mteb/STSBenchmark/${f}.jsonl`), 'utf8').split('\n')) {
      if (!l) continue;
      const r = JSON.parse(l) as { sentence1: string; sentence2: string };
      out.push(r.sentence1, r.sentence2);
    }
  }
  return out;
}

async function benchEmbed(tok: Tokenizer): Promise<void> {
  const model = StaticModel.create(tok, D, { seed: 2 });
  const texts = sentences();
  const tokens = tok.encodeBatch(
    texts.map((t) => `task: sentence similarity | query: ${t}`),
    { maxLength: 512 },
  );
  const avg = tokens.ids.length / texts.length;
  const hf = new HfTokenizer(tok.json, {});
  // Three warm-up passes (JIT tiers, word cache), then the best of five timed passes: other processes on
  // this shared machine only ever slow a pass down.
  const rate = (f: () => void, n: number, reps = 5): number => {
    for (let w = 0; w < 3; w++) f();
    let best = 0;
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      f();
      best = Math.max(best, n / ((performance.now() - t) / 1000));
    }
    return best;
  };
  const embedAll = (): void => {
    for (let i = 0; i < texts.length; i += 1024)
      model.embedSync(texts.slice(i, i + 1024), { kind: 'query', task: 'sentence similarity' });
  };
  const hfAll = (): void => {
    for (const t of texts)
      hf.encode(`task: sentence similarity | query: ${t}`, { add_special_tokens: false });
  };
  const sqrtModel = StaticModel.create(tok, D, { seed: 2, config: { termFrequency: 'sqrt' } });
  const embedSqrt = (): void => {
    for (let i = 0; i < texts.length; i += 1024)
      sqrtModel.embedSync(texts.slice(i, i + 1024), { kind: 'query', task: 'sentence similarity' });
  };
  const cold = StaticModel.create(bertTokenizer(), D, { seed: 3 });
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += 1024)
    cold.embedSync(texts.slice(i, i + 1024), { kind: 'query', task: 'sentence similarity' });
  const coldRate = texts.length / ((performance.now() - t0) / 1000);
  printTable(
    `embed throughput (${texts.length} STSBenchmark sentences, ${avg.toFixed(1)} tokens each in unified format, one thread)`,
    [
      {
        path: 'StaticModel.embed, d=256 (warm, best of 5 passes)',
        'sentences/s': rate(embedAll, texts.length),
      },
      {
        path: 'StaticModel.embed, d=256, termFrequency sqrt (warm, best of 5)',
        'sentences/s': rate(embedSqrt, texts.length),
      },
      { path: 'StaticModel.embed, d=256 (first pass, cold cache)', 'sentences/s': coldRate },
      { path: 'baseline: @huggingface/tokenizers encode only', 'sentences/s': rate(hfAll, texts.length, 2) },
    ],
  );
}

async function benchLoad(tok: Tokenizer): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gecko-bench-model-'));
  try {
    await saveStaticModel(StaticModel.create(tok, D, { seed: 4 }), dir);
    const times: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      await loadStaticModel(dir);
      times.push(performance.now() - t);
    }
    const tr = performance.now();
    readFileSync(join(dir, 'model.safetensors'));
    readFileSync(join(dir, 'tokenizer.json'));
    const read = performance.now() - tr;
    times.sort((a, b) => a - b);
    printTable(`model load (model2vec folder, ${V_TOKENS} x ${D} float32)`, [
      { what: 'loadStaticModel (median of 5)', ms: times[2]! },
      { what: 'baseline: read the two files', ms: read },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const steps = numberArg(args, '--steps', 60);
  benchKernels();
  const tok = bertTokenizer();
  const { ds, ids } = syntheticDataset(steps);
  // The machine is shared: alternate gecko and torch rounds and keep each one's best, so a burst of load
  // from other processes hurts neither side alone.
  const rounds = numberArg(args, '--rounds', 2);
  let wasm = 0;
  let wasmSqrt = 0;
  let torch: { stepsPerSec: number; version: string } | string = args.includes('--no-torch')
    ? 'skipped (--no-torch)'
    : '';
  for (let r = 0; r < rounds; r++) {
    wasm = Math.max(wasm, benchGecko(tok, steps, ds, ids, 'wasm'));
    wasmSqrt = Math.max(wasmSqrt, benchGecko(tok, steps, ds, ids, 'wasm', 'sqrt'));
    if (torch === '' || typeof torch !== 'string') {
      const t = benchTorch(ids, steps);
      if (typeof t === 'string') torch = t;
      else if (typeof torch === 'string' || t.stepsPerSec > torch.stepsPerSec) torch = t;
    }
  }
  const js = benchGecko(tok, steps, ds, ids, 'js');
  const rows: Record<string, string | number>[] = [
    {
      implementation: 'gecko, WASM SIMD kernels (default)',
      'steps/s': wasm,
      'vs torch': typeof torch === 'string' ? '-' : wasm / torch.stepsPerSec,
    },
    {
      implementation: 'gecko, WASM SIMD, termFrequency sqrt (distinct tokens, weighted)',
      'steps/s': wasmSqrt,
      'vs torch': typeof torch === 'string' ? '-' : wasmSqrt / torch.stepsPerSec,
    },
    {
      implementation: 'gecko, plain JS (tiled gemm, JS pooling/Adam)',
      'steps/s': js,
      'vs torch': typeof torch === 'string' ? '-' : js / torch.stepsPerSec,
    },
    typeof torch === 'string'
      ? { implementation: `PyTorch: ${torch}`, 'steps/s': '-', 'vs torch': '-' }
      : {
          implementation: `PyTorch ${torch.version}, 1 thread, SparseAdam`,
          'steps/s': torch.stepsPerSec,
          'vs torch': 1,
        },
  ];
  printTable(
    `training: vocab ${V_TOKENS}, d=${D}, batch ${B}, ${L} tokens/text, hard + same-tower negatives (${steps} steps, 5 warm-up, best of ${rounds} alternating rounds)`,
    rows,
  );
  await benchEmbed(tok);
  await benchLoad(tok);
}
