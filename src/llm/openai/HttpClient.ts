/**
 * JSON-over-HTTP for the OpenAI-compatible provider: a concurrency limit, a per-attempt timeout, retries
 * by the written {@link RetryPolicy}, and cancellation. The API key goes only into the Authorization
 * header: never into errors, logs or return values.
 */
import type { Reporter } from '../../util/Reporter.js';
import { silentReporter } from '../../util/Reporter.js';
import { abortError } from '../abort.js';
import { ProviderHttpError } from '../errors/ProviderHttpError.js';
import { addRetry, type RetryCounts } from '../retries.js';
import { Semaphore } from '../Semaphore.js';
import { type Agents, createAgents, post, TransportError, type TransportResponse } from './httpTransport.js';
import { parseRetryAfter, type RetryPolicy, retryDelayMs } from './retryPolicy.js';

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  /** Base URL ending before the route, e.g. `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  apiKey?: string;
  /** Most requests in flight at once. */
  concurrency: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  retry: RetryPolicy;
  reporter?: Reporter;
  /** Random source of the jitter (tests make it deterministic). @default Math.random */
  random?: () => number;
}

/** Counters of what the client did. */
export interface HttpStats {
  /** Logical requests (one per `postJson` call). */
  requests: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  retries: number;
  /** Failed attempts by kind. */
  failures: { timeout: number; network: number; status: number; malformed: number };
}

/** A failed attempt: whether it may be retried, and the server's requested wait. */
interface AttemptFailure {
  retryable: boolean;
  /** The retry cause it counts as (see {@link RetryCounts}): `http <status>`, `timeout`, `network`, `bad-body`. */
  kind: string;
  status?: number;
  waitMs?: number;
  detail: string;
  cause?: unknown;
}

export class HttpClient {
  private readonly sem: Semaphore;
  private readonly reporter: Reporter;
  readonly stats: HttpStats = {
    requests: 0,
    attempts: 0,
    retries: 0,
    failures: { timeout: 0, network: 0, status: 0, malformed: 0 },
  };

  private readonly agents: Agents;

  constructor(private readonly options: HttpClientOptions) {
    this.sem = new Semaphore(options.concurrency);
    this.agents = createAgents(options.concurrency);
    this.reporter = options.reporter ?? silentReporter;
  }

  /**
   * POSTs `body` as JSON to `route` and returns the parsed JSON answer. Each retry is also counted by
   * cause in `retries` when given, so that callers can report the faults behind a call that succeeded.
   * @throws ProviderHttpError for a non-retryable status or when the retry cap is reached; LlmError
   * `LLM_ABORTED` when `signal` fires.
   */
  async postJson(
    route: string,
    body: unknown,
    signal?: AbortSignal,
    retries?: RetryCounts,
  ): Promise<unknown> {
    const url = `${this.options.baseUrl}${route}`;
    const target = new URL(url);
    const payload = JSON.stringify(body);
    const policy = this.options.retry;
    this.stats.requests++;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortError(`POST ${url}`, signal.reason);
      let failure: AttemptFailure;
      try {
        // The slot is held only while the request is in flight, not during backoff waits.
        const result = await this.sem.run(() => this.attempt(target, payload, signal), signal);
        if (result.ok) return result.value;
        failure = result.failure;
      } catch (e) {
        if (signal?.aborted) throw abortError(`POST ${url}`, signal.reason);
        throw e;
      }
      const retriesLeft = attempt <= policy.limit;
      if (!failure.retryable || !retriesLeft) {
        const why = failure.retryable
          ? `gave up after ${attempt} attempts (retry limit ${policy.limit})`
          : 'not retryable';
        throw new ProviderHttpError(`POST ${url} failed: ${failure.detail}; ${why}.`, {
          status: failure.status,
          url,
          attempts: attempt,
          cause: failure.cause,
        });
      }
      const delay = retryDelayMs(policy, attempt, failure.waitMs, this.options.random);
      this.stats.retries++;
      if (retries) addRetry(retries, failure.kind);
      this.reporter.debug(
        `POST ${url}: ${failure.detail}; retry ${attempt}/${policy.limit} in ${Math.round(delay)} ms`,
      );
      await sleep(delay, signal).catch(() => {
        throw abortError(`POST ${url}`, signal?.reason);
      });
    }
  }

  /** Closes idle keep-alive sockets (in-flight requests finish). */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async attempt(
    url: URL,
    payload: string,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; value: unknown } | { ok: false; failure: AttemptFailure }> {
    const policy = this.options.retry;
    this.stats.attempts++;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let res: TransportResponse;
    try {
      res = await post(url, payload, headers, {
        agents: this.agents,
        timeoutMs: this.options.timeoutMs,
        signal,
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      const kind = e instanceof TransportError && e.kind === 'timeout' ? 'timeout' : 'network';
      this.stats.failures[kind]++;
      const detail = kind === 'timeout' ? (e as Error).message : `network error (${(e as Error).message})`;
      return { ok: false, failure: { retryable: policy.retryNetworkErrors, kind, detail, cause: e } };
    }
    const text = res.text;
    if (res.status < 200 || res.status >= 300) {
      this.stats.failures.status++;
      const retryable = policy.statusCodes.includes(res.status);
      const waitMs = policy.afterStatusCodes.includes(res.status) ? parseRetryAfter(res.headers) : undefined;
      return {
        ok: false,
        failure: {
          retryable,
          kind: `http ${res.status}`,
          status: res.status,
          waitMs,
          detail: `HTTP ${res.status}: ${excerpt(text)}`,
        },
      };
    }
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (e) {
      this.stats.failures.malformed++;
      return {
        ok: false,
        failure: {
          retryable: policy.retryNetworkErrors,
          kind: 'bad-body',
          status: res.status,
          detail: `unparseable JSON body: ${excerpt(text)}`,
          cause: e,
        },
      };
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function excerpt(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 160 ? `${t.slice(0, 160)}…` : t || '(empty body)';
}
