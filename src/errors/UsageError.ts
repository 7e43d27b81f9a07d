import { GeckoError } from './GeckoError.js';

/**
 * The caller asked for something malformed (a bad option value, a missing argument). The CLI exits with
 * code 2 for these; everything else is a runtime failure (exit 1).
 */
export class UsageError extends GeckoError {
  override name = 'UsageError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { code: 'USAGE', ...options });
  }
}

export function isUsageError(e: unknown): e is UsageError {
  return e instanceof UsageError;
}
