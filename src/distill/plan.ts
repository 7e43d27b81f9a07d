import { DEFAULT_LABELS } from '../fret/judge/LlmJudge.js';
import { loadPrompt } from '../fret/prompts.js';
import type { DistillConfig } from './config.js';
import type { StageName } from './stages.js';

/**
 * Characters per token for the estimate. English text averages about 4 characters per token with the BPE
 * vocabularies of current instruction models; the plan says "about" because the real count depends on the
 * model's tokenizer.
 */
export const CHARS_PER_TOKEN = 4;

/** The LLM work of one stage. */
export interface StageEstimate {
  stage: 'generate' | 'mine';
  /** Whether the stage runs (false: up to date, or no LLM needed). */
  runs: boolean;
  /** LLM calls without retries, and with every retry used. */
  calls: { min: number; max: number };
  /** Prompt tokens of the `min` calls, and the most completion tokens they may produce. */
  tokens: { prompt: number; completion: number };
}

/** The plan printed before the work starts. */
export interface DistillPlan {
  llm: string;
  passages: number;
  avgPassageChars: number;
  seeds: number;
  stages: { name: StageName; action: 'run' | 'skip' }[];
  estimates: StageEstimate[];
  totals: { calls: number; promptTokens: number; completionTokens: number };
}

const tokens = (chars: number): number => Math.ceil(chars / CHARS_PER_TOKEN);

/**
 * Estimates the LLM calls and tokens of FRet's two steps from the corpus size and the settings:
 * step 1 is one generation per seed (up to 1 + retries); step 2 scores each of N candidates per query twice
 * (query likelihood, and relevance over the labels), with the passage in each prompt. Cached calls and
 * failed generations make the real numbers lower; the upper bound of step 2 assumes every seed gave a query.
 *
 * @example const plan = estimatePlan(config, { passages: 320, avgChars: 900 }, actions);
 */
export function estimatePlan(
  config: DistillConfig,
  corpus: { passages: number; avgChars: number },
  actions: Record<StageName, 'run' | 'skip'>,
): DistillPlan {
  const seeds = Math.min(config.generate.limit ?? corpus.passages, corpus.passages);
  const passageChars = Math.min(corpus.avgChars, config.generate.maxPassageChars);
  const genPrompt = loadPrompt('generate').text.length;
  const genRuns = actions.generate === 'run';
  const gen: StageEstimate = {
    stage: 'generate',
    runs: genRuns,
    calls: genRuns ? { min: seeds, max: seeds * (1 + config.generate.retries) } : { min: 0, max: 0 },
    tokens: genRuns
      ? {
          prompt: seeds * tokens(genPrompt + passageChars),
          completion: seeds * config.generate.maxTokens,
        }
      : { prompt: 0, completion: 0 },
  };
  const llmJudge = !config.mine.judge.startsWith('qrels:');
  const mineRuns = actions.mine === 'run' && llmJudge;
  const n = config.mine.candidates;
  const ql = loadPrompt('query-likelihood').text.length;
  const rc = loadPrompt('relevance').text.length;
  const queryChars = 80;
  const labelChars = DEFAULT_LABELS.join(' ').length;
  // Two scoring calls per candidate: QL (prompt + query) and RC (prompt + query + each label).
  const perCandidate =
    tokens(ql + passageChars + queryChars) + tokens(rc + passageChars + queryChars + labelChars);
  const mine: StageEstimate = {
    stage: 'mine',
    runs: mineRuns,
    calls: mineRuns ? { min: seeds * n * 2, max: seeds * n * 2 } : { min: 0, max: 0 },
    tokens: mineRuns ? { prompt: seeds * n * perCandidate, completion: 0 } : { prompt: 0, completion: 0 },
  };
  const estimates = [gen, mine];
  return {
    llm: config.llm,
    passages: corpus.passages,
    avgPassageChars: corpus.avgChars,
    seeds,
    stages: (Object.keys(actions) as StageName[]).map((name) => ({ name, action: actions[name] })),
    estimates,
    totals: {
      calls: estimates.reduce((a, e) => a + e.calls.min, 0),
      promptTokens: estimates.reduce((a, e) => a + e.tokens.prompt, 0),
      completionTokens: estimates.reduce((a, e) => a + e.tokens.completion, 0),
    },
  };
}

/** The plan as text lines, for the CLI and the report. */
export function formatPlan(plan: DistillPlan): string {
  const k = (x: number): string => x.toLocaleString('en-US');
  const lines = [
    `plan: ${k(plan.passages)} passages (avg ${k(plan.avgPassageChars)} chars), ${k(plan.seeds)} seeds, teacher ${plan.llm}`,
    `stages: ${plan.stages.map((s) => `${s.name}${s.action === 'skip' ? ' (skip)' : ''}`).join(' → ')}`,
  ];
  for (const e of plan.estimates) {
    lines.push(
      e.runs
        ? `  ${e.stage}: ~${k(e.calls.min)} LLM calls${e.calls.max > e.calls.min ? ` (up to ${k(e.calls.max)} with retries)` : ''}, ~${k(e.tokens.prompt)} prompt tokens` +
            (e.tokens.completion ? `, up to ${k(e.tokens.completion)} completion tokens` : '')
        : `  ${e.stage}: no LLM calls`,
    );
  }
  lines.push(
    `  total: ~${k(plan.totals.calls)} LLM calls, ~${k(plan.totals.promptTokens)} prompt + up to ${k(plan.totals.completionTokens)} completion tokens (≈${CHARS_PER_TOKEN} chars/token; cached calls cost nothing)`,
  );
  return lines.join('\n');
}
