import { compareCodePoints } from './compareIds.js';
import { pyRound } from './pyRound.js';

/** `{queryId: {docId: relevance}}`, as in BEIR/mteb qrels. */
export type Qrels = Record<string, Record<string, number>>;
/** `{queryId: {docId: score}}`: a run (higher score = better). */
export type Run = Record<string, Record<string, number>>;

/** The cutoffs mteb asks pytrec_eval for. */
export const MTEB_K_VALUES: readonly number[] = [1, 3, 5, 10, 20, 100, 1000];

/** trec_eval's per-query measures at each cutoff. */
export interface QueryMeasures {
  ndcg: number[];
  map: number[];
  recall: number[];
  precision: number[];
  success: number[];
}

/**
 * trec_eval's ranking of one query's docs: score descending, ties broken by docno descending, byte-wise
 * (`comp_sim_docno` in trec_eval v9.0.8, which pytrec_eval re-sorts with).
 * @example rankRun({ '10': 0.7, '9': 0.7, '11': 0.7 }) // ['9', '11', '10']
 */
export function rankRun(docs: Record<string, number>): string[] {
  // Sorting entries avoids a property lookup per comparison (runs hold up to 1000 docs per query).
  const entries = Object.entries(docs);
  entries.sort((a, b) => b[1] - a[1] || compareCodePoints(b[0], a[0]));
  return entries.map((e) => e[0]);
}

/**
 * trec_eval v9.0.8 measures for one query: `ndcg_cut` (linear gains, ideal from all judged docs),
 * `map_cut` (denominator: all relevant docs), `recall`, `P` (padded with non-relevant) and `success`, at
 * each of `kValues`. Relevance ≥ 1 counts as relevant (relevance_level 1).
 */
export function trecQueryMeasures(
  ranking: readonly string[],
  judged: Record<string, number>,
  kValues: readonly number[] = MTEB_K_VALUES,
): QueryMeasures {
  const gains = Object.values(judged)
    .filter((r) => r > 0)
    .sort((a, b) => b - a);
  const numRel = Object.values(judged).filter((r) => r >= 1).length;
  const maxK = Math.max(...kValues);
  const depth = Math.min(maxK, ranking.length);
  // Running sums after i+1 ranked docs.
  const dcg = new Float64Array(depth + 1);
  const apSum = new Float64Array(depth + 1);
  const hits = new Int32Array(depth + 1);
  for (let i = 0; i < depth; i++) {
    const rel = judged[ranking[i] as string] ?? 0;
    const hit = rel >= 1 ? 1 : 0;
    hits[i + 1] = (hits[i] as number) + hit;
    dcg[i + 1] = (dcg[i] as number) + (rel > 0 ? rel / Math.log2(i + 2) : 0);
    apSum[i + 1] = (apSum[i] as number) + (hit ? (hits[i + 1] as number) / (i + 1) : 0);
  }
  const out: QueryMeasures = { ndcg: [], map: [], recall: [], precision: [], success: [] };
  for (const k of kValues) {
    const at = Math.min(k, depth);
    let idcg = 0;
    for (let i = 0; i < Math.min(k, gains.length); i++) idcg += (gains[i] as number) / Math.log2(i + 2);
    const d = dcg[at] as number;
    out.ndcg.push(idcg > 0 ? d / idcg : d);
    out.map.push(numRel > 0 ? (apSum[at] as number) / numRel : 0);
    out.recall.push(numRel > 0 ? (hits[at] as number) / numRel : 0);
    out.precision.push((hits[at] as number) / k);
    out.success.push((hits[at] as number) > 0 ? 1 : 0);
  }
  return out;
}

/** mteb's retrieval scores (`make_score_dict` keys) for a run against qrels. */
export type RetrievalScores = Record<string, number>;

/**
 * Scores a run the way mteb's `calculate_retrieval_scores` does: trec_eval measures over the queries in
 * both run and qrels, each mean rounded with Python's `round(·, 5)`; MRR@k from the `(score, id)`
 * descending order over all run queries, not rounded. `main_score` is `ndcg_at_10`.
 *
 * @example scoreRun(qrels, run).ndcg_at_10
 */
export function scoreRun(
  qrels: Qrels,
  run: Run,
  kValues: readonly number[] = MTEB_K_VALUES,
): RetrievalScores {
  const sums = {
    ndcg: zeros(kValues),
    map: zeros(kValues),
    recall: zeros(kValues),
    precision: zeros(kValues),
    success: zeros(kValues),
  };
  let evaluated = 0;
  const mrr = zeros(kValues);
  const runQueries = Object.keys(run);
  for (const q of runQueries) {
    const docs = run[q] as Record<string, number>;
    const ranking = rankRun(docs);
    const judged = qrels[q];
    if (judged) {
      const m = trecQueryMeasures(ranking, judged, kValues);
      for (const key of Object.keys(sums) as (keyof QueryMeasures)[]) add(sums[key], m[key]);
      evaluated++;
    }
    const first = ranking.findIndex((d) => (judged?.[d] ?? 0) > 0);
    kValues.forEach((k, i) => {
      if (first >= 0 && first < k) mrr[i] = (mrr[i] as number) + 1 / (first + 1);
    });
  }
  const scores: RetrievalScores = {};
  const mean = (s: number[], i: number): number =>
    evaluated > 0 ? pyRound((s[i] as number) / evaluated, 5) : 0;
  kValues.forEach((k, i) => {
    scores[`ndcg_at_${k}`] = mean(sums.ndcg, i);
    scores[`map_at_${k}`] = mean(sums.map, i);
    scores[`recall_at_${k}`] = mean(sums.recall, i);
    scores[`precision_at_${k}`] = mean(sums.precision, i);
    scores[`mrr_at_${k}`] = runQueries.length > 0 ? (mrr[i] as number) / runQueries.length : 0;
    scores[`hit_rate_at_${k}`] = mean(sums.success, i);
  });
  if (kValues.includes(1)) scores.accuracy = scores.recall_at_1 as number;
  scores.main_score = scores.ndcg_at_10 ?? Number.NaN;
  return scores;
}

function zeros(k: readonly number[]): number[] {
  return k.map(() => 0);
}
function add(acc: number[], v: number[]): void {
  for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (v[i] as number);
}
