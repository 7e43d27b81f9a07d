import type { Qrels } from '../metrics/trecEval.js';

/** A corpus document of a retrieval task. */
export interface RetrievalDoc {
  id: string;
  title: string;
  text: string;
}

/** One split of each task type, in memory. */
export type SplitData =
  | {
      type: 'Retrieval' | 'Reranking';
      corpus: RetrievalDoc[];
      queries: { id: string; text: string }[];
      qrels: Qrels;
      /** Reranking: the candidate documents of each query (mteb v2 `top_ranked`). */
      topRanked?: Record<string, string[]>;
    }
  | { type: 'STS'; sentence1: string[]; sentence2: string[]; score: number[] }
  | { type: 'Classification'; text: string[]; label: number[] }
  | { type: 'PairClassification'; sentence1: string[]; sentence2: string[]; labels: number[] }
  | {
      type: 'Clustering';
      /** Legacy protocol: one entry per cluster set. v2: a single entry with every document. */
      sets: { sentences: string[]; labels: (string | string[])[] }[];
    }
  | {
      type: 'Summarization';
      rows: { humanSummaries: string[]; machineSummaries: string[]; relevance: number[] }[];
    };

export type SplitDataOf<T extends SplitData['type']> = Extract<SplitData, { type: T }>;
