import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../../../src/eval/EvaluationError.js';
import { Bm25Retriever } from '../../../src/eval/embedders/Bm25Retriever.js';
import { HashedBowEmbedder } from '../../../src/eval/embedders/HashedBowEmbedder.js';
import type { Encoder, Matrix } from '../../../src/eval/encoder.js';
import { evaluateTask } from '../../../src/eval/evaluateTask.js';
import { scoreRun } from '../../../src/eval/metrics/trecEval.js';
import { denseTopK } from '../../../src/eval/ml/denseSearch.js';
import { promptsFor } from '../../../src/eval/prompts.js';
import { renderReport } from '../../../src/eval/report/report.js';
import { formatScoreTable } from '../../../src/eval/report/table.js';
import { defineTask } from '../../../src/eval/tasks/defineTask.js';
import { loadLocalTask } from '../../../src/eval/tasks/loadLocalTask.js';
import type { TaskMetadata } from '../../../src/eval/tasks/schema.js';
import { evaluateClassification } from '../../../src/eval/taskTypes/classification.js';
import { evaluateClustering } from '../../../src/eval/taskTypes/clustering.js';
import { evaluatePairClassification } from '../../../src/eval/taskTypes/pairClassification.js';
import { evaluateRetrieval } from '../../../src/eval/taskTypes/retrieval.js';
import { evaluateSts } from '../../../src/eval/taskTypes/sts.js';
import { evaluateSummarization } from '../../../src/eval/taskTypes/summarization.js';
import type { EmbedInput } from '../../../src/model/Embedder.js';
import { SHARED_DATA } from '../../helpers/paths.js';

/** A fixture encoder: each text maps to a hand-written vector, so every score can be computed by hand. */
function tableEncoder(table: Record<string, number[]>): Encoder & { asked: string[] } {
  const dims = (Object.values(table)[0] as number[]).length;
  const asked: string[] = [];
  return {
    dims,
    asked,
    async encode(inputs: readonly EmbedInput[]): Promise<Matrix> {
      const data = new Float32Array(inputs.length * dims);
      inputs.forEach((x, i) => {
        const key = typeof x === 'string' ? x : x.text;
        asked.push(key);
        const v = table[key];
        if (!v) throw new Error(`no vector for "${key}"`);
        data.set(v, i * dims);
      });
      return { data, n: inputs.length, dims };
    },
  };
}
const meta = (m: Partial<TaskMetadata> & Pick<TaskMetadata, 'type' | 'main_score'>): TaskMetadata => ({
  name: 'T',
  eval_splits: ['test'],
  ...m,
});

describe('STS', () => {
  it('cosine Spearman is 1 when cosine order follows the gold order; distances are negated', async () => {
    const enc = tableEncoder({ a: [1, 0], b: [1, 0], c: [1, 1], d: [0, 1], e: [-1, 0.1] });
    const s = await evaluateSts(
      { type: 'STS', sentence1: ['a', 'a', 'a'], sentence2: ['b', 'c', 'd'], score: [5, 3, 1] },
      meta({ type: 'STS', main_score: 'cosine_spearman' }),
      enc,
    );
    expect(s.cosine_spearman).toBeCloseTo(1, 12);
    expect(s.euclidean_spearman).toBeCloseTo(1, 12);
    expect(s.cosine_pearson).toBeLessThanOrEqual(1);
  });
});

describe('Retrieval and Reranking', () => {
  const corpus = ['d1', 'd2', 'd3', 'q1'].map((id) => ({ id, title: '', text: id }));
  const enc = tableEncoder({ q1: [1, 0], q2: [0, 1], d1: [1, 0], d2: [1, 0], d3: [0, 1] });
  const data = {
    type: 'Retrieval' as const,
    corpus,
    queries: [
      { id: 'q1', text: 'q1' },
      { id: 'q2', text: 'q2' },
      { id: 'q3', text: 'q1' },
    ],
    qrels: { q1: { d1: 1 }, q2: { d3: 1, d2: 1 } },
  };
  it('drops queries without qrels, ranks ties by larger id, and removes identical ids after the cut', async () => {
    const plain = await evaluateRetrieval(data, meta({ type: 'Retrieval', main_score: 'ndcg_at_10' }), {
      encoder: enc,
    });
    // q1: d1, d2 and q1 itself tie at 1 → order q1, d2, d1 (ids descending) → d1 at rank 3.
    const expected = scoreRun(data.qrels, {
      q1: { q1: 1, d2: 1, d1: 1, d3: 0 },
      q2: { d3: 1, q1: 0, d2: 0, d1: 0 },
    });
    expect(plain.ndcg_at_10).toBe(expected.ndcg_at_10);
    expect(enc.asked.filter((t) => t === 'q1')).toHaveLength(2); // q1 as a query and as a document; q3 is dropped
    const ignoring = await evaluateRetrieval(
      data,
      meta({ type: 'Retrieval', main_score: 'ndcg_at_10', ignore_identical_ids: true }),
      { encoder: enc },
    );
    const expected2 = scoreRun(data.qrels, {
      q1: { d2: 1, d1: 1, d3: 0 },
      q2: { d3: 1, q1: 0, d2: 0, d1: 0 },
    });
    expect(ignoring.ndcg_at_10).toBe(expected2.ndcg_at_10);
    expect(ignoring.ndcg_at_10).toBeGreaterThan(plain.ndcg_at_10 as number);
  });
  it('reranking scores only the candidates; max_over_subqueries merges `<id>_<i>` queries', async () => {
    const r = await evaluateRetrieval(
      { ...data, type: 'Reranking', topRanked: { q1: ['d3', 'd1'], q2: ['d1', 'd2'] } },
      meta({ type: 'Reranking', main_score: 'map_at_1000' }),
      { encoder: enc },
    );
    // q1: d1 first → AP 1; q2: candidates tie at 0 → d2 before d1, d3 not a candidate → AP (1/1)/2.
    expect(r.map_at_1000).toBe(0.75);
    const sub = await evaluateRetrieval(
      {
        type: 'Reranking',
        corpus,
        queries: [
          { id: 'm_0', text: 'q1' },
          { id: 'm_1', text: 'q2' },
        ],
        qrels: { m_0: { d3: 1 }, m_1: { d3: 1 } },
        topRanked: { m_0: ['d1', 'd3'], m_1: ['d1', 'd3'] },
      },
      meta({ type: 'Reranking', main_score: 'max_over_subqueries_map_at_1000' }),
      { encoder: enc },
    );
    expect(sub.max_over_subqueries_map_at_1000).toBe(1); // d3 wins through sub-query m_1
    expect(sub.map_at_1000).toBe(0.75);
  });
  it('BM25 cannot rerank candidate lists', async () => {
    await expect(
      evaluateRetrieval(
        { ...data, type: 'Reranking', topRanked: { q1: ['d1'] } },
        meta({ type: 'Reranking', main_score: 'map_at_1000' }),
        { lexical: new Bm25Retriever() },
      ),
    ).rejects.toThrow(EvaluationError);
  });
  it('dense top-k keeps k of many tied documents, preferring larger ids', () => {
    const q = Float32Array.from([1, 0]);
    const docs = Float32Array.from([1, 0, 1, 0, 1, 0, 0, 1]);
    const [h] = denseTopK(q, docs, 2, ['a', 'c', 'b', 'z'], 2);
    expect(Array.from(h?.docs ?? [])).toEqual([1, 2]); // c, b
  });
});

describe('PairClassification', () => {
  it('max_ap is the best of the five score lists', async () => {
    const enc = tableEncoder({ a: [1, 0], b: [0.9, 0.1], c: [0, 1], d: [1, 1] });
    const s = await evaluatePairClassification(
      {
        type: 'PairClassification',
        sentence1: ['a', 'a', 'a'],
        sentence2: ['b', 'c', 'd'],
        labels: [1, 0, 1],
      },
      enc,
    );
    const aps = ['similarity', 'cosine', 'manhattan', 'euclidean', 'dot'].map((n) => s[`${n}_ap`] as number);
    expect(s.max_ap).toBe(Math.max(...aps));
    expect(s.cosine_ap).toBe(1);
    expect(s.cosine_accuracy).toBe(1);
  });
});

describe('Classification', () => {
  it('10 experiments of samples_per_label from the shuffled list; separable data scores 1', async () => {
    const table: Record<string, number[]> = {};
    const text: string[] = [];
    const label: number[] = [];
    for (let i = 0; i < 30; i++) {
      const l = i % 3;
      const t = `t${i}`;
      table[t] = [l === 0 ? 1 : 0, l === 1 ? 1 : 0, l === 2 ? 1 : 0, (i % 7) / 70];
      text.push(t);
      label.push(l);
    }
    const enc = tableEncoder(table);
    const r = await evaluateClassification(
      { type: 'Classification', text, label },
      { type: 'Classification', text, label },
      meta({ type: 'Classification', main_score: 'accuracy', samples_per_label: 2 }),
      enc,
    );
    expect(r.perExperiment).toHaveLength(10);
    expect(r.scores.accuracy).toBe(1);
    expect(r.scores.f1).toBe(1);
  });
});

describe('Clustering', () => {
  const table: Record<string, number[]> = {};
  const sentences: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < 60; i++) {
    const l = i % 3;
    const t = `s${i}`;
    table[t] = [l * 10 + (i % 5) * 0.01, -l * 10, 1];
    sentences.push(t);
    labels.push(`c${l}`);
  }
  it('legacy protocol: well-separated clusters score 1, single-label sets score 1', async () => {
    const enc = tableEncoder(table);
    const s = await evaluateClustering(
      {
        type: 'Clustering',
        sets: [
          { sentences, labels },
          { sentences: ['s0'], labels: ['x'] },
        ],
      },
      meta({ type: 'Clustering', main_score: 'v_measure', clustering_protocol: 'legacy' }),
      enc,
    );
    expect(s.v_measure).toBeCloseTo(1, 12);
  });
  it('v2 protocol: bootstraps per label level of hierarchical labels', async () => {
    const enc = tableEncoder(table);
    const hier = labels.map((l, i) => [l, `${l}.${i % 2}`]);
    const s = await evaluateClustering(
      { type: 'Clustering', sets: [{ sentences, labels: hier }] },
      meta({
        type: 'Clustering',
        main_score: 'v_measure',
        clustering_protocol: 'v2',
        max_fraction_of_documents_to_embed: null,
      }),
      enc,
    );
    // Level 0 is separable (v = 1); level 1 splits each cluster by parity, which the features do not show.
    expect(s.v_measure).toBeGreaterThan(0.5);
    expect(s.v_measure).toBeLessThan(1);
    expect(s.ami).toBeGreaterThan(0.3);
    expect(s.ami).toBeLessThan(1);
  });
});

describe('Summarization', () => {
  it('v1 averages each rho with its p-value (mteb #1156)', async () => {
    const enc = tableEncoder({
      h1: [1, 0],
      h2: [0.8, 0.6],
      m1: [1, 0.1],
      m2: [0.5, 0.5],
      m3: [0, 1],
      m4: [0.9, 0.3],
    });
    const data = {
      type: 'Summarization' as const,
      rows: [
        { humanSummaries: ['h1', 'h2'], machineSummaries: ['m1', 'm2', 'm3', 'm4'], relevance: [5, 4, 1, 3] },
      ],
    };
    const v2 = await evaluateSummarization(data, enc, 'v2');
    const v1 = await evaluateSummarization(data, enc, 'v1');
    expect(v2.cosine_spearman).toBeCloseTo(1, 12);
    expect(v1.cosine_spearman).toBeCloseTo(0.5, 12); // (1 + p(ρ=1)=0) / 2
  });
});

describe('evaluateTask and the report', () => {
  it('one MTEB-schema result per size; BM25 refuses non-retrieval tasks; table and report render', async () => {
    const sts = loadLocalTask(join(SHARED_DATA, 'mteb/STSBenchmark'));
    const results = await evaluateTask(
      sts,
      { embedder: new HashedBowEmbedder({ dimensions: 64 }) },
      { dims: [64, 16] },
    );
    expect(results.map((r) => r.gecko.dimensions)).toEqual([64, 16]);
    const r = results[0];
    expect(Object.keys(r ?? {}).sort()).toEqual([
      'dataset_revision',
      'evaluation_time',
      'gecko',
      'kg_co2_emissions',
      'mteb_version',
      'scores',
      'task_name',
    ]);
    expect(r?.scores.validation?.[0]?.main_score).toBe(r?.scores.validation?.[0]?.cosine_spearman);
    expect(r?.gecko.prompts).toEqual({ query: 'semantic similarity' });
    await expect(evaluateTask(sts, { lexical: new Bm25Retriever() })).rejects.toThrow(EvaluationError);
    const table = formatScoreTable(results);
    expect(table).toMatch(/STSBenchmark\s+cosine_spearman\s+\d+\.\d\d\s+\d+\.\d\d/);
    const report = renderReport(results, 'hashed-bow');
    expect(report.svg).toContain('<polyline');
    expect(report.markdown).toContain('](chart.svg)');
    expect(report.markdown).toMatch(/\| STSBenchmark \| \d+\.\d\d \| 61\.54 \| 82\.03/); // vs GloVe, MiniLM
    expect(report.html).toContain('<svg');
  });
  it('a main_score the evaluator does not produce is an error', async () => {
    const t = defineTask({
      metadata: { name: 'Odd', type: 'STS', main_score: 'kendall_tau', eval_splits: ['test'] },
      load: async () => ({ type: 'STS', sentence1: ['a', 'b'], sentence2: ['a', 'c'], score: [1, 2] }),
    });
    await expect(evaluateTask(t, { embedder: new HashedBowEmbedder({ dimensions: 8 }) })).rejects.toThrow(
      /kendall_tau/,
    );
  });
});

describe('prompts', () => {
  it('Gecko Table 9 strings per type, per-task prompts for retrieval, overrides, or none', () => {
    const sts = meta({ type: 'STS', main_score: 'cosine_spearman' });
    const sf = meta({ type: 'Retrieval', main_score: 'ndcg_at_10', prompt: 'fact checking' });
    expect(promptsFor(sts)).toEqual({ query: 'semantic similarity' });
    expect(promptsFor(sf)).toEqual({ query: 'fact checking' });
    expect(promptsFor(meta({ type: 'Classification', main_score: 'accuracy' }), { STS: 'x' })).toEqual({
      query: 'classification',
    });
    expect(promptsFor(sts, { STS: 'sentence similarity' })).toEqual({ query: 'sentence similarity' });
    expect(promptsFor(sts, 'none')).toEqual({});
  });
});
