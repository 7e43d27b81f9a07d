/**
 * A loopback OpenAI-compatible server for tests and benchmarks: default routes for `/v1/chat/completions`,
 * `/v1/completions` (echo + logprobs) and `/v1/embeddings` backed by a deterministic fake model, per-route
 * handlers that tests can replace, scripted faults (429 + Retry-After, 5xx, slow answers, malformed JSON,
 * truncated bodies, dropped connections) and request counters.
 *
 * @example
 * const server = await startOpenAIServer({ faults: (req) => (req.seq % 5 === 0 ? { kind: 'status', status: 500 } : undefined) });
 * const llm = createOpenAIProvider({ baseUrl: server.baseUrl, model: 'fake' });
 * ...
 * expect(server.count('/v1/chat/completions')).toBe(10);
 * await server.close();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultRoutes, type FakeFeatures } from './routes.js';

/** A request as handlers see it. */
export interface ServerRequest {
  method: string;
  /** Path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
  /** 1-based arrival number over all routes. */
  seq: number;
  /** 1-based arrival number on this path. */
  routeSeq: number;
}

/** What a handler answers. */
export interface RouteResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as is (wins over `json`). */
  raw?: string;
}

export type RouteHandler = (req: ServerRequest) => RouteResponse | Promise<RouteResponse>;

/** A scripted fault for one request. */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; retryAfterMs?: number; body?: string }
  | { kind: 'slow'; ms: number }
  | { kind: 'malformed' }
  | { kind: 'truncated' }
  | { kind: 'drop' };

/** Options of {@link startOpenAIServer}. */
export interface OpenAIServerOptions {
  /** Decides a fault per request (undefined: answer normally). @default no faults */
  faults?: (req: ServerRequest) => Fault | undefined;
  /** Which features the default routes support. @default all true */
  features?: Partial<FakeFeatures>;
  /** Extra or replacement routes, keyed `POST /v1/...`. @default {} */
  routes?: Record<string, RouteHandler>;
}

export interface OpenAIServer {
  /** e.g. `http://127.0.0.1:41234/v1`. */
  baseUrl: string;
  /** Requests received on `path` (all paths when omitted). */
  count(path?: string): number;
  /** Successful (2xx, fully sent) answers on `path` (all when omitted). */
  okCount(path?: string): number;
  /** Every request received, in arrival order. */
  readonly log: ServerRequest[];
  /** Authorization headers seen (to check keys are sent, and only where they should be). */
  readonly authHeaders: string[];
  /** Replaces or adds the handler of `POST path`. */
  route(path: string, handler: RouteHandler): void;
  /** Replaces the fault script. */
  setFaults(faults: OpenAIServerOptions['faults']): void;
  /** Clears counters and the log. */
  reset(): void;
  close(): Promise<void>;
}

/** Starts the server on an ephemeral loopback port. */
export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const routes = new Map<string, RouteHandler>(
    Object.entries({ ...defaultRoutes(options.features), ...options.routes }),
  );
  let faults = options.faults;
  const log: ServerRequest[] = [];
  const authHeaders: string[] = [];
  const counts = new Map<string, number>();
  const oks = new Map<string, number>();
  let seq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0] as string;
    const routeSeq = (counts.get(path) ?? 0) + 1;
    counts.set(path, routeSeq);
    const request: ServerRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      seq: ++seq,
      routeSeq,
    };
    log.push(request);
    if (req.headers.authorization) authHeaders.push(req.headers.authorization);
    const fault = faults?.(request);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      res
        .writeHead(fault.status, headers)
        .end(fault.body ?? JSON.stringify({ error: { message: `scripted ${fault.status}` } }));
      return;
    }
    const handler = routes.get(`${request.method} ${path}`);
    const answer: RouteResponse = handler
      ? await handler(request)
      : { status: 404, json: { error: { message: `no route ${request.method} ${path}` } } };
    const status = answer.status ?? 200;
    let payload = answer.raw ?? JSON.stringify(answer.json ?? {});
    if (fault?.kind === 'malformed')
      payload = `${payload.slice(0, Math.floor(payload.length / 2))}<<not json>>`;
    if (res.destroyed) return; // the client gave up (timeout) while the handler ran
    if (fault?.kind === 'truncated') {
      // Promise a full body, send half, then cut the connection.
      const buf = Buffer.from(payload);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(buf.length) });
      res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.destroy());
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', ...answer.headers });
    res.end(payload, () => {
      if (status < 300 && fault === undefined) oks.set(path, (oks.get(path) ?? 0) + 1);
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(e));
    });
  });
  // Many concurrent keep-alive clients in tests and benchmarks.
  server.keepAliveTimeout = 5_000;
  server.maxRequestsPerSocket = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const sum = (m: Map<string, number>, path?: string): number =>
    path === undefined ? [...m.values()].reduce((a, b) => a + b, 0) : (m.get(path) ?? 0);
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    count: (path) => sum(counts, path),
    okCount: (path) => sum(oks, path),
    log,
    authHeaders,
    route(path, handler) {
      routes.set(`POST ${path}`, handler);
    },
    setFaults(f) {
      faults = f;
    },
    reset() {
      counts.clear();
      oks.clear();
      log.length = 0;
      authHeaders.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export * from './fakeModel.js';
export type { FakeFeatures } from './routes.js';
