import { UsageError } from '../../errors/UsageError.js';
import { failedCallUsage, isLlmError } from '../../llm/errors/LlmError.js';
import type { LanguageModel } from '../../llm/types.js';
import { orderDescending, ranksDescending } from '../fusion.js';
import { passagePromptValues } from '../generate.js';
import { loadPrompt, type PromptTemplate, renderPrompt } from '../prompts.js';
import { callSeed } from '../random.js';
import type { Judge, JudgeInput, Judgement } from './Judge.js';

/** Options of {@link GradedJudge}. */
export interface GradedJudgeOptions {
  /** Highest grade of the scale 0…maxGrade. @default 3 */
  maxGrade?: number;
  /** Extra attempts (new sampling seed) when an answer does not parse. @default 2 */
  retries?: number;
  /** A prompt file instead of the bundled `relevance-graded.v1.md`. */
  promptFile?: string;
  /** @default 2000 */
  maxPassageChars?: number;
}

/**
 * The fallback for LLMs without log-probabilities: the model states a graded relevance (JSON
 * `{"relevance": 0..maxGrade}`) for each candidate, and candidates are ranked by it (ties keep the
 * retriever's order; an answer that never parses ranks last and is counted). This is a different kind of
 * score from Gecko's QL + RC, so every example and the manifest record `scoring: "graded-judgement"`.
 */
export class GradedJudge implements Judge {
  readonly scoring = 'graded-judgement' as const;
  readonly config: Record<string, unknown>;
  readonly #llm: LanguageModel;
  readonly #prompt: PromptTemplate;
  readonly #max: number;
  readonly #retries: number;
  readonly #maxChars: number;
  readonly #schema: Record<string, unknown>;

  constructor(llm: LanguageModel, options: GradedJudgeOptions = {}) {
    this.#llm = llm;
    this.#max = options.maxGrade ?? 3;
    if (!Number.isInteger(this.#max) || this.#max < 1)
      throw new UsageError(`maxGrade must be an integer >= 1, got ${this.#max}`);
    this.#retries = options.retries ?? 2;
    this.#prompt = loadPrompt('relevance-graded', options.promptFile);
    this.#maxChars = options.maxPassageChars ?? 2000;
    this.#schema = {
      type: 'object',
      properties: { relevance: { type: 'integer', minimum: 0, maximum: this.#max } },
      required: ['relevance'],
      additionalProperties: false,
    };
    this.config = {
      judge: 'graded',
      llm: llm.id,
      maxGrade: this.#max,
      retries: this.#retries,
      prompt: this.#prompt.sha256,
      maxPassageChars: this.#maxChars,
    };
  }

  get prompts(): PromptTemplate[] {
    return [this.#prompt];
  }

  async judge(input: JudgeInput, signal?: AbortSignal): Promise<Judgement> {
    const t0 = performance.now();
    let promptTokens = 0;
    let completionTokens = 0;
    const grades = await Promise.all(
      input.candidates.map(async (c) => {
        const content = renderPrompt(this.#prompt, {
          ...passagePromptValues(c, this.#maxChars),
          task: input.task,
          query: input.query,
          max_grade: String(this.#max),
        });
        for (let attempt = 0; attempt <= this.#retries; attempt++) {
          try {
            const out = await this.#llm.generate([{ role: 'user', content }], {
              jsonSchema: this.#schema,
              temperature: attempt === 0 ? 0 : 0.7,
              seed: callSeed('fret-graded', input.itemId, c.id, attempt),
              maxTokens: 24,
              signal,
            });
            promptTokens += out.usage.promptTokens;
            completionTokens += out.usage.completionTokens;
            const g = (out.value as { relevance?: unknown } | undefined)?.relevance;
            if (typeof g === 'number' && Number.isInteger(g) && g >= 0 && g <= this.#max) return g;
          } catch (e) {
            if (!isLlmError(e, 'LLM_OUTPUT')) throw e;
            // A rejected answer still cost tokens.
            const spent = failedCallUsage(e);
            promptTokens += spent.promptTokens;
            completionTokens += spent.completionTokens;
          }
        }
        return Number.NaN; // never parsed: ranks last, and shows as null in the example's scores
      }),
    );
    return {
      scores: { graded: grades },
      ranks: { graded: ranksDescending(grades), fused: ranksDescending(grades) },
      order: orderDescending(grades),
      usage: { promptTokens, completionTokens, scoredTokens: 0 },
      timings: { graded: performance.now() - t0 },
    };
  }
}
