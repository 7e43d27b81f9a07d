import { UsageError } from '../../errors/UsageError.js';
import type { LanguageModel } from '../../llm/types.js';
import { logSoftmax, orderDescending, ranksDescending, reciprocalRankFusion } from '../fusion.js';
import { passagePromptValues } from '../generate.js';
import { loadPrompt, type PromptTemplate, renderPrompt } from '../prompts.js';
import type { Judge, JudgeInput, Judgement } from './Judge.js';

/** Options of {@link LlmJudge}: Gecko's two LLM ranking functions and their fusion. */
export interface LlmJudgeOptions {
  /** Relevance labels, most relevant first. @default ['Highly relevant', 'Somewhat relevant', 'Not relevant'] */
  labels?: readonly string[];
  /**
   * RC score of a candidate: `top` = log P(most relevant label) normalised over the label set (Gecko's
   * "log-likelihood of a specific relevance label"); `expected` = expected grade under that distribution,
   * labels valued evenly from 1 (first) to 0 (last), as in Zhuang et al. 2023. @default 'top'
   */
  rcScore?: 'top' | 'expected';
  /** RRF constant: `R = 1/(k + r_QL) + 1/(k + r_RC)`; Gecko uses k = 0. @default 0 */
  fusionK?: number;
  /** Prompt files instead of the bundled `query-likelihood.v1.md` / `relevance.v1.md`. */
  qlPromptFile?: string;
  rcPromptFile?: string;
  /** @default 2000 */
  maxPassageChars?: number;
}

export const DEFAULT_LABELS: readonly string[] = ['Highly relevant', 'Somewhat relevant', 'Not relevant'];

/**
 * Gecko's LLM reranker (§3.2, appendix A): query likelihood `QL = log P(q | p, P_QL)` and relevance
 * classification `RC = log P(label | q, p, P_RC)`, each turned into ranks and fused as
 * `R = 1/r_QL + 1/r_RC`. Needs exact log-probabilities from the model (the LLM layer fails clearly when it
 * cannot give them; use the graded judge then).
 */
export class LlmJudge implements Judge {
  readonly scoring = 'logprobs' as const;
  readonly config: Record<string, unknown>;
  readonly #llm: LanguageModel;
  readonly #ql: PromptTemplate;
  readonly #rc: PromptTemplate;
  readonly #labels: readonly string[];
  readonly #rcScore: 'top' | 'expected';
  readonly #k: number;
  readonly #maxChars: number;

  /** @throws UsageError for fewer than two labels or a negative k; InputError for a bad prompt file. */
  constructor(llm: LanguageModel, options: LlmJudgeOptions = {}) {
    this.#llm = llm;
    this.#labels = options.labels ?? DEFAULT_LABELS;
    if (this.#labels.length < 2 || new Set(this.#labels).size !== this.#labels.length)
      throw new UsageError(
        `relevance labels must be at least two distinct strings, got ${JSON.stringify(this.#labels)}`,
      );
    this.#rcScore = options.rcScore ?? 'top';
    this.#k = options.fusionK ?? 0;
    if (!(this.#k >= 0)) throw new UsageError(`fusion k must be >= 0, got ${this.#k}`);
    this.#ql = loadPrompt('query-likelihood', options.qlPromptFile);
    this.#rc = loadPrompt('relevance', options.rcPromptFile);
    this.#maxChars = options.maxPassageChars ?? 2000;
    this.config = {
      judge: 'llm',
      llm: llm.id,
      labels: this.#labels,
      rcScore: this.#rcScore,
      fusionK: this.#k,
      prompts: { ql: this.#ql.sha256, rc: this.#rc.sha256 },
      maxPassageChars: this.#maxChars,
    };
  }

  /** The two prompts (recorded in the manifest). */
  get prompts(): PromptTemplate[] {
    return [this.#ql, this.#rc];
  }

  async judge(input: JudgeInput, signal?: AbortSignal): Promise<Judgement> {
    const opts = { requireExact: true, signal };
    const labels = this.#labels;
    // Each candidate's passage as the prompts show it, built once for both prompts.
    const shown = input.candidates.map((c) => ({
      ...passagePromptValues(c, this.#maxChars),
      task: input.task,
    }));
    const rcValues = {
      query: input.query,
      labels: labels.join(', '),
      label_high: labels[0] as string,
      label_mid: labels[Math.floor((labels.length - 1) / 2)] as string,
      label_low: labels[labels.length - 1] as string,
    };
    const continuations = labels.map((l) => ` ${l}`);
    const t0 = performance.now();
    const ql = await Promise.all(
      shown.map(async (values) => {
        const prompt = renderPrompt(this.#ql, values);
        const [s] = await this.#llm.scoreContinuations(prompt, [` ${input.query}`], opts);
        return s as { logProb: number; tokenCount: number };
      }),
    );
    const t1 = performance.now();
    const rc = await Promise.all(
      shown.map(async (values) =>
        this.#llm.scoreContinuations(renderPrompt(this.#rc, { ...values, ...rcValues }), continuations, opts),
      ),
    );
    const t2 = performance.now();
    const qlScores = ql.map((s) => s.logProb);
    const rcScores = rc.map((scores) =>
      rcScore(
        scores.map((s) => s.logProb),
        this.#rcScore,
      ),
    );
    const rQl = ranksDescending(qlScores);
    const rRc = ranksDescending(rcScores);
    const fused = reciprocalRankFusion([rQl, rRc], this.#k);
    const order = orderDescending(fused);
    const scored = ql.reduce((n, s) => n + s.tokenCount, 0) + rc.flat().reduce((n, s) => n + s.tokenCount, 0);
    return {
      scores: { ql: qlScores, rc: rcScores },
      ranks: { ql: rQl, rc: rRc, fused: ranksDescending(fused) },
      order,
      usage: { promptTokens: 0, completionTokens: 0, scoredTokens: scored },
      timings: { ql: t1 - t0, rc: t2 - t1 },
    };
  }
}

/**
 * The RC score from the labels' log-likelihoods (most relevant label first): normalising over the label set
 * removes the bias of labels with more tokens.
 */
export function rcScore(labelLogProbs: readonly number[], kind: 'top' | 'expected'): number {
  const lp = logSoftmax(labelLogProbs);
  if (kind === 'top') return lp[0] as number;
  const last = lp.length - 1;
  return lp.reduce((s, x, i) => s + Math.exp(x) * (1 - i / last), 0);
}
