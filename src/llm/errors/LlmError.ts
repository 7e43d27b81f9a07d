import { GeckoError } from '../../errors/GeckoError.js';

/**
 * A language-model call failed for a reason other than HTTP transport (those are `ProviderHttpError`):
 * a missing dependency, an unloadable model, a capability the model lacks, output that does not parse.
 * `code` says which: `LLM_DEPENDENCY`, `LLM_MODEL`, `LLM_DOWNLOAD`, `LLM_CAPABILITY`, `LLM_OUTPUT`,
 * `LLM_SPEC`, `LLM_ABORTED`.
 */
export class LlmError extends GeckoError {
  override name = 'LlmError';
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, options);
  }
}

/** True when `e` is an {@link LlmError}, optionally with the given code. */
export function isLlmError(e: unknown, code?: string): e is LlmError {
  return e instanceof LlmError && (code === undefined || e.code === code);
}
