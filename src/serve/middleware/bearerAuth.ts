import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ServeError } from '../ServeError.js';

export interface BearerAuthOptions {
  /** The key clients must send as `Authorization: Bearer <key>`. */
  apiKey: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Refuses requests without the right bearer token (401). Keys are compared as SHA-256 digests in constant
 * time, so neither the key's content nor its length leaks through timing.
 */
export function bearerAuth(options: BearerAuthOptions): MiddlewareHandler {
  const check = bearerChecker(options.apiKey);
  return async function bearerAuthHandler(c, next) {
    check(c.req.header('authorization'));
    await next();
  };
}

/**
 * A check of an `Authorization` header against the key (compared as SHA-256 digests in constant time).
 * @throws ServeError UNAUTHORIZED when the header is missing or holds another key.
 */
export function bearerChecker(apiKey: string): (header: string | undefined) => void {
  const expected = digest(apiKey);
  return (header) => {
    if (!header) {
      throw new ServeError(
        'UNAUTHORIZED',
        "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY'.",
      );
    }
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      throw new ServeError('UNAUTHORIZED', 'Incorrect API key provided.');
    }
  };
}
