import { type Encoder, normalizedRows } from '../encoder.js';
import { correlationPValue, pearson, spearman } from '../metrics/correlation.js';
import { arr } from '../tasks/readFiles.js';
import { encoderOf, readSplitRows, type TaskTypeModule } from './taskType.js';

/** One Summarization split: per text, human and machine summaries and each machine summary's relevance. */
export interface SummarizationData {
  type: 'Summarization';
  rows: { humanSummaries: string[]; machineSummaries: string[]; relevance: number[] }[];
}

/** Summarization: `<split>.jsonl` rows of `human_summaries`, `machine_summaries`, `relevance`. */
export const summarizationType: TaskTypeModule<'Summarization', SummarizationData> = {
  type: 'Summarization',
  geckoPrompt: 'search result',
  async load(files) {
    const { f, rows } = await readSplitRows(files);
    return {
      type: 'Summarization',
      rows: rows.map((r) => ({
        humanSummaries: arr(r, f, 'human_summaries').map(String),
        machineSummaries: arr(r, f, 'machine_summaries').map(String),
        relevance: arr(r, f, 'relevance').map(Number),
      })),
    };
  },
  evaluate: (data, run) =>
    evaluateSummarization(data, encoderOf(run), run.summarization ?? run.meta.summarization_version ?? 'v2'),
};

/**
 * Summarization (mteb `SummarizationEvaluator`): for each text, each machine summary's score is its best
 * cosine (and dot) against the human summaries; texts where the human scores, the cosine predictions or the
 * dot predictions are all equal are skipped; Spearman/Pearson per text, averaged.
 * `version: 'v1'` reproduces `DeprecatedSummarizationEvaluator` (mteb issue #1156), which averages each
 * Spearman with its p-value: the number MTEB(eng, v1) reports for SummEval.
 */
export async function evaluateSummarization(
  data: SummarizationData,
  encoder: Encoder,
  version: 'v1' | 'v2' = 'v2',
): Promise<Record<string, number>> {
  const human = await encoder.encode(
    data.rows.flatMap((r) => r.humanSummaries),
    'query',
  );
  const machine = await encoder.encode(
    data.rows.flatMap((r) => r.machineSummaries),
    'query',
  );
  const hn = normalizedRows(human);
  const mn = normalizedRows(machine);
  const d = encoder.dims;
  const acc = {
    cosS: [] as number[],
    cosP: [] as number[],
    dotS: [] as number[],
    dotP: [] as number[],
    pS: [] as number[],
    pP: [] as number[],
  };
  let h0 = 0;
  let m0 = 0;
  for (const row of data.rows) {
    const cos: number[] = [];
    const dot: number[] = [];
    for (let j = 0; j < row.machineSummaries.length; j++) {
      let bestCos = -Infinity;
      let bestDot = -Infinity;
      for (let h = 0; h < row.humanSummaries.length; h++) {
        let c = 0;
        let p = 0;
        for (let t = 0; t < d; t++) {
          c += (mn[(m0 + j) * d + t] as number) * (hn[(h0 + h) * d + t] as number);
          p += (machine.data[(m0 + j) * d + t] as number) * (human.data[(h0 + h) * d + t] as number);
        }
        bestCos = Math.max(bestCos, Math.fround(c));
        bestDot = Math.max(bestDot, Math.fround(p));
      }
      cos.push(bestCos);
      dot.push(bestDot);
    }
    h0 += row.humanSummaries.length;
    m0 += row.machineSummaries.length;
    const gold = row.relevance.map((x) => x / 5);
    if (new Set(gold).size === 1 || new Set(cos).size === 1 || new Set(dot).size === 1) continue;
    const rc = spearman(gold, cos);
    const rd = spearman(gold, dot);
    acc.cosS.push(rc);
    acc.cosP.push(pearson(gold, cos));
    acc.dotS.push(rd);
    acc.dotP.push(pearson(gold, dot));
    acc.pS.push(correlationPValue(rc, gold.length));
    acc.pP.push(correlationPValue(rd, gold.length));
  }
  const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
  const bug = (s: number[], p: number[]): number => (mean(s) + mean(p)) / 2;
  const cosineSpearman = version === 'v1' ? bug(acc.cosS, acc.pS) : mean(acc.cosS);
  return {
    cosine_spearman: cosineSpearman,
    cosine_pearson: mean(acc.cosP),
    dot_spearman: version === 'v1' ? bug(acc.dotS, acc.pP) : mean(acc.dotS),
    dot_pearson: mean(acc.dotP),
    spearman: cosineSpearman,
    pearson: mean(acc.cosP),
  };
}
