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
    const { status, body } = errorToBody(e, onUnexpected);
    return c.json(body, status as ContentfulStatusCode);
  };
}

/**
 * The status and OpenAI-shaped body for any thrown value: `GeckoError.code` picks the status through
 * `STATUS_BY_CODE`; anything else is a 500 reported to `onUnexpected`. Shared with the node:http fast path.
 */
export function errorToBody(
  e: unknown,
  onUnexpected: (e: unknown) => void = () => {},
): { status: number; body: OpenAiErrorBody } {
  const make = (status: number, message: string, param: string | null, code: string | null) => ({
    status,
    body: { error: { message, type: openAiErrorType(status), param, code } },
  });
  if (isGeckoError(e)) {
    const status = STATUS_BY_CODE[e.code] ?? 500;
    if (status === 500) onUnexpected(e);
    return make(status, e.message, isServeError(e) ? e.param : null, e.code.toLowerCase());
  }
  if (e instanceof HTTPException) return make(e.status, e.message || 'request refused', null, null);
  onUnexpected(e);
  return make(500, 'The server failed to handle the request.', null, 'internal_error');
}
