import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCorpus } from '../../src/corpus/index.js';
import { generateQueries } from '../../src/fret/index.js';
import { FretStore } from '../../src/fret/store.js';
import { createOpenAIProvider } from '../../src/llm/openai/OpenAIProvider.js';
import { runGecko } from '../helpers/cli.js';
import { type OpenAIServer, type ServerRequest, startOpenAIServer } from '../helpers/openaiServer/index.js';
import { SHARED_DATA } from '../helpers/paths.js';

/**
 * `gecko fret generate` against a loopback server that fails in every way the LLM layer retries by itself:
 * 503s, dropped connections, answers that are not JSON, JSON that breaks the schema; plus answers FRet's
 * checks reject. The run summary must count every one of those retries by cause (the server's own tally is
 * the expected value), and a run that produces no query at all must exit non-zero.
 */
const TASK = 'Given a query, find a passage that has the answer to the query.';
let dir: string;
let server: OpenAIServer;
const passages: { id: string; title: string; text: string }[] = [];
const delivered = new Map<number, number>(); // passage index -> step-1 answers it got
const tally = { 'http 503': 0, network: 0, 'not-json': 0, schema: 0, 'too-short': 0 };
/** Called with each step-1 request's passage text before it is answered (a test's hook). */
let onStep1: ((passage: string) => void) | undefined;

/** Which fault request number `seq` gets: a 503 (retry-after-ms 1) every 4th, a dropped socket every 13th. */
function faultFor(seq: number): 'http 503' | 'network' | undefined {
  if (seq % 4 === 0) return 'http 503';
  if (seq % 13 === 5) return 'network';
  return undefined;
}

function chatAnswer(req: ServerRequest): { json: unknown } {
  const content = (req.body as { messages: { content: string }[] }).messages.at(-1)?.content ?? '';
  const passage = content.slice(content.lastIndexOf('Passage: '));
  const good = (q: string) => JSON.stringify({ task: TASK, query: q });
  onStep1?.(passage);
  let text: string;
  if (passage.includes('RACE')) {
    text = good('what is known about racing processes');
  } else if (passage.includes('UNUSABLE')) {
    text = good('a'); // always too short: every seed of that workspace fails
  } else {
    const i = passages.findIndex((p) => passage.includes(p.text.slice(0, 60)));
    const n = (delivered.get(i) ?? 0) + 1;
    delivered.set(i, n);
    const word = (passages[i]?.title.split(' ').find((w) => w.length > 6) ?? 'cells').toLowerCase();
    // The first answer of each seed is bad in one of three ways, then it is good.
    const kind = n === 1 ? (['too-short', 'not-json', 'schema'] as const)[i % 3] : undefined;
    if (kind) tally[kind]++;
    text =
      kind === 'too-short'
        ? good('a')
        : kind === 'not-json'
          ? 'Sure! Here is a query about it.'
          : kind === 'schema'
            ? JSON.stringify({ task: TASK })
            : good(`what is known about ${word}`);
  }
  return {
    json: {
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 100, completion_tokens: 20 },
    },
  };
}

async function workspace(name: string, rows: { id: string; title: string; text: string }[]): Promise<string> {
  const work = join(dir, name);
  const corpus = openCorpus(work);
  await corpus.addPassages(rows);
  corpus.close();
  return work;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-fret-generate-cli-'));
  for await (const line of createInterface({
    input: createReadStream(join(SHARED_DATA, 'mteb/SciFact/corpus.jsonl')),
  })) {
    const r = JSON.parse(line) as { _id: string; title: string; text: string };
    passages.push({ id: r._id, title: r.title, text: r.text.slice(0, 400) });
    if (passages.length === 12) break;
  }
  server = await startOpenAIServer({
    routes: { 'POST /v1/chat/completions': chatAnswer },
    faults: (req) => {
      const f = faultFor(req.seq);
      if (f) tally[f]++;
      if (f === 'http 503') return { kind: 'status', status: 503, retryAfterMs: 1 };
      if (f === 'network') return { kind: 'drop' };
      return undefined;
    },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gecko fret generate: retries and a run that produces nothing', () => {
  it('counts every retry by cause in the summary, in the stored rows and in the text output', async () => {
    const work = await workspace('ws', passages);
    const llm = `openai:${server.baseUrl}#fake`;
    const r = await runGecko(['--work', work, '--json', 'fret', 'generate', '--llm', llm]);
    expect(r.stderr).not.toMatch(/unexpected|gecko: /);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      ok: number;
      failed: number;
      retries: { llm: Record<string, number>; attempts: Record<string, number> };
    };
    expect(s).toMatchObject({ ok: 12, failed: 0 });
    // Every fault happened, and each was retried (the server saw them all; none was final).
    expect(tally['http 503']).toBeGreaterThan(0);
    expect(tally.network).toBeGreaterThan(0);
    expect(s.retries).toEqual({
      llm: {
        'http 503': tally['http 503'],
        network: tally.network,
        'not-json': tally['not-json'],
        schema: tally.schema,
      },
      attempts: { 'too-short': tally['too-short'] },
    });
    expect(tally).toMatchObject({ 'not-json': 4, schema: 4, 'too-short': 4 });

    // The counts are the job's: stored per seed, so a re-run (all done) reports the same.
    const db = new Database(join(work, 'gecko.db'), { readonly: true });
    const stored = db.prepare('SELECT retries FROM fret_queries').all() as { retries: string }[];
    db.close();
    const sum: Record<string, number> = {};
    for (const row of stored)
      for (const [k, v] of Object.entries(JSON.parse(row.retries) as Record<string, number>))
        sum[k] = (sum[k] ?? 0) + v;
    expect(sum).toEqual(s.retries.llm);
    const again = await runGecko(['--work', work, 'fret', 'generate', '--llm', llm]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `retries: http 503 ${tally['http 503']}, network ${tally.network}, not-json 4, schema 4; new attempts after too-short 4`,
    );
  }, 60_000);

  it('exits non-zero with a clear message when every seed failed', async () => {
    const work = await workspace(
      'none',
      passages.slice(0, 5).map((p) => ({ ...p, text: `UNUSABLE ${p.text}` })),
    );
    const out = join(dir, 'none.jsonl');
    const r = await runGecko([
      '--work',
      work,
      '--json',
      'fret',
      'generate',
      '--llm',
      `openai:${server.baseUrl}#fake`,
      '--retries',
      '1',
      '--out',
      out,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/unexpected|\n\s+at /);
    expect(r.stderr).toMatch(/fret generate produced no queries: all 5 seeds failed \(too-short 5\)/);
    // The summary and the failures file are still written, so the reasons can be read.
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: 0, failed: 5, failures: { 'too-short': 5 } });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(5);
  }, 60_000);

  it('leaves a seed that another process finished meanwhile as it is: not redone, not overwritten', async () => {
    const work = await workspace(
      'race',
      passages.slice(0, 4).map((p) => ({ ...p, text: `RACE ${p.text}` })),
    );
    const corpus = openCorpus(work);
    const asked: string[] = [];
    let other: string | undefined;
    // While the first seed is being answered, a second process on the run (a worker left running when its
    // wrapper was killed) finishes another seed.
    onStep1 = (passage) => {
      const id = passages.slice(0, 4).find((p) => passage.includes(p.text.slice(0, 60)))?.id as string;
      asked.push(id);
      if (other !== undefined) return;
      other = passages.slice(0, 4).find((p) => p.id !== id)?.id as string;
      const db = new Database(join(work, 'gecko.db'));
      db.prepare(
        `INSERT INTO fret_queries(run, item_id, seed_id, family, status, task, query, reason, attempts, history)
         VALUES ('default', ?, ?, 'free-form', 'ok', ?, 'the other process query', NULL, 1, '[]')`,
      ).run(other, other, TASK);
      db.close();
    };
    try {
      const llm = createOpenAIProvider({ baseUrl: server.baseUrl, model: 'fake', retry: { limit: 0 } });
      server.setFaults(undefined);
      const s = await generateQueries(corpus, llm, { concurrency: 1 });
      expect(s).toMatchObject({ selected: 4, ok: 4, failed: 0 });
      expect(asked).not.toContain(other);
      expect(asked).toHaveLength(3);
      expect(new FretStore(corpus.workspace).getQuery('default', other as string)).toMatchObject({
        status: 'ok',
        query: 'the other process query',
        attempts: 1,
      });
    } finally {
      onStep1 = undefined;
      corpus.close();
    }
  }, 60_000);
});
