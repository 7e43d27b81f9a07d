/**
 * `gecko index build` and `gecko serve` as a user runs them: a corpus from examples/, an index built with a
 * model saved by the project's own code, search over HTTP in all three modes, SIGTERM, and exit codes.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCorpus } from '../../src/corpus/Corpus.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { GECKO_FROM_SOURCE, runGecko, startServedCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { saveTestModel } from '../unit/serve/fixtures.js';

let work: string;
let modelDir: string;

beforeAll(async () => {
  work = tempDir('gecko-serve-work-');
  modelDir = tempDir('gecko-serve-model-');
  await saveTestModel(modelDir);
  const add = await runGecko(['--work', work, 'corpus', 'add', join(ROOT, 'examples/corpus.jsonl')]);
  expect(add.code).toBe(0);
}, 60_000);

interface SearchBody {
  mode: string;
  data: { id: string; score: number; rank: number; title: string | null; text: string }[];
}

describe('gecko index build + gecko serve', () => {
  it('builds an index, serves search in every mode, and stops cleanly on SIGTERM', async () => {
    const build = await runGecko([
      '--work',
      work,
      '--json',
      'index',
      'build',
      '--model',
      modelDir,
      '--kind',
      'hnsw',
      '--quantization',
      'f16',
    ]);
    expect(build.code, build.stderr).toBe(0);
    const report = JSON.parse(build.stdout) as { count: number; kind: string; recallAt10: number };
    expect(report).toMatchObject({ count: 320, kind: 'hnsw' });
    expect(report.recallAt10).toBeGreaterThan(0.8);

    const server = await startServedCli([
      ...GECKO_FROM_SOURCE,
      '--work',
      work,
      '--json',
      'serve',
      '--model',
      modelDir,
      '--port',
      '0',
    ]);
    try {
      const { started } = server;
      expect(started).toMatchObject({ search: ['bm25', 'dense', 'hybrid'] });
      const url = started.url as string;
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const search = async (body: unknown): Promise<Response> =>
        fetch(`${url}/v1/search`, { method: 'POST', body: JSON.stringify(body) });

      const query = 'how do geckos climb walls';
      const bm25 = (await (await search({ query, k: 5, mode: 'bm25' })).json()) as SearchBody;
      const corpus = openCorpus(work, { readonly: true });
      try {
        expect(bm25.data.map((h) => h.id)).toEqual(corpus.search(query, 5).map((h) => h.id));
      } finally {
        corpus.close();
      }
      const dense = (await (await search({ query, k: 5, mode: 'dense' })).json()) as SearchBody;
      expect(dense.data).toHaveLength(5);
      // Dense scores are the cosine between the query (query prompt) and each passage (document prompt).
      const model = await loadStaticModel(modelDir);
      const [q] = await model.embed([query]);
      const docs = await model.embed(
        dense.data.map((h) => ({ title: h.title, text: h.text })),
        { kind: 'document' },
      );
      dense.data.forEach((h, i) => {
        let dot = 0;
        for (let j = 0; j < q!.length; j++) dot += q![j]! * docs[i]![j]!;
        expect(h.score).toBeCloseTo(dot, 2); // f16 storage
      });
      const hybrid = (await (await search({ query, k: 5 })).json()) as SearchBody;
      expect(hybrid.mode).toBe('hybrid');
      expect(hybrid.data.map((h) => h.rank)).toEqual([1, 2, 3, 4, 5]);
      const bad = await search({ query: '', k: 5 });
      expect(bad.status).toBe(400);
      expect((await search({ query, k: 5000 })).status).toBe(400);
    } finally {
      server.stop();
    }
    expect(await server.exited, server.stderr()).toBe(0);
  }, 90_000);

  it('exits 2 when the key variable is missing or --cors is bad, and 1 when the model is missing', async () => {
    const noKey = await runGecko(['serve', '--model', modelDir, '--api-key-env', 'GECKO_TEST_UNSET_KEY'], {
      env: { GECKO_TEST_UNSET_KEY: '' },
    });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/GECKO_TEST_UNSET_KEY is not set or empty/);
    const noModel = await runGecko(['serve', '--model', join(work, 'no-such-model')]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/no-such-model/);
    // A bad --cors is a usage error, found before the (here missing) model is read.
    const badCors = await runGecko([
      'serve',
      '--model',
      join(work, 'no-such-model'),
      '--cors',
      'localhost:5173',
    ]);
    expect(badCors.code).toBe(2);
    expect(badCors.stderr).toMatch(/CORS origin "localhost:5173" is not an origin/);
  }, 60_000);
});
