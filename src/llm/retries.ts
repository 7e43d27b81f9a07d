/**
 * Counts of the retries a provider made inside one call, by cause. A call that succeeds after retries
 * looks like one call to its caller, so without these the faults behind it (HTTP errors, answers that were
 * not JSON) would be invisible in a job's statistics.
 *
 * Causes: `http <status>` (a retryable status), `timeout`, `network`, `bad-body` (a 2xx answer whose body
 * is not JSON), and for rejected JSON answers the {@link OutputProblem}: `not-json`, `schema`, `truncated`,
 * `no-content`.
 */
export type RetryCounts = Record<string, number>;

/** Why an answer was rejected as a JSON output (the `reason` of an `LLM_OUTPUT` error). */
export type OutputProblem = 'not-json' | 'schema' | 'truncated' | 'no-content';

/** Adds `n` retries for `cause` to `counts`. */
export function addRetry(counts: RetryCounts, cause: string, n = 1): void {
  counts[cause] = (counts[cause] ?? 0) + n;
}

/**
 * Adds every count of `from` (when given) to `into` and returns `into`.
 * @example
 * mergeRetries(total, generation.retries);
 */
export function mergeRetries(into: RetryCounts, from: Readonly<RetryCounts> | undefined): RetryCounts {
  if (from) for (const [cause, n] of Object.entries(from)) addRetry(into, cause, n);
  return into;
}

/** `cause n, cause n` in cause order, or `none`: the one-line form the CLI prints. */
export function formatRetries(counts: Readonly<RetryCounts>): string {
  const parts = Object.keys(counts)
    .sort()
    .map((cause) => `${cause} ${counts[cause]}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
