import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StaticModel } from '../model/StaticModel.js';
import type { ServeMetrics } from './metrics.js';
import type { ServerState } from './middleware/admission.js';
import { bearerChecker } from './middleware/bearerAuth.js';
import { errorToBody } from './onError.js';
import type { ResolvedServeOptions } from './options.js';
import { parseJsonBody } from './readJsonBody.js';
import { createEmbeddingsAnswerer, type EmbeddingsAnswer } from './routes/embeddings.js';
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
  const { options } = deps;
  const ctx: FastContext = {
    deps,
    answer: createEmbeddingsAnswerer(deps),
    checkKey: options.apiKey !== null ? bearerChecker(options.apiKey) : null,
  };
  const corsOn = options.cors !== null;
  return (req, res) => {
    if (req.method !== 'POST' || !isEmbeddingsPath(req.url)) return false;
    if (corsOn && req.headers.origin !== undefined) return false;
    const t0 = performance.now();
    if (!refusedBeforeBody(ctx, req, res, t0)) readBody(ctx, req, res, t0);
    return true;
  };
}

/**
 * What every request of one listener shares, built once. The per-request steps below are plain functions
 * taking it (and the request's response and start time) rather than closures made per request: this is the
 * hot path, and a closure per step would be an allocation per request.
 */
interface FastContext {
  deps: FastEmbeddingsDeps;
  answer: (json: unknown) => EmbeddingsAnswer;
  checkKey: ((header: string | undefined) => void) | null;
}

/** The checks that need no body (shutdown, key, declared size); true when one refused the request. */
function refusedBeforeBody(ctx: FastContext, req: IncomingMessage, res: ServerResponse, t0: number): boolean {
  const { options, state } = ctx.deps;
  if (state.shuttingDown) {
    fail(ctx, res, t0, refusals.shuttingDown());
    return true;
  }
  try {
    ctx.checkKey?.(req.headers.authorization);
  } catch (e) {
    fail(ctx, res, t0, e);
    return true;
  }
  if (Number(req.headers['content-length'] ?? 0) > options.maxBodyBytes) {
    fail(ctx, res, t0, refusals.tooLarge(options.maxBodyBytes));
    req.resume();
    return true;
  }
  return false;
}

/**
 * Reads the body, then answers it. The body is read before the request is admitted: one that trickles in
 * holds no concurrency slot, and is cut off once its time is up.
 */
function readBody(ctx: FastContext, req: IncomingMessage, res: ServerResponse, t0: number): void {
  const { options } = ctx.deps;
  let done = false;
  const stop = (e: unknown, headers: Record<string, string> = {}): void => {
    done = true;
    clearTimeout(timer);
    fail(ctx, res, t0, e, headers);
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
    answerBody(ctx, res, t0, chunks);
  });
}

/** Admits the request (or refuses it when the server is full) and answers its body. */
function answerBody(ctx: FastContext, res: ServerResponse, t0: number, chunks: Buffer[]): void {
  const { options, state } = ctx.deps;
  if (state.inFlight >= options.maxConcurrent) {
    state.refused++;
    fail(ctx, res, t0, refusals.tooManyRequests(options.maxConcurrent), { 'Retry-After': '1' });
    return;
  }
  // Embedding is synchronous, so the request is in flight only while it is answered.
  state.inFlight++;
  try {
    const { body, truncated } = ctx.answer(parseJsonBody(Buffer.concat(chunks).toString('utf8')));
    const headers: Record<string, string> =
      truncated > 0 ? { 'X-Gecko-Truncated-Inputs': String(truncated) } : {};
    reply(ctx, res, t0, 200, JSON.stringify(body), headers);
  } catch (e) {
    fail(ctx, res, t0, e);
  } finally {
    state.inFlight--;
    state.served++;
  }
}

/** Sends the answer (unless one was sent) and records it in the metrics, as the Hono app does. */
function reply(
  ctx: FastContext,
  res: ServerResponse,
  t0: number,
  status: number,
  json: string,
  headers: Record<string, string>,
): void {
  if (!send(res, status, json, headers, ctx.deps.state.shuttingDown)) return;
  ctx.deps.metrics.request('/v1/embeddings', 'POST', status, (performance.now() - t0) / 1000);
}

/** Answers an error with the status and body the Hono app's error mapping gives it. */
function fail(
  ctx: FastContext,
  res: ServerResponse,
  t0: number,
  e: unknown,
  headers: Record<string, string> = {},
): void {
  const { status, body } = errorToBody(e, ctx.deps.onUnexpectedError);
  reply(ctx, res, t0, status, JSON.stringify(body), headers);
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
