import type { MiddlewareHandler } from 'hono';
import { refusals } from '../ServeError.js';

/** Counters shared by the admission middleware, the health route and graceful shutdown. */
export interface ServerState {
  inFlight: number;
  served: number;
  refused: number;
  truncatedInputs: number;
  shuttingDown: boolean;
}

export function createServerState(): ServerState {
  return { inFlight: 0, served: 0, refused: 0, truncatedInputs: 0, shuttingDown: false };
}

export interface AdmissionOptions {
  state: ServerState;
  /** Requests in progress at once. */
  maxConcurrent: number;
}

/**
 * Admits a request or refuses it: 503 once shutdown has begun (so load balancers move on), 429 with
 * `Retry-After` above `maxConcurrent` requests in progress (the `openai` SDK retries those). Refusing early
 * bounds the memory held by bodies being read and replies waiting for the event loop.
 */
export function admission(options: AdmissionOptions): MiddlewareHandler {
  const { state, maxConcurrent } = options;
  return async function admissionHandler(c, next) {
    if (state.shuttingDown) {
      c.header('Connection', 'close');
      throw refusals.shuttingDown();
    }
    if (state.inFlight >= maxConcurrent) {
      state.refused++;
      c.header('Retry-After', '1');
      throw refusals.tooManyRequests(maxConcurrent);
    }
    state.inFlight++;
    try {
      await next();
    } finally {
      state.inFlight--;
      state.served++;
    }
  };
}
