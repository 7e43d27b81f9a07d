import { GeckoError } from '../errors/GeckoError.js';
import { clip } from '../util/clip.js';

/** Error codes the server answers with, and the HTTP status each maps to (one table, used by `onError`). */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  USAGE: 400,
  INPUT: 400,
  INVALID_REQUEST: 400,
  INPUT_TOO_LONG: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  MODEL_NOT_FOUND: 404,
  NO_CORPUS: 404,
  NO_INDEX: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  SHUTTING_DOWN: 503,
};

/** OpenAI's error `type` for a status: clients such as the `openai` SDK branch on the status, people on this. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 404) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * A request the server refuses. `code` selects the status through {@link STATUS_BY_CODE}; `param` names the
 * request field at fault, as OpenAI's error object does.
 */
export class ServeError extends GeckoError {
  override name = 'ServeError';
  readonly param: string | null;

  constructor(code: string, message: string, options: { param?: string | null; cause?: unknown } = {}) {
    super(message, { code, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.param = options.param ?? null;
  }
}

/** True when `e` is a {@link ServeError}. */
export function isServeError(e: unknown): e is ServeError {
  return e instanceof ServeError;
}

/** The shorthand for a 400 naming the field at fault. */
export function invalid(param: string, message: string): ServeError {
  return new ServeError('INVALID_REQUEST', message, { param });
}

/**
 * The refusals that both the Hono middleware and the node:http fast path (`fastEmbeddings.ts`) answer with,
 * built in one place so the two paths say the same thing.
 */
export const refusals = {
  shuttingDown: (): ServeError =>
    new ServeError('SHUTTING_DOWN', 'The server is shutting down; retry on another instance.'),
  tooManyRequests: (maxConcurrent: number): ServeError =>
    new ServeError(
      'TOO_MANY_REQUESTS',
      `Too many requests in progress (limit ${maxConcurrent}); retry shortly.`,
    ),
  timedOut: (ms: number): ServeError =>
    new ServeError('REQUEST_TIMEOUT', `The request was not completed within ${ms} ms.`),
  bodyTimedOut: (ms: number): ServeError =>
    new ServeError('REQUEST_TIMEOUT', `The request body did not arrive within ${ms} ms.`, { param: 'body' }),
  tooLarge: (maxBodyBytes: number): ServeError =>
    new ServeError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes.`, {
      param: 'body',
    }),
  modelNotFound: (asked: string, served: string): ServeError =>
    new ServeError(
      'MODEL_NOT_FOUND',
      `The model '${clip(asked)}' does not exist; this server serves '${served}'`,
      {
        param: 'model',
      },
    ),
};
