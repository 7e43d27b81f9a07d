import { UsageError } from '../../errors/UsageError.js';
import type { LanguageModel } from '../../llm/types.js';
import { GradedJudge, type GradedJudgeOptions } from './GradedJudge.js';
import type { Judge } from './Judge.js';
import { LlmJudge, type LlmJudgeOptions } from './LlmJudge.js';
import { QrelsJudge } from './QrelsJudge.js';

/**
 * Which judge ranks the candidates: `llm` (Gecko's QL + RC from log-probabilities), `graded` (the fallback
 * for models without log-probabilities), `qrels:FILE` (the oracle), or `auto` (llm when the model gives
 * exact log-probabilities, else graded; the choice is recorded as the dataset's `scoring`).
 */
export type JudgeSpec = 'auto' | 'llm' | 'graded' | `qrels:${string}`;

/**
 * Builds the judge for `spec`.
 * @throws UsageError for an unknown spec, or an LLM judge without a model.
 * @example const judge = await createJudge('auto', llm, { llm: { fusionK: 0 } });
 */
export async function createJudge(
  spec: string,
  llm: LanguageModel | undefined,
  options: { llm?: LlmJudgeOptions; graded?: GradedJudgeOptions } = {},
): Promise<Judge> {
  if (spec.startsWith('qrels:')) return new QrelsJudge(spec.slice('qrels:'.length));
  if (spec !== 'auto' && spec !== 'llm' && spec !== 'graded') {
    throw new UsageError(`--judge must be auto, llm, graded or qrels:FILE, got "${spec}"`);
  }
  if (!llm)
    throw new UsageError(`the ${spec} judge needs a language model (--llm SPEC), or use --judge qrels:FILE`);
  let kind = spec;
  if (kind === 'auto') kind = (await llm.capabilities()).logProbs === 'exact' ? 'llm' : 'graded';
  return kind === 'llm' ? new LlmJudge(llm, options.llm) : new GradedJudge(llm, options.graded);
}
