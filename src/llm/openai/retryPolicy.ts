/**
 * The written retry policy of the HTTP provider (after ky's RetryOptions): which failures are retried, how
 * many times, and how long to wait. Pure functions, so the timing is unit-testable.
 */

/** When and how to retry a failed request. */
export interface RetryPolicy {
  /** Retries after the first attempt (so at most `limit + 1` requests). @default 5 */
  limit: number;
  /** Statuses that are retried. @default [408, 409, 425, 429, 500, 502, 503, 504] */
  statusCodes: readonly number[];
  /** Statuses whose `Retry-After` / `retry-after-ms` header sets the wait. @default [413, 429, 503] */
  afterStatusCodes: readonly number[];
  /** Longest server-requested wait honoured; longer requests wait this long. @default 60_000 */
  maxRetryAfterMs: number;
  /** First backoff delay; doubles each retry. @default 500 */
  baseDelayMs: number;
  /** Cap of the exponential backoff. @default 20_000 */
  backoffLimitMs: number;
  /**
   * Jitter fraction in [0, 1]: the delay is scaled by a random factor in [1 - jitter, 1], so that
   * clients failing together don't retry together. @default 0.5
   */
  jitter: number;
  /** Retry network errors, timeouts and unreadable or malformed bodies. @default true */
  retryNetworkErrors: boolean;
}

/** The defaults of {@link RetryPolicy}. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  limit: 5,
  statusCodes: [408, 409, 425, 429, 500, 502, 503, 504],
  afterStatusCodes: [413, 429, 503],
  maxRetryAfterMs: 60_000,
  baseDelayMs: 500,
  backoffLimitMs: 20_000,
  jitter: 0.5,
  retryNetworkErrors: true,
});

/** Fills a partial policy with the defaults and checks the numbers. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...partial };
  for (const k of ['limit', 'maxRetryAfterMs', 'baseDelayMs', 'backoffLimitMs'] as const) {
    if (!Number.isFinite(p[k]) || p[k] < 0)
      throw new RangeError(`retry.${k} must be a non-negative number, got ${p[k]}`);
  }
  if (!(p.jitter >= 0 && p.jitter <= 1))
    throw new RangeError(`retry.jitter must be in [0, 1], got ${p.jitter}`);
  return p;
}

/**
 * The server-requested wait in ms from `retry-after-ms` (OpenAI) or `Retry-After` (seconds or an HTTP
 * date), or undefined when absent or unparseable.
 */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const v = headers.get('retry-after');
  if (v === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `retry` (1-based): the server's requested wait (capped) when given
 * for a status in `afterStatusCodes`, else jittered exponential backoff.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  retry: number,
  serverWaitMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (serverWaitMs !== undefined) return Math.min(serverWaitMs, policy.maxRetryAfterMs);
  const exp = Math.min(policy.backoffLimitMs, policy.baseDelayMs * 2 ** (retry - 1));
  return exp * (1 - policy.jitter * random());
}
