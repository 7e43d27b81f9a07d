import { GeckoError } from '../../errors/GeckoError.js';

/**
 * An HTTP request to a model endpoint failed for good: a non-retryable status, or the retry cap was reached.
 * The message names the request (method, URL without credentials), the last status or network error and
 * the number of attempts. The API key is never part of it.
 */
export class ProviderHttpError extends GeckoError {
  override name = 'ProviderHttpError';
  /** Last HTTP status, or undefined for a network error / timeout / unreadable body. */
  readonly status: number | undefined;
  readonly url: string;
  readonly attempts: number;

  constructor(message: string, fields: { status?: number; url: string; attempts: number; cause?: unknown }) {
    super(message, { code: 'LLM_HTTP', cause: fields.cause });
    this.status = fields.status;
    this.url = fields.url;
    this.attempts = fields.attempts;
  }
}

/** True when `e` is a {@link ProviderHttpError}. */
export function isProviderHttpError(e: unknown): e is ProviderHttpError {
  return e instanceof ProviderHttpError;
}
