import { UsageError } from '../errors/UsageError.js';

/** What the server does with an input longer than `maxInputTokens`. */
export type LongInputPolicy = 'truncate' | 'reject';

/** Limits and settings of {@link createServer} / {@link startServer}. */
export interface ServeOptions {
  /** Name clients pass as `model` (and that `GET /v1/models` lists). @default 'gecko' */
  modelName?: string;
  /** Most inputs in one `/v1/embeddings` request (OpenAI's limit). @default 2048 */
  maxInputs?: number;
  /** Most tokens per input; the model's own `maxLength` caps it. @default the model's maxLength */
  maxInputTokens?: number;
  /** Longer inputs are cut (and counted) or refused with a 400. @default 'truncate' */
  longInputs?: LongInputPolicy;
  /** Largest request body in bytes; larger ones get a 413. @default 8 MiB */
  maxBodyBytes?: number;
  /** A request must be read and answered within this time, else 408. @default 30_000 */
  requestTimeoutMs?: number;
  /**
   * A client must send its request headers within this time, else the connection is closed (node's
   * `headersTimeout`). Short, as reverse proxies set it, so that trickled headers cannot hold sockets.
   * @default 10_000
   */
  headersTimeoutMs?: number;
  /**
   * Once the headers are in, the whole body must arrive within this time, else 408. A request counts against
   * `maxConcurrent` only after its body has arrived, so slow senders cannot lock other clients out.
   * @default 10_000
   */
  bodyTimeoutMs?: number;
  /** Requests being handled at once (counted once their body has arrived); more get a 429 with `Retry-After`. @default 256 */
  maxConcurrent?: number;
  /** When set, every `/v1/*` request must carry `Authorization: Bearer <apiKey>`. @default no auth */
  apiKey?: string | null;
  /** How long `close()` waits for requests in progress before cutting connections. @default 10_000 */
  shutdownGraceMs?: number;
  /**
   * Origins whose browser pages may call the server (CORS): `'*'` for any, or a list such as
   * `['https://app.example.com']`. Preflight `OPTIONS` requests are answered without a key. @default null (no CORS)
   */
  cors?: '*' | readonly string[] | null;
}

export type ResolvedServeOptions = Required<Omit<ServeOptions, 'maxInputTokens' | 'cors'>> & {
  maxInputTokens: number;
  cors: '*' | string[] | null;
};

export const DEFAULT_SERVE = {
  modelName: 'gecko',
  maxInputs: 2048,
  longInputs: 'truncate',
  maxBodyBytes: 8 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  maxConcurrent: 256,
  apiKey: null,
  shutdownGraceMs: 10_000,
  cors: null,
} as const satisfies Omit<ResolvedServeOptions, 'maxInputTokens'>;

const positiveInt = (name: string, v: number, max = Number.MAX_SAFE_INTEGER): number => {
  if (!Number.isInteger(v) || v <= 0) throw new UsageError(`${name} must be a positive integer, got ${v}`);
  if (v > max) throw new UsageError(`${name} must be at most ${max}, got ${v}`);
  return v;
};
/** Node's timers take at most 2³¹ − 1 ms; a larger delay fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Fills defaults and checks every limit before the server starts.
 * @throws {UsageError} when a limit is not a positive integer or the policy is unknown.
 */
export function resolveServeOptions(options: ServeOptions, modelMaxLength: number): ResolvedServeOptions {
  const longInputs = options.longInputs ?? DEFAULT_SERVE.longInputs;
  if (longInputs !== 'truncate' && longInputs !== 'reject') {
    throw new UsageError(`long-input policy must be "truncate" or "reject", got "${longInputs}"`);
  }
  const maxInputTokens = positiveInt('maxInputTokens', options.maxInputTokens ?? modelMaxLength);
  if (options.apiKey === '') throw new UsageError('the API key is empty; set a non-empty key or none');
  const modelName = options.modelName ?? DEFAULT_SERVE.modelName;
  if (modelName.length === 0) throw new UsageError('the model name must not be empty');
  return {
    modelName,
    maxInputs: positiveInt('maxInputs', options.maxInputs ?? DEFAULT_SERVE.maxInputs),
    maxInputTokens: Math.min(maxInputTokens, modelMaxLength),
    longInputs,
    maxBodyBytes: positiveInt('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_SERVE.maxBodyBytes),
    requestTimeoutMs: positiveInt(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? DEFAULT_SERVE.requestTimeoutMs,
      MAX_TIMEOUT_MS,
    ),
    headersTimeoutMs: positiveInt(
      'headersTimeoutMs',
      options.headersTimeoutMs ?? DEFAULT_SERVE.headersTimeoutMs,
      MAX_TIMEOUT_MS,
    ),
    bodyTimeoutMs: positiveInt(
      'bodyTimeoutMs',
      options.bodyTimeoutMs ?? DEFAULT_SERVE.bodyTimeoutMs,
      MAX_TIMEOUT_MS,
    ),
    maxConcurrent: positiveInt('maxConcurrent', options.maxConcurrent ?? DEFAULT_SERVE.maxConcurrent),
    apiKey: options.apiKey ?? null,
    shutdownGraceMs: positiveInt(
      'shutdownGraceMs',
      options.shutdownGraceMs ?? DEFAULT_SERVE.shutdownGraceMs,
      MAX_TIMEOUT_MS,
    ),
    cors: resolveCors(options.cors ?? DEFAULT_SERVE.cors),
  };
}

/**
 * Reads `--cors`: `*`, or origins separated by commas.
 * @throws {UsageError} naming the origin that is not one.
 * @example parseCorsOrigins('https://a.example,http://localhost:5173') // ['https://a.example', 'http://localhost:5173']
 */
export function parseCorsOrigins(value: string): '*' | string[] {
  const v = value.trim();
  if (v === '*') return '*';
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return resolveCors(list) as string[];
}

/**
 * Checks CORS origins: each must be an origin as a browser sends it in `Origin` (scheme, host, optional
 * port; no path, no trailing slash), since the match is exact.
 */
function resolveCors(cors: '*' | readonly string[] | null): '*' | string[] | null {
  if (cors === null || cors === '*') return cors;
  if (cors.length === 0) throw new UsageError('the CORS origin list is empty; give origins or "*"');
  return cors.map((o) => {
    let url: URL | undefined;
    try {
      url = new URL(o);
    } catch {
      url = undefined;
    }
    if (!url || url.origin === 'null' || url.origin !== o) {
      throw new UsageError(
        `CORS origin "${o}" is not an origin; expected scheme://host[:port] as browsers send it, e.g. https://app.example.com, or "*"`,
      );
    }
    return o;
  });
}
