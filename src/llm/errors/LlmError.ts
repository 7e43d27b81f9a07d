import { GeckoError } from '../../errors/GeckoError.js';
import type { OutputProblem, RetryCounts } from '../retries.js';
import type { TokenUsage } from '../types.js';

/**
 * A language-model call failed for a reason other than HTTP transport (those are `ProviderHttpError`):
 * a missing dependency, an unloadable model, a capability the model lacks, output that does not parse.
 * `code` says which: `LLM_DEPENDENCY`, `LLM_MODEL`, `LLM_DOWNLOAD`, `LLM_CAPABILITY`, `LLM_OUTPUT`,
 * `LLM_SPEC`, `LLM_ABORTED`, `LLM_OFFLINE` (a cache-only model was asked for a call it does not hold).
 */
export class LlmError extends GeckoError {
  override name = 'LlmError';
  /**
   * Tokens the failed call still cost (an `LLM_OUTPUT` answer was generated, then rejected), so callers
   * can account for them; undefined when nothing was generated.
   */
  usage?: TokenUsage;
  /** For `LLM_OUTPUT`: what was wrong with the answer (it is not JSON, breaks the schema, was cut off). */
  reason?: OutputProblem;
  /** The retries the failed call made before giving up, by cause (see {@link RetryCounts}). */
  retries?: RetryCounts;

  constructor(
    message: string,
    options: { code: string; cause?: unknown; usage?: TokenUsage; reason?: OutputProblem },
  ) {
    super(message, options);
    if (options.usage) this.usage = options.usage;
    if (options.reason) this.reason = options.reason;
  }
}

/** True when `e` is an {@link LlmError}, optionally with the given code. */
export function isLlmError(e: unknown, code?: string): e is LlmError {
  return e instanceof LlmError && (code === undefined || e.code === code);
}

/** The tokens a failed call cost ({@link LlmError.usage}), zero when unknown. */
export function failedCallUsage(e: unknown): TokenUsage {
  const u = e instanceof LlmError ? e.usage : undefined;
  return { promptTokens: u?.promptTokens ?? 0, completionTokens: u?.completionTokens ?? 0 };
}
