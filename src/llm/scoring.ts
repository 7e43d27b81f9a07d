/**
 * The two scores FRet needs, as one-liners over {@link LanguageModel.scoreContinuations}: query likelihood
 * log P(query | passage prompt) and label likelihood log P(label | query + passage prompt) over a label set.
 */
import type { ContinuationScore, LanguageModel, PromptInput, ScoreOptions } from './types.js';

/**
 * log P(query | prompt), exact (fails when the model offers only top-k log-probabilities).
 * @throws LlmError `LLM_CAPABILITY` when the model cannot compute it.
 * @example
 * const { logProb, tokenCount } = await queryLogProb(llm, `Passage: ${p}\nQuery:`, ` ${q}`);
 */
export async function queryLogProb(
  llm: LanguageModel,
  prompt: PromptInput,
  query: string,
  options: Omit<ScoreOptions, 'requireExact'> = {},
): Promise<ContinuationScore> {
  const [s] = await llm.scoreContinuations(prompt, [query], { ...options, requireExact: true });
  return s as ContinuationScore;
}

/**
 * log P(label | prompt) for each label (one model call: the prompt is evaluated once), plus the
 * distribution renormalised over the label set.
 * @example
 * const { probs } = await labelLogProbs(llm, rcPrompt, [' yes', ' no']); // probs[0] = P(yes | yes or no)
 */
export async function labelLogProbs(
  llm: LanguageModel,
  prompt: PromptInput,
  labels: readonly string[],
  options: ScoreOptions = {},
): Promise<{ scores: ContinuationScore[]; probs: number[] }> {
  const scores = await llm.scoreContinuations(prompt, labels, options);
  const m = Math.max(...scores.map((s) => s.logProb));
  const w = scores.map((s) => Math.exp(s.logProb - m));
  const z = w.reduce((a, b) => a + b, 0);
  return { scores, probs: w.map((x) => (z > 0 ? x / z : 0)) };
}
