import type { Passage } from '../../corpus/passage.js';

/** One item for a judge: the query with its task, and the retrieved candidates in retriever order. */
export interface JudgeInput {
  itemId: string;
  task: string;
  query: string;
  candidates: readonly Pick<Passage, 'id' | 'title' | 'text'>[];
}

/** How the candidates were scored, recorded in every example and the manifest. */
export type ScoringKind = 'logprobs' | 'graded-judgement' | 'qrels';

/** A judge's verdict on one item. All arrays are aligned with the candidates. */
export interface Judgement {
  /** Scores per ranking function (`ql`, `rc`; `graded`; `oracle`). */
  scores: Record<string, number[]>;
  /** 1-based ranks per ranking function, and `fused` for the final ranking. */
  ranks: Record<string, number[]>;
  /** Candidate indices best first (the final ranking p1…pN). */
  order: number[];
  usage: { promptTokens: number; completionTokens: number; scoredTokens: number };
  /** Milliseconds per stage of this item (e.g. `ql`, `rc`), for the benchmark's split by stage. */
  timings: Record<string, number>;
}

/** Ranks the candidates of an item: the LLM (Gecko's QL + RC), an LLM's graded judgement, or qrels. */
export interface Judge {
  readonly scoring: ScoringKind;
  /** The settings that define the judge (model, prompts, labels, k): part of the mining job's config. */
  readonly config: Record<string, unknown>;
  /** A judge may decline an item (e.g. qrels without judgements for the query): it returns a reason. */
  judge(input: JudgeInput, signal?: AbortSignal): Promise<Judgement | { skip: string }>;
}
