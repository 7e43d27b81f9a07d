import { GeckoError } from '../errors/GeckoError.js';

/**
 * An evaluation could not run: a task folder is missing or malformed at the task level, a dataset cannot
 * be downloaded, or an embedder returned something unusable. `task` names the task (or dataset) at fault.
 * Malformed records inside data files raise `InputError` (with `file:line`) instead.
 */
export class EvaluationError extends GeckoError {
  override name = 'EvaluationError';
  readonly task: string;

  constructor(task: string, message: string, options: { cause?: unknown; code?: string } = {}) {
    super(`${task}: ${message}`, { code: options.code ?? 'EVAL', cause: options.cause });
    this.task = task;
  }
}

/** True when `e` is an {@link EvaluationError}. */
export function isEvaluationError(e: unknown): e is EvaluationError {
  return e instanceof EvaluationError;
}
