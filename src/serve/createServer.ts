import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { GeckoError } from '../errors/GeckoError.js';
import { UsageError } from '../errors/UsageError.js';
import type { CorpusSearcher } from '../index/CorpusSearcher.js';
import type { StaticModel } from '../model/StaticModel.js';
import { clip } from '../util/clip.js';
import { allowedMethods } from './allowedMethods.js';
import { createFastEmbeddings } from './fastEmbeddings.js';
import { createServeMetrics, type ServeMetrics } from './metrics.js';
import { admission, createServerState, type ServerState } from './middleware/admission.js';
import { bearerAuth } from './middleware/bearerAuth.js';
import { receiveBody } from './middleware/receiveBody.js';
import { requestTimeout } from './middleware/requestTimeout.js';
import { createOnError, errorResponse } from './onError.js';
import { type ResolvedServeOptions, resolveServeOptions, type ServeOptions } from './options.js';
import { embeddingsRoute } from './routes/embeddings.js';
import { healthRoute } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { modelsRoute } from './routes/models.js';
import { searchRoute } from './routes/search.js';

/** What the app serves. */
export interface ServeDeps {
  model: StaticModel;
  /** Enables `POST /v1/search`. @default null */
  searcher?: CorpusSearcher | null;
  /** Called with errors that became a 500, for logging. */
  onUnexpectedError?: (e: unknown) => void;
}

/** The hono app and its live counters, without a socket: for tests (`app.request`) and custom hosting. */
export interface GeckoApp {
  app: Hono;
  state: ServerState;
  options: ResolvedServeOptions;
  /** What `GET /metrics` exposes. */
  metrics: ServeMetrics;
}

/** Headers a browser page may read from answers (CORS hides all but a few by default). */
const EXPOSED_HEADERS = ['X-Gecko-Truncated-Inputs', 'Retry-After'];

/**
 * Builds the HTTP app: `GET /health`, `GET /metrics`, and under `/v1` (behind the optional bearer key)
 * `POST /embeddings`, `GET /models`, `POST /search`. Every error leaves through one `onError` in OpenAI's
 * error shape. With `cors`, hono's CORS middleware answers preflights ahead of the key check.
 *
 * @throws {UsageError} for bad limits.
 * @example
 * const { app } = createApp({ model }, { apiKey: process.env.GECKO_API_KEY });
 */
export function createApp(deps: ServeDeps, serveOptions: ServeOptions = {}): GeckoApp {
  const options = resolveServeOptions(serveOptions, deps.model.maxLength);
  const state = createServerState();
  const startedAt = Date.now();
  const metrics = createServeMetrics(state, { name: options.modelName, dimensions: deps.model.dimensions });
  const v1 = new Hono();
  v1.use('*', requestTimeout({ ms: options.requestTimeoutMs }));
  if (options.apiKey !== null) v1.use('*', bearerAuth({ apiKey: options.apiKey }));
  // The body first, then admission: a request counts against maxConcurrent only once its body is here.
  v1.use('*', receiveBody({ maxBytes: options.maxBodyBytes, timeoutMs: options.bodyTimeoutMs }));
  v1.use('*', admission({ state, maxConcurrent: options.maxConcurrent }));
  v1.route('/', embeddingsRoute({ model: deps.model, options, state, metrics }));
  v1.route(
    '/',
    modelsRoute({ model: deps.model, modelName: options.modelName, created: Math.floor(startedAt / 1000) }),
  );
  v1.route('/', searchRoute({ searcher: deps.searcher ?? null, maxK: 1000 }));
  const app = new Hono();
  // First, so that every answer is counted, errors and refusals included (onError has run by `next`'s end).
  app.use('*', async function recordMetrics(c, next) {
    const t0 = performance.now();
    await next();
    metrics.request(c.req.path, c.req.method, c.res.status, (performance.now() - t0) / 1000);
  });
  if (options.cors !== null) {
    app.use(
      '*',
      cors({
        origin: options.cors,
        allowMethods: ['GET', 'HEAD', 'POST', 'OPTIONS'],
        // allowHeaders unset: the preflight's requested headers are allowed (the openai SDK adds its own
        // x-stainless-* headers), Authorization included.
        exposeHeaders: EXPOSED_HEADERS,
        maxAge: 600,
      }),
    );
  }
  // During shutdown every answer closes its connection, so keep-alive sockets do not hold `close()` open.
  app.use('*', async function closeWhenShuttingDown(c, next) {
    await next();
    if (state.shuttingDown) c.res.headers.set('Connection', 'close');
  });
  app.route('/', healthRoute({ model: deps.model, modelName: options.modelName, state, startedAt }));
  app.route('/', metricsRoute(metrics));
  app.route('/v1', v1);
  const allowed = allowedMethods(app);
  app.notFound((c) => {
    const methods = allowed(c.req.path);
    if (methods.length > 0) {
      c.header('Allow', methods.join(', '));
      return errorResponse(
        c,
        405,
        `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(' or ')}.`,
        null,
        'method_not_allowed',
      );
    }
    return errorResponse(c, 404, `No route for ${c.req.method} ${clip(c.req.path)}.`, null, 'not_found');
  });
  app.onError(createOnError(deps.onUnexpectedError));
  return { app, state, options, metrics };
}

export interface ListenOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 8080 */
  port?: number;
}

/** A listening server. */
export interface RunningServer {
  url: string;
  port: number;
  state: ServerState;
  /** Graceful shutdown: refuse new requests, finish those in progress (up to the grace time), close. */
  close(): Promise<void>;
}

/**
 * Starts the app on a socket. Node's `headersTimeout` bounds how long the headers may take to arrive and
 * `bodyTimeoutMs` the body after them, so slow clients cannot hold connections, and a request counts against
 * `maxConcurrent` only once its body is in; `close()` drains in-flight requests.
 *
 * @example
 * const server = await startServer({ model }, { port: 0 });
 * console.log(server.url); await server.close();
 */
export async function startServer(
  deps: ServeDeps,
  options: ServeOptions & ListenOptions = {},
): Promise<RunningServer> {
  const { app, state, options: resolved, metrics } = createApp(deps, options);
  const honoListener = getRequestListener(app.fetch);
  const fast = createFastEmbeddings({
    model: deps.model,
    options: resolved,
    state,
    metrics,
    onUnexpectedError: deps.onUnexpectedError,
  });
  const server = createServer(
    {
      requestTimeout: resolved.requestTimeoutMs,
      headersTimeout: Math.min(resolved.headersTimeoutMs, resolved.requestTimeoutMs),
      // Node checks the two timeouts above only this often (30 s by default), which would stretch them.
      connectionsCheckingInterval: Math.min(1_000, resolved.headersTimeoutMs),
    },
    (req, res) => {
      if (!fast(req, res)) void honoListener(req, res);
    },
  );
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  const listenPort = options.port ?? 8080;
  if (!Number.isInteger(listenPort) || listenPort < 0 || listenPort > 65_535)
    throw new UsageError(`port must be an integer from 0 to 65535 (0 picks a free one), got ${listenPort}`);
  await new Promise<void>((resolve, reject) => {
    // The address is taken, not ours to bind or unknown: one clear line, not an internal error.
    const onListenError = (e: NodeJS.ErrnoException): void =>
      reject(
        e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND'
          ? new GeckoError(`cannot listen on ${host}:${listenPort}: ${e.code} (${e.message})`, {
              code: 'LISTEN',
              cause: e,
            })
          : e,
      );
    server.once('error', onListenError);
    server.listen(listenPort, host, () => {
      server.off('error', onListenError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      state.shuttingDown = true;
      const force = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections();
      }, resolved.shutdownGraceMs);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      // Idle keep-alive sockets would hold `close` open until they time out.
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    });
    return closing;
  };
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, state, close };
}
