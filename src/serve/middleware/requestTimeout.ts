import type { MiddlewareHandler } from 'hono';
import { refusals } from '../ServeError.js';

export interface RequestTimeoutOptions {
  ms: number;
}

/**
 * Answers 408 when a request is not received and handled within `ms` in all: the overall bound above
 * `receiveBody`'s body timeout. Node's own `requestTimeout` and `headersTimeout` back this up for requests
 * that never finish their headers.
 */
export function requestTimeout(options: RequestTimeoutOptions): MiddlewareHandler {
  return async function requestTimeoutHandler(_c, next) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(refusals.timedOut(options.ms)), options.ms);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
