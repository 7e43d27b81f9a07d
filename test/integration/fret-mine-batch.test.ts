import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Corpus, openCorpus } from '../../src/corpus/index.js';
import { isInputError } from '../../src/errors/InputError.js';
import {
  createJudge,
  type DatasetManifest,
  exportMineBatch,
  importBatch,
  importQueries,
  mergeDatasets,
  minePairs,
  missingMineCalls,
  writeDataset,
} from '../../src/fret/index.js';
import { FretStore } from '../../src/fret/store.js';
import { offlineModel } from '../../src/llm/cache/offlineModel.js';
import { withLlmCache } from '../../src/llm/cache/withLlmCache.js';
import { isLlmError } from '../../src/llm/errors/LlmError.js';
import { createOpenAIProvider } from '../../src/llm/openai/OpenAIProvider.js';
import { readBatchLines, runBatch } from '../helpers/openaiServer/batchService.js';
import {
  type OpenAIServer,
  type ServerRequest,
  startOpenAIServer,
  unitHash,
} from '../helpers/openaiServer/index.js';
import { defaultRoutes } from '../helpers/openaiServer/routes.js';

/**
 * FRet step 2 through a provider's batch service: export the requests, let a "batch service" replay them
 * against the loopback server, import the output, then mine from the cache with no live call. The result
 * must equal a live mining job's dataset against the same deterministic model.
 */
const TASK = 'Given a query, find a passage that has the answer to the query.';
const docs = Array.from({ length: 40 }, (_, i) => ({
  id: `d${i}`,
  title: `Topic ${i}`,
  text: `Passage ${i} tells about ${['geckos', 'lizards', 'snakes', 'turtles'][i % 4]} and ${['walls', 'sand', 'trees', 'water'][i % 3]} in region ${i}.`,
}));
const queries = Array.from({ length: 12 }, (_, i) => ({
  _id: `q${i}`,
  text: `${['geckos', 'lizards', 'snakes', 'turtles'][i % 4]} near ${['walls', 'sand', 'trees'][i % 3]}`,
  task: TASK,
  seed_id: `d${i * 3}`,
}));
/** The passage whose graded judgements never parse (the model answers prose about it). */
const PROSE = 'Passage 7 tells';

let dir: string;
let server: OpenAIServer;
/** The live LLM-judge dataset (first test), which the sharded batch run must reproduce. */
let liveLines = '';
const defaultChat = defaultRoutes()['POST /v1/chat/completions'];

/** Graded judgements: a grade from a hash of the request, except prose for one passage. */
function chat(req: ServerRequest) {
  const body = req.body as {
    messages: { content: string }[];
    seed?: number;
    response_format?: { json_schema?: { schema?: { properties?: object } } };
  };
  const props = body.response_format?.json_schema?.schema?.properties ?? {};
  if (!('relevance' in props)) return defaultChat?.(req) ?? { status: 500 };
  const content = body.messages.at(-1)?.content ?? '';
  const passage = content.slice(content.lastIndexOf('Passage: '));
  const text = passage.includes(PROSE)
    ? 'It is rather relevant, I think.'
    : JSON.stringify({ relevance: Math.floor(unitHash(`${content}|${body.seed}`) * 4) });
  return {
    json: {
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: content.length % 97, completion_tokens: text.length % 13 },
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-mine-batch-'));
  server = await startOpenAIServer({ routes: { 'POST /v1/chat/completions': chat } });
  writeFileSync(join(dir, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n'));
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh workspace with the corpus and the imported queries of `run`. */
async function workspace(name: string, run: string): Promise<Corpus> {
  const corpus = openCorpus(join(dir, name));
  await corpus.addPassages(docs);
  await importQueries(corpus, join(dir, 'queries.jsonl'), { run });
  return corpus;
}

const provider = () => createOpenAIProvider({ baseUrl: server.baseUrl, model: 'fake-llm' });

/** Mines `run` with `judge` over the cached provider and returns the dataset lines and manifest. */
async function mine(corpus: Corpus, run: string, judgeKind: 'llm' | 'graded', out: string) {
  const llm = withLlmCache(provider(), corpus.workspace);
  const judge = await createJudge(judgeKind, llm);
  const s = await minePairs(corpus, judge, { run, candidates: 5, concurrency: 4 });
  const manifest: DatasetManifest = await writeDataset(new FretStore(corpus.workspace), {
    run,
    job: s.job,
    outDir: join(dir, out),
    scoring: judge.scoring,
    prompts: {},
  });
  await llm.close();
  return { s, manifest, lines: readFileSync(join(dir, out, 'fret.jsonl'), 'utf8'), stats: llm.stats() };
}

/** Export → batch service → import until nothing is left; returns the request files' line counts. */
async function batchRounds(corpus: Corpus, run: string, judgeKind: 'llm' | 'graded', tag: string) {
  const counts: number[] = [];
  for (let round = 0; round < 20; round++) {
    const requests = join(dir, `${tag}-req-${round}.jsonl`);
    const e = await exportMineBatch(corpus, provider(), (m) => createJudge(judgeKind, m), requests, {
      run,
      candidates: 5,
    });
    if (e.requests === 0) return counts;
    counts.push(e.requests);
    const results = join(dir, `${tag}-out-${round}.jsonl`);
    await runBatch(server.baseUrl, requests, results);
    const s = await importBatch(corpus, results, { run });
    expect(s).toMatchObject({ stage: 'mine', failed: 0, stale: 0 });
  }
  throw new Error('batch rounds did not converge');
}

describe('FRet step 2 on a batch service (OpenAI Batch API files)', () => {
  it('LLM judge: the requests are the live ones; after import, mine makes zero calls and equals a live run', async () => {
    const live = await workspace('live', 'r');
    server.reset();
    const a = await mine(live, 'r', 'llm', 'live-out');
    // The scoring requests of the live job (without the provider's one-off capability probe).
    const liveBodies = server.log
      .filter((r) => r.path === '/v1/completions' && Array.isArray((r.body as { prompt: unknown }).prompt))
      .map((r) => r.body);
    expect(a.s).toMatchObject({ items: 12, ok: 12 });
    liveLines = a.lines;
    live.close();

    const corpus = await workspace('batch', 'r');
    server.reset();
    const req = join(dir, 'llm-req.jsonl');
    const e1 = await exportMineBatch(corpus, provider(), (m) => createJudge('llm', m), req, {
      run: 'r',
      candidates: 5,
    });
    expect(server.count()).toBe(0); // planning asks the model nothing
    // One QL and one RC request per (query, candidate), each the body the live provider posted.
    expect(e1).toMatchObject({ requests: 12 * 5 * 2, queries: 12, ready: 0, finished: 0 });
    const lines = readBatchLines(req);
    expect(new Set(lines.map((l) => l.custom_id)).size).toBe(lines.length);
    expect(
      lines.every((l) => l.url === '/v1/completions' && l.custom_id.startsWith('fret-mine-score/')),
    ).toBe(true);
    const key = (b: unknown) => JSON.stringify(b);
    expect(lines.map((l) => key(l.body)).sort()).toEqual(liveBodies.map(key).sort());

    // The provider fails two requests (one as a 500 answer, one as an error object).
    const out1 = join(dir, 'llm-out-1.jsonl');
    await runBatch(server.baseUrl, req, out1, (_, i) => (i === 3 ? 'status' : i === 8 ? 'error' : undefined));
    expect(await importBatch(corpus, out1)).toMatchObject({ stage: 'mine', ok: 118, failed: 2, stale: 0 });
    // Importing again changes nothing.
    expect(await importBatch(corpus, out1)).toMatchObject({ ok: 0, failed: 2, stale: 118 });

    // The next export holds exactly the two failed requests; the cache-only check counts them.
    server.reset();
    const missing = await missingMineCalls(corpus, provider(), (m) => createJudge('llm', m), {
      run: 'r',
      candidates: 5,
    });
    expect(missing).toEqual({ calls: 2, queries: missing.queries, ready: 12 - missing.queries });
    const req2 = join(dir, 'llm-req-2.jsonl');
    const e2 = await exportMineBatch(corpus, provider(), (m) => createJudge('llm', m), req2, {
      run: 'r',
      candidates: 5,
    });
    expect(e2.requests).toBe(2);
    expect(readBatchLines(req2).map((l) => l.custom_id)).toEqual([lines[3]?.custom_id, lines[8]?.custom_id]);
    // Offline, the job stops at the first missing call instead of reaching the network.
    const offline = withLlmCache(offlineModel(provider().id), corpus.workspace);
    const err = await minePairs(corpus, await createJudge('llm', offline), { run: 'r', candidates: 5 }).catch(
      (x: unknown) => x,
    );
    expect(isLlmError(err, 'LLM_OFFLINE')).toBe(true);
    expect(server.count()).toBe(0);

    const out2 = join(dir, 'llm-out-2.jsonl');
    await runBatch(server.baseUrl, req2, out2);
    expect(await importBatch(corpus, out2)).toMatchObject({ ok: 2, failed: 0 });
    server.reset();
    const b = await mine(corpus, 'r', 'llm', 'batch-out');
    expect(server.count()).toBe(0);
    expect(b.stats).toMatchObject({ misses: 0, batchHits: b.stats.hits });
    // Same positives, negatives, scores and ranks as the live job: the same dataset.
    expect(b.lines).toBe(a.lines);
    expect(b.manifest.relabel).toEqual(a.manifest.relabel);
    expect(b.manifest.batch?.mine.map((x) => x.action)).toEqual([
      'export',
      'import',
      'import',
      'export',
      'import',
    ]);
    expect(b.manifest.batch?.mine[1]?.counts).toMatchObject({ ok: 118, failed: 2 });
    expect(a.manifest.batch).toBeUndefined();
    corpus.close();
  });

  it('shards: each shard goes through its own batch, and the merged dataset equals the live one', async () => {
    expect(liveLines).not.toBe('');
    const corpus = await workspace('shards', 'r');
    const outs: string[] = [];
    for (const index of [0, 1]) {
      const shard = { index, count: 2 };
      const req = join(dir, `shard-${index}-req.jsonl`);
      const e = await exportMineBatch(corpus, provider(), (m) => createJudge('llm', m), req, {
        run: 'r',
        candidates: 5,
        shard,
      });
      expect(e.requests).toBeGreaterThan(0);
      await runBatch(server.baseUrl, req, join(dir, `shard-${index}-out.jsonl`));
      await importBatch(corpus, join(dir, `shard-${index}-out.jsonl`));
      server.reset();
      const llm = withLlmCache(provider(), corpus.workspace);
      const s = await minePairs(corpus, await createJudge('llm', llm), { run: 'r', candidates: 5, shard });
      expect(server.count()).toBe(0);
      outs.push(join(dir, `shard-${index}-data`));
      await writeDataset(new FretStore(corpus.workspace), {
        run: 'r',
        job: s.job,
        outDir: outs[index] as string,
        scoring: 'logprobs',
        prompts: {},
      });
    }
    await mergeDatasets(outs, join(dir, 'shards-merged'));
    expect(readFileSync(join(dir, 'shards-merged', 'fret.jsonl'), 'utf8')).toBe(liveLines);
    const merged = JSON.parse(
      readFileSync(join(dir, 'shards-merged', 'dataset.json'), 'utf8'),
    ) as DatasetManifest;
    // Both shards' batch files are listed, not only the first shard's.
    expect(merged.batch?.mine.map((b) => b.action)).toEqual(['export', 'import', 'export', 'import']);
    corpus.close();
  });

  it('graded judge: rejected answers go out again as the live retries would, until the same dataset', async () => {
    const live = await workspace('live-g', 'g');
    server.reset();
    const a = await mine(live, 'g', 'graded', 'live-g-out');
    live.close();
    const prose = JSON.parse(`[${a.lines.trim().split('\n').join(',')}]`) as {
      candidates: string[];
      scores: { graded: (number | null)[] };
    }[];
    const withProse = prose.filter((x) => x.candidates.includes('d7'));
    expect(withProse.length).toBeGreaterThan(0);
    for (const x of withProse) expect(x.scores.graded[x.candidates.indexOf('d7')]).toBeNull();

    const corpus = await workspace('batch-g', 'g');
    const counts = await batchRounds(corpus, 'g', 'graded', 'g');
    // Round 1 asks about every candidate; then only the prose passage's calls remain: the provider's three
    // JSON tries (seed, seed + 1, seed + 2) for each of the judge's three attempts.
    expect(counts.length).toBe(9);
    expect(counts.slice(1)).toEqual(Array(8).fill(withProse.length));
    const [first, second] = [
      readBatchLines(join(dir, 'g-req-0.jsonl')),
      readBatchLines(join(dir, 'g-req-1.jsonl')),
    ];
    const proseLine = (ls: typeof first) =>
      ls.find((l) => JSON.stringify(l.body).includes(PROSE) && l.custom_id.startsWith('fret-mine-chat/'));
    expect(proseLine(second)?.body.seed).toBe((proseLine(first)?.body.seed as number) + 1);

    server.reset();
    const b = await mine(corpus, 'g', 'graded', 'batch-g-out');
    expect(server.count()).toBe(0);
    expect(b.lines).toBe(a.lines);
    // Every token the live job spent, rejected answers included, is accounted for the same way.
    expect(b.manifest.tokens.mine).toEqual(a.manifest.tokens.mine);
    expect(a.manifest.tokens.mine.prompt).toBeGreaterThan(0);
    corpus.close();
  });

  it('malformed result lines stop the import with file:line and the field', async () => {
    const corpus = await workspace('bad', 'r');
    const req = join(dir, 'bad-req.jsonl');
    await exportMineBatch(corpus, provider(), (m) => createJudge('llm', m), req, { run: 'r', candidates: 2 });
    const [l1, l2] = readBatchLines(req);
    const ok = join(dir, 'bad-ok.jsonl');
    await runBatch(server.baseUrl, req, ok);
    const good = readFileSync(ok, 'utf8').trim().split('\n');
    const byId = (id: string | undefined) => good.find((l) => l.includes(`"${id}"`)) as string;
    const cases: [string, RegExp, string | undefined][] = [
      ['{"custom_id": "fret-mine-score/x", ', /not valid JSON/, undefined],
      ['{"response": {"status_code": 200, "body": {}}}', /custom_id/, 'custom_id'],
      [
        JSON.stringify({ custom_id: 'fret-mine-score/0000', response: { status_code: 200, body: {} } }),
        /not a request exported from this workspace/,
        'custom_id',
      ],
      [
        JSON.stringify({ custom_id: l1?.custom_id, response: { status_code: 200, body: { result: 1 } } }),
        /choices array/,
        'response.body.choices',
      ],
      [
        JSON.stringify({ custom_id: l1?.custom_id, response: { status_code: 200, body: { choices: [{}] } } }),
        /has no logprobs/,
        'response.body.choices[].logprobs',
      ],
    ];
    for (const [bad, message, field] of cases) {
      const file = join(dir, 'bad-out.jsonl');
      writeFileSync(file, `${byId(l2?.custom_id)}\n${bad}\n`);
      const e = await importBatch(corpus, file).catch((x: unknown) => x);
      expect(isInputError(e), String(e)).toBe(true);
      expect((e as Error).message).toMatch(message);
      expect((e as Error).message.startsWith(`${file}:2`)).toBe(true);
      if (isInputError(e)) expect(e.location.field).toBe(field);
    }
    corpus.close();
  });
});
