import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Corpus, openCorpus } from '../../src/corpus/index.js';
import {
  type DatasetManifest,
  exportSentenceTransformers,
  type FretExample,
  importQueries,
  mergeDatasets,
  minePairs,
  QrelsJudge,
  readQrels,
  writeDataset,
} from '../../src/fret/index.js';
import { FretStore } from '../../src/fret/store.js';
import { runGecko } from '../helpers/cli.js';
import { SHARED_DATA } from '../helpers/paths.js';

/**
 * FRet step 2 with the oracle judge on real labelled data: SciFact's corpus, train queries and qrels. No LLM
 * is involved, so these tests pin the mining, dataset, shard/merge and export machinery on 505 real queries.
 */
const SCIFACT = join(SHARED_DATA, 'mteb/SciFact');
const QRELS = join(SCIFACT, 'qrels/train.tsv');
const TASK = 'Given a claim, find a passage that supports or refutes it.';
let dir: string;
let corpus: Corpus;

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-fret-oracle-'));
  corpus = openCorpus(join(dir, 'ws'));
  await corpus.add(join(SCIFACT, 'corpus.jsonl'));
  await importQueries(corpus, join(SCIFACT, 'queries.jsonl'), { run: 'sf', task: TASK });
});
afterAll(() => {
  corpus?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function mineTo(out: string, shard?: { index: number; count: number }): Promise<DatasetManifest> {
  const judge = new QrelsJudge(QRELS);
  const s = await minePairs(corpus, judge, { run: 'sf', candidates: 20, shard });
  return writeDataset(new FretStore(corpus.workspace), {
    run: 'sf',
    job: s.job,
    outDir: out,
    parquet: true,
    scoring: judge.scoring,
    prompts: {},
  });
}

describe('FRet mining with the qrels oracle on SciFact', () => {
  it('ranks judged passages first, takes p1 as positive and p_N as negative', async () => {
    const m = await mineTo(join(dir, 'all'));
    const qrels = readQrels(QRELS);
    const examples = readJsonl<FretExample>(join(dir, 'all/fret.jsonl'));
    expect(m.counts).toMatchObject({ queries: 505, mined: 505, examples: 505 });
    expect(new Set(examples.map((e) => e.id)).size).toBe(505);
    let top1Relevant = 0;
    let positiveRelevant = 0;
    for (const e of examples) {
      const judged = qrels.get(e.id.slice('sf/'.length)) as Map<string, number>;
      expect(e.candidates.length).toBeLessThanOrEqual(20);
      expect(e.scores.oracle).toEqual(e.candidates.map((c) => judged.get(c) ?? 0));
      const best = Math.max(...(e.scores.oracle as number[]));
      expect(judged.get(e.positive.id) ?? 0).toBe(best);
      // p_N: the candidate with the worst fused rank.
      const worst = (e.ranks.fused as number[]).indexOf(e.candidates.length);
      expect(e.negative?.id).toBe(e.candidates[worst]);
      expect(e.relabeled).toBeNull();
      if ((judged.get(e.candidates[0] as string) ?? 0) > 0) top1Relevant++;
      if (best > 0) positiveRelevant++;
    }
    // The oracle measures what relabelling can gain over BM25's top-1: it never loses, and here it gains.
    expect(positiveRelevant).toBeGreaterThan(top1Relevant);
    expect(top1Relevant).toBeGreaterThan(250); // BM25 P@1 on SciFact train is roughly 0.55
    const parquet = await parquetReadObjects({
      file: await asyncBufferFromFile(join(dir, 'all/fret.parquet')),
    });
    expect(parquet.map((r) => r.id)).toEqual(examples.map((e) => e.id));
  });

  it('a rerun of a finished job does no work and rewrites the same dataset', async () => {
    const before = readFileSync(join(dir, 'all/fret.jsonl'), 'utf8');
    const judge = new QrelsJudge(QRELS);
    const s = await minePairs(corpus, judge, { run: 'sf', candidates: 20 });
    expect(s.resumed).toBe(505);
    await writeDataset(new FretStore(corpus.workspace), {
      run: 'sf',
      job: s.job,
      outDir: join(dir, 'again'),
      scoring: 'qrels',
      prompts: {},
    });
    expect(readFileSync(join(dir, 'again/fret.jsonl'), 'utf8')).toBe(before);
  });

  it('two shards merged equal the unsharded dataset, line for line', async () => {
    const a = await mineTo(join(dir, 's0'), { index: 0, count: 2 });
    const b = await mineTo(join(dir, 's1'), { index: 1, count: 2 });
    expect(a.counts.examples + b.counts.examples).toBe(505);
    expect(a.counts.examples).toBeGreaterThan(150);
    const s = await mergeDatasets([join(dir, 's1'), join(dir, 's0')], join(dir, 'merged'));
    expect(s).toMatchObject({
      inputs: 2,
      examples: 505,
      duplicates: 0,
      shards: ['0/2', '1/2'],
      missingShards: [],
    });
    expect(readFileSync(join(dir, 'merged/fret.jsonl'), 'utf8')).toBe(
      readFileSync(join(dir, 'all/fret.jsonl'), 'utf8'),
    );
    const merged = JSON.parse(readFileSync(join(dir, 'merged/dataset.json'), 'utf8')) as DatasetManifest;
    expect(merged.counts.examples).toBe(505);
    // A shard given twice, or a dataset of another job, is refused.
    await expect(mergeDatasets([join(dir, 's0'), join(dir, 's0')], join(dir, 'bad'))).rejects.toThrow(
      /shard 0\/2 appears twice/,
    );
    await expect(mergeDatasets([join(dir, 's0'), join(dir, 'all')], join(dir, 'bad'))).rejects.toThrow(
      /2-way split/,
    );
  });

  it('exports sentence-transformers triplets in the unified format', async () => {
    const out = join(dir, 'st.jsonl');
    const s = await exportSentenceTransformers(join(dir, 'all/fret.jsonl'), out);
    expect(s).toEqual({ rows: 505, skipped: 0, withoutNegative: 0 });
    const [row] = readJsonl<{ anchor: string; positive: string; negative: string }>(out);
    const [ex] = readJsonl<FretExample>(join(dir, 'all/fret.jsonl'));
    expect(row?.anchor).toBe(`task: ${TASK} | query: ${ex?.query}`);
    expect(row?.positive).toBe(`title: ${ex?.positive.title} | text: ${ex?.positive.text}`);
    expect(row?.negative.startsWith('title: ')).toBe(true);
  });

  it('the CLI mines with --judge qrels:FILE and reports bad input with exit codes', async () => {
    const work = join(dir, 'ws');
    corpus.close();
    try {
      const r = await runGecko([
        '--work',
        work,
        '--json',
        'fret',
        'mine',
        '--run',
        'sf',
        '--judge',
        `qrels:${QRELS}`,
        '--negative',
        'random',
        '--out',
        join(dir, 'cli'),
      ]);
      expect(r.stderr).not.toMatch(/unexpected/);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { ok: number; manifest: DatasetManifest };
      expect(out.ok).toBe(505);
      expect(out.manifest.config.mine.negative).toEqual({ kind: 'random' });
      const bad = join(dir, 'bad-qrels.tsv');
      writeFileSync(bad, 'query-id\tcorpus-id\tscore\n1\t2\n');
      const e1 = await runGecko(['--work', work, 'fret', 'mine', '--run', 'sf', '--judge', `qrels:${bad}`]);
      expect(e1.code).toBe(1);
      expect(e1.stderr).toContain('bad-qrels.tsv:2');
      const e2 = await runGecko(['--work', work, 'fret', 'mine', '--run', 'sf', '--judge', 'llm']);
      expect(e2.code).toBe(2);
      expect(e2.stderr).toMatch(/needs a language model/);
    } finally {
      corpus = openCorpus(work);
    }
  });
});
