import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StaticModel } from '../model/StaticModel.js';
import type { ServeMetrics } from './metrics.js';
import type { ServerState } from './middleware/admission.js';
import { bearerChecker } from './middleware/bearerAuth.js';
import { errorToBody } from './onError.js';
import type { ResolvedServeOptions } from './options.js';
import { parseJsonBody } from './readJsonBody.js';
import { createEmbeddingsAnswerer } from './routes/embeddings.js';
import { refusals } from './ServeError.js';

export interface FastEmbeddingsDeps {
  model: StaticModel;
  options: ResolvedServeOptions;
  state: ServerState;
  metrics: ServeMetrics;
  onUnexpectedError?: (e: unknown) => void;
}

/**
 * `POST /v1/embeddings` on plain node:http, for the socket server. Why: embedding a sentence takes ~16 µs,
 * but going through @hono/node-server (a WHATWG Request and Response per call, web streams for the body)
 * costs ~10x that, which capped single-sentence throughput (bench/serve.bench.ts). The checks and answers are
 * the Hono app's own pieces (bearer check, body limit and timeout, admission counters, request validation,
 * response building, error mapping), so both paths answer byte for byte alike; every other route, and
 * `createApp` for in-process use, stays on Hono. With CORS on, requests from browser pages (an `Origin`
 * header) go to Hono too, so that its CORS middleware alone decides their headers; pages make few requests.
 * Metrics are recorded here as the Hono app records them.
 *
 * Returns a listener that handles the request and returns true, or returns false to pass it on.
 */
export function createFastEmbeddings(
  deps: FastEmbeddingsDeps,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { options, state, metrics } = deps;
  const answer = createEmbeddingsAnswerer(deps);
  const checkKey = options.apiKey !== null ? bearerChecker(options.apiKey) : null;
  const corsOn = options.cors !== null;
  return (req, res) => {
    if (req.method !== 'POST' || !isEmbeddingsPath(req.url)) return false;
    if (corsOn && req.headers.origin !== undefined) return false;
    const t0 = performance.now();
    const reply = (status: number, json: string, headers: Record<string, string>): void => {
      if (!send(res, status, json, headers, state.shuttingDown)) return;
      metrics.request('/v1/embeddings', 'POST', status, (performance.now() - t0) / 1000);
    };
    const fail = (e: unknown, headers: Record<string, string> = {}): void => {
      const { status, body } = errorToBody(e, deps.onUnexpectedError);
      reply(status, JSON.stringify(body), headers);
    };
    if (state.shuttingDown) {
      fail(refusals.shuttingDown());
      return true;
    }
    try {
      checkKey?.(req.headers.authorization);
    } catch (e) {
      fail(e);
      return true;
    }
    if (Number(req.headers['content-length'] ?? 0) > options.maxBodyBytes) {
      fail(refusals.tooLarge(options.maxBodyBytes));
      req.resume();
      return true;
    }
    // The body is read before the request is admitted: one that trickles in holds no concurrency slot, and
    // is cut off once its time is up.
    let done = false;
    const stop = (e: unknown, headers: Record<string, string> = {}): void => {
      done = true;
      clearTimeout(timer);
      fail(e, headers);
    };
    const bodyMs = Math.min(options.bodyTimeoutMs, options.requestTimeoutMs);
    const timer = setTimeout(() => {
      if (done) return;
      stop(refusals.bodyTimedOut(bodyMs), { connection: 'close' });
      req.destroy();
    }, bodyMs);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > options.maxBodyBytes) {
        stop(refusals.tooLarge(options.maxBodyBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      done = true;
      clearTimeout(timer);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (state.inFlight >= options.maxConcurrent) {
        state.refused++;
        fail(refusals.tooManyRequests(options.maxConcurrent), { 'Retry-After': '1' });
        return;
      }
      // Embedding is synchronous, so the request is in flight only while it is answered.
      state.inFlight++;
      try {
        const { body, truncated } = answer(parseJsonBody(Buffer.concat(chunks).toString('utf8')));
        const headers: Record<string, string> =
          truncated > 0 ? { 'X-Gecko-Truncated-Inputs': String(truncated) } : {};
        reply(200, JSON.stringify(body), headers);
      } catch (e) {
        fail(e);
      } finally {
        state.inFlight--;
        state.served++;
      }
    });
    return true;
  };
}

function isEmbeddingsPath(url: string | undefined): boolean {
  if (!url) return false;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return path === '/v1/embeddings';
}

/** Writes the answer; false when one was already sent. */
function send(
  res: ServerResponse,
  status: number,
  json: string,
  headers: Record<string, string>,
  close: boolean,
): boolean {
  if (res.headersSent) return false;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    ...headers,
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(json);
  return true;
}
