import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { readBatchLines, runBatch } from '../helpers/openaiServer/batchService.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openaiServer/index.js';

/**
 * The CLI round trip of FRet step 2 on a batch service: `fret mine --cache-only` refuses to call the model
 * and says how many calls are missing; `fret export-batch --stage mine` writes them; the "batch service"
 * answers them; `fret import-batch` loads the answers; `fret mine --cache-only` then finishes the job with
 * no request to the endpoint.
 */
let dir: string;
let work: string;
let server: OpenAIServer;
const TASK = 'Given a query, find a passage that has the answer to the query.';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-mine-batch-cli-'));
  work = join(dir, 'ws');
  server = await startOpenAIServer();
  const docs = Array.from({ length: 30 }, (_, i) => ({
    _id: `d${i}`,
    title: `Topic ${i}`,
    text: `Passage ${i} is about ${['geckos', 'lizards', 'snakes'][i % 3]} living on ${['walls', 'sand', 'trees', 'rocks'][i % 4]}.`,
  }));
  writeFileSync(join(dir, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n'));
  const queries = Array.from({ length: 8 }, (_, i) => ({
    _id: `q${i}`,
    text: `${['geckos', 'lizards', 'snakes'][i % 3]} on ${['walls', 'sand', 'trees', 'rocks'][i % 4]}`,
    task: TASK,
    seed_id: `d${i * 3}`,
  }));
  writeFileSync(join(dir, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n'));
  const add = await runGecko(['--work', work, 'corpus', 'add', join(dir, 'corpus.jsonl')]);
  expect(add.code, add.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gecko fret export-batch --stage mine / import-batch / mine --cache-only', () => {
  it('runs step 2 through a batch with zero live calls', async () => {
    const llm = `openai:${server.baseUrl}#fake-llm`;
    const job = ['--llm', llm, '--judge', 'llm', '-n', '3', '--queries', join(dir, 'queries.jsonl')];
    server.reset();
    const before = await runGecko(['--work', work, 'fret', 'mine', ...job, '--cache-only']);
    expect(before.code).toBe(1);
    // 8 queries x 3 candidates x (QL + RC).
    expect(before.stderr).toMatch(
      /--cache-only: 48 LLM calls \(for 8 of 8 pending queries\) are not in the workspace cache/,
    );
    expect(server.count()).toBe(0);

    const req = join(dir, 'req.jsonl');
    const ex = await runGecko([
      '--work',
      work,
      '--json',
      'fret',
      'export-batch',
      '--stage',
      'mine',
      ...job,
      '--out',
      req,
    ]);
    expect(ex.code, ex.stderr).toBe(0);
    expect(JSON.parse(ex.stdout)).toMatchObject({ stage: 'mine', requests: 48, queries: 8, ready: 0 });
    expect(readBatchLines(req).length).toBe(48);
    expect(server.count()).toBe(0);

    const out = join(dir, 'out.jsonl');
    await runBatch(server.baseUrl, req, out);
    server.reset();
    const im = await runGecko(['--work', work, 'fret', 'import-batch', out]);
    expect(im.code, im.stderr).toBe(0);
    expect(im.stdout).toMatch(/imported into the LLM cache: 48 answers, 0 rejected/);

    const mined = await runGecko([
      '--work',
      work,
      'fret',
      'mine',
      ...job,
      '--cache-only',
      '--out',
      join(dir, 'fret'),
    ]);
    expect(mined.code, mined.stderr).toBe(0);
    expect(mined.stdout).toMatch(/8 examples from 8 queries/);
    // Hits count scored continuations: 24 QL + 24 x 3 relevance labels.
    expect(mined.stdout).toMatch(/llm cache: 96 hits \(96 from batch imports\), 0 misses/);
    expect(server.count()).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'fret', 'dataset.json'), 'utf8'));
    expect(manifest.batch.mine.map((b: { action: string }) => b.action)).toEqual(['export', 'import']);

    // Nothing is left to export.
    const again = await runGecko([
      '--work',
      work,
      'fret',
      'export-batch',
      '--stage',
      'mine',
      ...job,
      '--out',
      req,
    ]);
    expect(again.stdout).toMatch(/nothing to export/);
  }, 120_000);

  it('refuses options of the other stage and non-OpenAI models, and shows examples in the help', async () => {
    const r1 = await runGecko([
      '--work',
      work,
      'fret',
      'export-batch',
      '--stage',
      'mine',
      '--llm',
      `openai:${server.baseUrl}#m`,
      '--limit',
      '5',
      '--out',
      join(dir, 'x.jsonl'),
    ]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--limit does not apply to --stage mine/);
    const r2 = await runGecko([
      '--work',
      work,
      'fret',
      'export-batch',
      '--stage',
      'mine',
      '--llm',
      'llama:./m.gguf',
      '--out',
      join(dir, 'x.jsonl'),
    ]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/OpenAI-format/);
    const r3 = await runGecko([
      '--work',
      work,
      'fret',
      'mine',
      '--llm',
      `openai:${server.baseUrl}#m`,
      '--cache-only',
    ]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(
      /cannot probe the model's capabilities offline \(--cache-only\); name the judge/,
    );
    const help = await runGecko(['fret', 'export-batch', '--help']);
    expect(help.stdout).toMatch(/Step 2 \(--stage mine/);
    expect(help.stdout).toMatch(/\$ gecko fret export-batch --stage mine --llm openai:/);
    const ihelp = await runGecko(['fret', 'import-batch', '--help']);
    expect(ihelp.stdout).toMatch(/--cache-only/);
  }, 60_000);
});
