import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openaiServer/index.js';
import { SHARED_DATA } from '../helpers/paths.js';

const MTEB = join(SHARED_DATA, 'mteb');
const lines = (p: string): string[] => readFileSync(p, 'utf8').split('\n').filter(Boolean);

/** Small real tasks cut from the shared data: 200 STS pairs and a 400-document SciFact slice. */
function makeData(root: string): string {
  const data = join(root, 'data');
  const sts = join(data, 'MiniSTS');
  mkdirSync(sts, { recursive: true });
  writeFileSync(
    join(sts, 'task.json'),
    JSON.stringify({
      name: 'MiniSTS',
      type: 'STS',
      main_score: 'cosine_spearman',
      eval_splits: ['validation'],
    }),
  );
  writeFileSync(
    join(sts, 'validation.jsonl'),
    `${lines(join(MTEB, 'STSBenchmark/validation.jsonl')).slice(0, 200).join('\n')}\n`,
  );
  const ret = join(data, 'MiniSciFact');
  mkdirSync(join(ret, 'qrels'), { recursive: true });
  writeFileSync(
    join(ret, 'task.json'),
    JSON.stringify({
      name: 'MiniSciFact',
      type: 'Retrieval',
      main_score: 'ndcg_at_10',
      eval_splits: ['train'],
    }),
  );
  const qrels = lines(join(MTEB, 'SciFact/qrels/train.tsv'))
    .slice(1, 121)
    .map((l) => l.split('\t'));
  const docIds = new Set(qrels.map((r) => r[1]));
  const corpus = lines(join(MTEB, 'SciFact/corpus.jsonl'));
  const kept = corpus.filter((l) => docIds.has(JSON.parse(l)._id));
  const others = corpus.filter((l) => !docIds.has(JSON.parse(l)._id)).slice(0, 400 - kept.length);
  writeFileSync(join(ret, 'corpus.jsonl'), `${[...kept, ...others].join('\n')}\n`);
  const qids = new Set(qrels.map((r) => r[0]));
  writeFileSync(
    join(ret, 'queries.jsonl'),
    `${lines(join(MTEB, 'SciFact/queries.jsonl'))
      .filter((l) => qids.has(JSON.parse(l)._id))
      .join('\n')}\n`,
  );
  writeFileSync(
    join(ret, 'qrels/train.tsv'),
    `query-id\tcorpus-id\tscore\n${qrels.map((r) => r.join('\t')).join('\n')}\n`,
  );
  return data;
}

describe('gecko eval', () => {
  let root = '';
  let data = '';
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({ features: { embeddingDim: 16 } });
    // One folder for the whole file: later tests reuse the data and the embedding cache of earlier ones.
    root = mkdtempSync(join(tmpdir(), 'gecko-eval-cli-'));
    data = makeData(root);
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('help with examples; usage errors exit 2 with one line', async () => {
    const help = await runGecko(['eval', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:[\s\S]*gecko eval --model/);
    const dims = await runGecko([
      '-w',
      root,
      'eval',
      '--model',
      'hashed-bow',
      '--data',
      data,
      '--dims',
      '64,0',
    ]);
    expect(dims.code).toBe(2);
    expect(dims.stderr.trim()).toBe('gecko: --dims must be a positive integer, got "0".');
    const unknown = await runGecko([
      '-w',
      root,
      'eval',
      '--model',
      'hashed-bow',
      '--data',
      data,
      '--tasks',
      'Nope',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown task "Nope"/);
    expect(
      (await runGecko(['-w', root, 'eval', '--model', 'hashed-bow', '--data', data, '--prompts', 'x'])).code,
    ).toBe(2);
  });

  it('evaluates a model at several sizes: results JSON, table, report; a rerun is served from the cache', async () => {
    const out = join(root, 'out');
    const r = await runGecko([
      '-w',
      root,
      'eval',
      '--model',
      'hashed-bow:64',
      '--data',
      data,
      '--dims',
      '64,16',
      '--out',
      out,
    ]);
    expect(r.stderr).not.toMatch(/unexpected/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/MiniSTS\s+cosine_spearman\s+\d+\.\d\d\s+\d+\.\d\d/);
    expect(r.stdout).toMatch(/MiniSciFact\s+ndcg_at_10\s+\d+\.\d\d\s+\d+\.\d\d/);
    const file = join(out, 'hashed-bow__64__bigrams', '16d', 'MiniSciFact.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.task_name).toBe('MiniSciFact');
    expect(json.scores.train[0].main_score).toBe(json.scores.train[0].ndcg_at_10);
    expect(json.gecko.dimensions).toBe(16);
    expect(json.gecko.prompts).toEqual({ query: 'search result' });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('](chart.svg)');
    expect(readFileSync(join(out, 'chart.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<polyline/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
    expect(r.stderr).toMatch(/embedding cache: 0 hits, \d+ new/);
    const again = await runGecko([
      '-w',
      root,
      'eval',
      '--model',
      'hashed-bow:64',
      '--data',
      data,
      '--dims',
      '64,16',
      '--out',
      out,
      '--json',
    ]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/embedding cache: \d+ hits, 0 new/);
    const printed = JSON.parse(again.stdout);
    expect(printed.results).toHaveLength(4);
  });

  it('bm25 evaluates retrieval and skips the other task types', async () => {
    const r = await runGecko([
      '-w',
      root,
      'eval',
      '--model',
      'bm25',
      '--data',
      data,
      '--out',
      join(root, 'bm25'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed.skipped).toEqual(['MiniSTS']);
    expect(printed.results[0].task).toBe('MiniSciFact');
    expect(printed.results[0].score).toBeGreaterThan(0.5);
  });

  it('an OpenAI-compatible endpoint as the model', async () => {
    const r = await runGecko([
      '-w',
      root,
      'eval',
      '--model',
      `openai:${server.baseUrl}#fake`,
      '--data',
      data,
      '--tasks',
      'MiniSTS',
      '--no-cache',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].task).toBe('MiniSTS');
    expect(server.count('/v1/embeddings')).toBeGreaterThan(1);
  });

  it('a hub task while offline fails with one clear line (exit 1)', async () => {
    const r = await runGecko(['-w', root, 'eval', '--model', 'hashed-bow', '--tasks', 'NFCorpus'], {
      env: { HF_ENDPOINT: 'http://127.0.0.1:9', GECKO_CACHE: join(root, 'cache') },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/mteb\/nfcorpus: cannot download .*offline/);
  });
});
