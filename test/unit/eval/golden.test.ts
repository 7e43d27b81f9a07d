import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { thresholdMetrics } from '../../../src/eval/metrics/averagePrecision.js';
import { correlationPValue, pearson, spearman } from '../../../src/eval/metrics/correlation.js';
import { NumpyRandomState } from '../../../src/eval/metrics/numpyRandom.js';
import { pyRound } from '../../../src/eval/metrics/pyRound.js';
import { PythonRandom } from '../../../src/eval/metrics/pythonRandom.js';
import { rankRun, scoreRun, trecQueryMeasures } from '../../../src/eval/metrics/trecEval.js';
import { SHARED_CONFORMANCE } from '../../helpers/paths.js';

// biome-ignore lint/suspicious/noExplicitAny: the golden file is free-form JSON read as data
const golden: any = JSON.parse(readFileSync(join(SHARED_CONFORMANCE, 'mteb_golden.json'), 'utf8'));

describe('mteb_golden.json', () => {
  it('covers exactly the keys these tests check', () => {
    expect(Object.keys(golden).sort()).toEqual(
      [
        'np_RandomState42_shuffle_carried_n20_3exps',
        'pairclf_example',
        'py_Random42_sample_range2048_k81_first10',
        'py_then_choices_range81_k10',
        'python_round_5',
        'spearman_example',
        'summeval_bug_example',
        'trec_example',
      ].sort(),
    );
  });

  it('numpy RandomState(42).shuffle carried over three experiments', () => {
    const idx = Array.from({ length: 20 }, (_, i) => i);
    for (const expected of golden.np_RandomState42_shuffle_carried_n20_3exps) {
      new NumpyRandomState(42).shuffle(idx);
      expect(idx).toEqual(expected);
    }
  });

  it('Python random.Random(42): sample(range(2048), 81), then choices(range(81), k=10)', () => {
    const rng = new PythonRandom(42);
    expect(rng.sample(2048, 81).slice(0, 10)).toEqual(golden.py_Random42_sample_range2048_k81_first10);
    expect(rng.choices(81, 10)).toEqual(golden.py_then_choices_range81_k10);
  });

  it('trec_eval example with ties: ranking, per-query measures and exact nDCG', () => {
    const t = golden.trec_example;
    expect(rankRun(t.run.q1)).toEqual(t.ranking_q1);
    expect(rankRun(t.run.q2)).toEqual(t.ranking_q2);
    for (const q of ['q1', 'q2']) {
      const m = trecQueryMeasures(rankRun(t.run[q]), t.qrels[q], [1, 10]);
      const e = t.per_query[q];
      expect(m.ndcg[1]).toBeCloseTo(e.ndcg_cut_10, 4);
      expect(m.map[1]).toBeCloseTo(e.map_cut_10, 4);
      expect(m.recall[1]).toBeCloseTo(e.recall_10, 4);
      expect(m.precision[0]).toBeCloseTo(e.P_1, 4);
    }
    expect(trecQueryMeasures(rankRun(t.run.q1), t.qrels.q1, [10]).ndcg[0]).toBe(t.ref_exact_q1);
    expect(trecQueryMeasures(rankRun(t.run.q2), t.qrels.q2, [10]).ndcg[0]).toBe(t.ref_exact_q2);
    // mteb's mean over the two queries, rounded to 5 places.
    expect(scoreRun(t.qrels, t.run).ndcg_at_10).toBe(pyRound((t.ref_exact_q1 + t.ref_exact_q2) / 2, 5));
  });

  it('pair classification: AP, best accuracy and best F1', () => {
    const p = golden.pairclf_example;
    const m = thresholdMetrics(p.labels, p.scores, true);
    expect(m.ap).toBeCloseTo(p.ap, 12);
    expect(m.accuracy).toBe(p.accuracy);
    expect(m.f1).toBeCloseTo(p.f1, 12);
  });

  it('Spearman (average ranks) and Pearson', () => {
    const s = golden.spearman_example;
    expect(spearman(s.x, s.y)).toBeCloseTo(s.spearman, 12);
    expect(pearson(s.x, s.y)).toBeCloseTo(s.pearson, 12);
  });

  it('SummEval: fixed mean of rho, and the v1 bug that averages rho with its p-value', () => {
    const s = golden.summeval_bug_example;
    const rhos = s.human.map((h: number[], i: number) => spearman(h, s.pred[i]));
    const ps = rhos.map((r: number, i: number) => correlationPValue(r, s.human[i].length));
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(rhos)).toBeCloseTo(s.fixed_cosine_spearman, 12);
    expect((mean(rhos) + mean(ps)) / 2).toBeCloseTo(s.buggy_cosine_spearman, 10);
  });

  it('Python round(x, 5), half-even on the exact binary value', () => {
    for (const [x, expected] of Object.entries(golden.python_round_5))
      expect(pyRound(Number(x), 5)).toBe(expected);
  });
});
