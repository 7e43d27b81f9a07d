import type { MiddlewareHandler } from 'hono';
import { refusals } from '../ServeError.js';

export interface ReceiveBodyOptions {
  /** Largest body in bytes; larger ones get a 413. */
  maxBytes: number;
  /** The whole body must arrive within this time, else 408. */
  timeoutMs: number;
}

/**
 * Reads the whole request body before the request goes on, within a size limit (413) and a time limit (408),
 * and hands the buffered bytes on, so that later middleware (admission) and the routes see a request whose
 * body is already here. Why: counted against the concurrency limit while it trickles in, a slow body holds a
 * slot; 256 clients at one byte a second would then lock everyone else out.
 */
export function receiveBody(options: ReceiveBodyOptions): MiddlewareHandler {
  const { maxBytes, timeoutMs } = options;
  return async function receiveBodyHandler(c, next) {
    const body = c.req.raw.body;
    if (!body) return next();
    const declared = c.req.raw.headers.get('content-length');
    if (declared !== null && Number(declared) > maxBytes) throw refusals.tooLarge(maxBytes);
    const reader = body.getReader();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(refusals.bodyTimedOut(timeoutMs)), timeoutMs);
    });
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await Promise.race([reader.read(), expired]);
        if (done) break;
        size += value.length;
        if (size > maxBytes) throw refusals.tooLarge(maxBytes);
        chunks.push(value);
      }
    } catch (e) {
      void reader.cancel().catch(() => {});
      // The rest of the body may still be coming: close the connection rather than read it.
      c.header('Connection', 'close');
      throw e;
    } finally {
      clearTimeout(timer);
    }
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks, size) });
    return next();
  };
}
