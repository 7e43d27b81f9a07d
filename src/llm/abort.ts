import { LlmError } from './errors/LlmError.js';

/** Throws an `LLM_ABORTED` error when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortError(what, signal.reason);
}

/** The error for a cancelled call. */
export function abortError(what: string, reason?: unknown): LlmError {
  return new LlmError(`${what} was cancelled.`, { code: 'LLM_ABORTED', cause: reason });
}
