import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/InputError.js';
import { UsageError } from '../../../src/errors/UsageError.js';
import { EvaluationError } from '../../../src/eval/EvaluationError.js';
import { BUILTIN_TASKS } from '../../../src/eval/tasks/builtinTasks.js';
import { defineTask } from '../../../src/eval/tasks/defineTask.js';
import { downloadHubDataset } from '../../../src/eval/tasks/hubDataset.js';
import { loadLocalTask } from '../../../src/eval/tasks/loadLocalTask.js';
import { resolveTasks } from '../../../src/eval/tasks/resolveTasks.js';
import { TaskMetadataSchema } from '../../../src/eval/tasks/schema.js';
import { SHARED_DATA } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

const MTEB = join(SHARED_DATA, 'mteb');

describe('task metadata', () => {
  it('every built-in declaration and every shared task.json passes the strict schema', () => {
    for (const m of BUILTIN_TASKS) expect(TaskMetadataSchema.safeParse(m).success, m.name).toBe(true);
    for (const t of ['SciFact', 'STSBenchmark', 'Banking77Classification', 'PIT2015PairClassification'])
      expect(loadLocalTask(join(MTEB, t)).metadata.name).toBe(t);
  });
  it('an unknown field is an InputError naming the file and field', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'task.json'),
      JSON.stringify({
        name: 'X',
        type: 'STS',
        main_score: 'cosine_spearman',
        eval_splits: ['test'],
        min_scor: 0,
      }),
    );
    expect(() => loadLocalTask(dir)).toThrow(InputError);
    expect(() => loadLocalTask(dir)).toThrow(/task\.json/);
    writeFileSync(
      join(dir, 'task.json'),
      JSON.stringify({ name: 'X', type: 'Regression', main_score: 'x', eval_splits: ['test'] }),
    );
    expect(() => loadLocalTask(dir)).toThrow(/field "type"/);
  });
  it('defineTask validates eagerly', () => {
    expect(() =>
      defineTask({
        metadata: { name: 'X', type: 'STS', main_score: 'm', eval_splits: [] },
        load: async () => ({ type: 'STS', sentence1: [], sentence2: [], score: [] }),
      }),
    ).toThrow(/eval_splits/);
  });
  it('a folder without task.json is a clear error', () => {
    expect(() => loadLocalTask(tempDir())).toThrow(EvaluationError);
  });
});

describe('local task folders', () => {
  it('loads each shared task type with its row counts (data/README.md)', async () => {
    const sts = await loadLocalTask(join(MTEB, 'STSBenchmark')).load('validation');
    expect(sts.type === 'STS' && sts.score.length).toBe(1500);
    const clf = await loadLocalTask(join(MTEB, 'Banking77Classification')).load('test');
    expect(clf.type === 'Classification' && clf.label.length).toBe(3080);
    const pair = await loadLocalTask(join(MTEB, 'PIT2015PairClassification')).load('test');
    expect(pair.type === 'PairClassification' && pair.labels.length).toBe(838);
    const ret = await loadLocalTask(join(MTEB, 'SciFact')).load('train');
    if (ret.type !== 'Retrieval') throw new Error('expected retrieval');
    expect(ret.corpus.length).toBe(5183);
    expect(ret.queries.length).toBeGreaterThan(0);
    expect(Object.values(ret.qrels).reduce((n, q) => n + Object.keys(q).length, 0)).toBe(564);
  });
  it('a bad JSONL line and a bad qrels score name file:line', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'task.json'),
      JSON.stringify({ name: 'Mini', type: 'STS', main_score: 'cosine_spearman', eval_splits: ['test'] }),
    );
    writeFileSync(
      join(dir, 'test.jsonl'),
      '{"sentence1":"a","sentence2":"b","score":1}\n{"sentence1":"a","sentence2":"b"}\n',
    );
    await expect(loadLocalTask(dir).load('test')).rejects.toThrow(/test\.jsonl:2 \(field "score"\)/);
    writeFileSync(join(dir, 'test.jsonl'), '{"sentence1":"a"\n');
    await expect(loadLocalTask(dir).load('test')).rejects.toThrow(/test\.jsonl:1: not valid JSON/);
    await expect(loadLocalTask(dir).load('dev')).rejects.toThrow(/missing dev\.jsonl/);
    const r = tempDir();
    writeFileSync(
      join(r, 'task.json'),
      JSON.stringify({ name: 'R', type: 'Retrieval', main_score: 'ndcg_at_10', eval_splits: ['test'] }),
    );
    writeFileSync(join(r, 'corpus.jsonl'), '{"_id":"d1","title":"","text":"x"}\n');
    writeFileSync(join(r, 'queries.jsonl'), '{"_id":"q1","text":"x"}\n');
    mkdirSync(join(r, 'qrels'));
    writeFileSync(join(r, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\tone\n');
    await expect(loadLocalTask(r).load('test')).rejects.toThrow(/test\.tsv:2 \(field "score"\)/);
  });
  it('unpacks mteb v1 pair files (one row of parallel arrays) and legacy clustering rows', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'task.json'),
      JSON.stringify({ name: 'P', type: 'PairClassification', main_score: 'max_ap', eval_splits: ['test'] }),
    );
    writeFileSync(
      join(dir, 'test.jsonl'),
      JSON.stringify({ sent1: ['a', 'b'], sent2: ['c', 'd'], labels: [1, 0] }),
    );
    expect(await loadLocalTask(dir).load('test')).toEqual({
      type: 'PairClassification',
      sentence1: ['a', 'b'],
      sentence2: ['c', 'd'],
      labels: [1, 0],
    });
    writeFileSync(
      join(dir, 'task.json'),
      JSON.stringify({ name: 'C', type: 'Clustering', main_score: 'v_measure', eval_splits: ['test'] }),
    );
    writeFileSync(
      join(dir, 'test.jsonl'),
      `${JSON.stringify({ sentences: ['a', 'b'], labels: ['x', 'y'] })}\n${JSON.stringify({ sentences: ['c'], labels: ['z'] })}\n`,
    );
    const c = await loadLocalTask(dir).load('test');
    expect(c.type === 'Clustering' && c.sets.length).toBe(2);
  });
});

describe('Hugging Face hub datasets', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
  });

  it('downloads the mteb layout once from a hub endpoint and loads it like a local folder', async () => {
    const src = join(MTEB, 'STSBenchmark');
    const requests: string[] = [];
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/api/datasets/mteb/stsbenchmark-sts/tree/abc123?recursive=true') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify([
            { type: 'file', path: 'validation.jsonl' },
            { type: 'file', path: 'README.md' },
            { type: 'directory', path: 'data' },
          ]),
        );
      } else if (req.url === '/datasets/mteb/stsbenchmark-sts/resolve/abc123/validation.jsonl') {
        res.end(readFileSync(join(src, 'validation.jsonl')));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', () => r()));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cacheDir = tempDir();
    const folder = await downloadHubDataset('mteb/stsbenchmark-sts', 'abc123', { endpoint, cacheDir });
    expect(requests).toHaveLength(2); // the tree, then the one file of the layout (README skipped)
    await downloadHubDataset('mteb/stsbenchmark-sts', 'abc123', { endpoint, cacheDir });
    expect(requests).toHaveLength(2); // cached
    const task = loadLocalTask(folder, {
      name: 'STSBenchmark',
      type: 'STS',
      main_score: 'cosine_spearman',
      eval_splits: ['validation'],
    });
    const data = await task.load('validation');
    expect(data.type === 'STS' && data.score.length).toBe(1500);
  });

  it('offline: a clear error that says how to provide the data', async () => {
    const err = await downloadHubDataset('mteb/scifact', 'main', {
      endpoint: 'http://127.0.0.1:9',
      cacheDir: tempDir(),
    }).catch((e) => e);
    expect(err).toBeInstanceOf(EvaluationError);
    expect(err.code).toBe('OFFLINE');
    expect(err.message).toMatch(/offline.*--data/s);
  });

  it('resolveTasks: local folders first, built-ins from the hub, unknown names are usage errors', async () => {
    const [t] = await resolveTasks(['SciFact'], { data: MTEB });
    expect(t?.metadata.eval_splits).toEqual(['train']); // the local copy, not the hub declaration
    await expect(resolveTasks(['NoSuchTask'], { data: MTEB })).rejects.toThrow(UsageError);
    await expect(
      resolveTasks(['NFCorpus'], {
        data: MTEB,
        hub: { endpoint: 'http://127.0.0.1:9', cacheDir: tempDir() },
      }),
    ).rejects.toThrow(/offline/);
    expect((await resolveTasks([], { data: MTEB })).map((x) => x.metadata.name)).toEqual([
      'Banking77Classification',
      'PIT2015PairClassification',
      'STSBenchmark',
      'SciFact',
    ]);
  });
});
