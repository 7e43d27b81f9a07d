import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isGeckoError } from '../errors/GeckoError.js';
import { isServeError, openAiErrorType, STATUS_BY_CODE } from './ServeError.js';

/** OpenAI's error body: clients (the `openai` SDK, LangChain) read `error.message`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Writes an error in OpenAI's shape with `status`. */
export function errorResponse(
  c: Context,
  status: number,
  message: string,
  param: string | null = null,
  code: string | null = null,
): Response {
  const body: OpenAiErrorBody = { error: { message, type: openAiErrorType(status), param, code } };
  return c.json(body, status as ContentfulStatusCode);
}

/**
 * The one place where errors become HTTP answers: a `GeckoError`'s `code` picks the status from
 * `STATUS_BY_CODE` (any other gecko error is the caller's fault only if it is a usage error, else 500);
 * unexpected errors are 500 without internals, reported through `onUnexpected`.
 */
export function createOnError(onUnexpected: (e: unknown) => void = () => {}): ErrorHandler {
  return function onError(e, c) {
    if (isGeckoError(e)) {
      const status = STATUS_BY_CODE[e.code] ?? 500;
      if (status === 500) onUnexpected(e);
      const param = isServeError(e) ? e.param : null;
      return errorResponse(c, status, e.message, param, e.code.toLowerCase());
    }
    if (e instanceof HTTPException) {
      return errorResponse(c, e.status, e.message || 'request refused', null, null);
    }
    onUnexpected(e);
    return errorResponse(c, 500, 'The server failed to handle the request.', null, 'internal_error');
  };
}
