/**
 * One HTTP POST over node:http / node:https with a keep-alive agent. Used instead of `fetch` because, at
 * the concurrency gecko runs (32+ requests in flight), Node 20's fetch (undici's WHATWG layer) costs 2-4x
 * more CPU per request than node:http against the same loopback server (measured while writing
 * `bench/llm.bench.ts`), and the HTTP provider must not be slower than plain fetch.
 */
import http from 'node:http';
import https from 'node:https';

/** A complete HTTP answer. */
export interface TransportResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Why a POST produced no complete answer. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network' | 'aborted',
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** Keep-alive agents for one client (sockets are reused across requests, and unref'd while idle). */
export interface Agents {
  http: http.Agent;
  https: https.Agent;
}

/** Creates the agents for a client allowing `maxSockets` connections per host. */
export function createAgents(maxSockets: number): Agents {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets }),
    https: new https.Agent({ keepAlive: true, maxSockets }),
  };
}

function toHeaders(raw: http.IncomingHttpHeaders): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string') h.set(k, v);
    else if (Array.isArray(v)) for (const x of v) h.append(k, x);
  }
  return h;
}

/**
 * POSTs `payload` to `url` and resolves with the full body.
 * @throws TransportError `timeout` after `timeoutMs`, `aborted` when `signal` fires (with its reason as
 * cause), `network` for connection errors and bodies cut short.
 */
export function post(
  url: URL,
  payload: string,
  headers: Record<string, string>,
  options: { agents: Agents; timeoutMs: number; signal?: AbortSignal },
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const lib = secure ? https : http;
    let settled = false;
    const finish = (err: TransportError | undefined, value?: TransportResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value as TransportResponse);
    };
    const req = lib.request(
      url,
      {
        method: 'POST',
        agent: secure ? options.agents.https : options.agents.http,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (!res.complete) {
            finish(new TransportError('connection closed before the body was complete', 'network'));
            return;
          }
          finish(undefined, {
            status: res.statusCode ?? 0,
            headers: toHeaders(res.headers),
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('aborted', () =>
          finish(new TransportError('connection closed before the body was complete', 'network')),
        );
        res.on('error', (e) => finish(new TransportError(describe(e), 'network', { cause: e })));
        res.on('close', () => {
          if (!res.complete)
            finish(new TransportError('connection closed before the body was complete', 'network'));
        });
      },
    );
    const timer = setTimeout(
      () => finish(new TransportError(`timed out after ${options.timeoutMs} ms`, 'timeout')),
      options.timeoutMs,
    );
    const onAbort = (): void =>
      finish(new TransportError('aborted', 'aborted', { cause: options.signal?.reason }));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => finish(new TransportError(describe(e), 'network', { cause: e })));
    req.end(payload);
  });
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message ?? String(e);
}
