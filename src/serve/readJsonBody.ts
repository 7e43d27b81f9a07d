import type { Context } from 'hono';
import { ServeError } from './ServeError.js';

/**
 * Reads and parses a JSON body, whatever the `Content-Type` says (curl's default form type included), and
 * turns malformed JSON into a 400 that quotes the parser.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  return parseJsonBody(await c.req.text());
}

/** Parses a request body's text, with the same 400s as {@link readJsonBody}. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0)
    throw new ServeError('INVALID_REQUEST', 'The request body is empty; send a JSON object.', {
      param: 'body',
    });
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ServeError('INVALID_REQUEST', `The request body is not valid JSON: ${(e as Error).message}`, {
      param: 'body',
      cause: e,
    });
  }
}
