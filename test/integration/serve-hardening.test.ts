/**
 * The server under hostile input (issue 14): slow bodies and slow headers, deeply nested JSON, huge bad
 * values, wrong methods. Each runs against the socket server (fast path and Hono) and the in-process app.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import type { StaticModel } from '../../src/model/StaticModel.js';
import { createApp, type RunningServer, startServer } from '../../src/serve/createServer.js';
import { tempDir } from '../helpers/tmp.js';
import { saveTestModel } from '../unit/serve/fixtures.js';

let model: StaticModel;
let server: RunningServer;
const LIMITS = { maxConcurrent: 2, bodyTimeoutMs: 600, headersTimeoutMs: 600, requestTimeoutMs: 5_000 };

beforeAll(async () => {
  const dir = tempDir('gecko-hardening-model-');
  await saveTestModel(dir);
  model = await loadStaticModel(dir);
  server = await startServer({ model }, { port: 0, ...LIMITS });
});
afterAll(async () => {
  await server?.close();
});

interface RawAnswer {
  /** The status line's code, or null when the server closed the socket without answering. */
  status: number | null;
  text: string;
  closedAfterMs: number;
}

/**
 * A bounded loopback client: opens a socket, sends `head` (and then `trickle`, one byte every `everyMs`),
 * and resolves with what came back when the server closes the socket, or after `giveUpMs` in any case.
 */
function slowClient(port: number, head: string, trickle: string, everyMs: number, giveUpMs: number) {
  let socket: Socket | undefined;
  const answer = new Promise<RawAnswer>((resolve) => {
    const t0 = Date.now();
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket?.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, closedAfterMs: Date.now() - t0 });
    };
    const giveUp = setTimeout(finish, giveUpMs);
    socket = connect(port, '127.0.0.1', () => {
      socket!.write(head);
      let i = 0;
      timer = setInterval(() => {
        if (i < trickle.length && socket!.writable) socket!.write(trickle[i++]!);
      }, everyMs);
    });
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
    });
    socket.on('close', finish);
    socket.on('error', () => {});
  });
  return { answer, opened: () => socket };
}

const embedBody = JSON.stringify({ model: 'gecko', input: 'a body that trickles in' });
const postHead = (path: string, length: number): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('slow clients', () => {
  for (const path of ['/v1/embeddings', '/v1/search']) {
    it(`bodies trickling into ${path} hold no concurrency slot and get a 408 after bodyTimeoutMs`, async () => {
      // Twice as many slow bodies as there are slots, at one byte per 100 ms.
      const slow = Array.from({ length: 2 * LIMITS.maxConcurrent }, () =>
        slowClient(server.port, postHead(path, embedBody.length), embedBody, 100, 4_000),
      );
      await new Promise((r) => setTimeout(r, 250));
      // Meanwhile an ordinary client is served at once, not refused with 429.
      const ok = await fetch(`${server.url}/v1/embeddings`, {
        method: 'POST',
        body: JSON.stringify({ model: 'gecko', input: 'a prompt client' }),
        signal: AbortSignal.timeout(2_000),
      });
      expect(ok.status).toBe(200);
      const answers = await Promise.all(slow.map((s) => s.answer));
      for (const a of answers) {
        expect(a.status).toBe(408);
        expect(a.text).toMatch(/did not arrive within 600 ms/);
        expect(a.closedAfterMs).toBeLessThan(3_000);
      }
      expect(server.state.inFlight).toBe(0);
    });
  }

  it('trickled headers are cut off after headersTimeoutMs', async () => {
    const slow = slowClient(
      server.port,
      'POST /v1/embeddings HTTP/1.1\r\n',
      'Host: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      100,
      6_000,
    );
    const a = await slow.answer;
    // Node answers 408 (or just closes) once headersTimeout has passed, checked every second at most.
    expect(a.status === 408 || a.status === null).toBe(true);
    expect(a.closedAfterMs).toBeLessThan(3_000);
  });
});

describe('hostile request bodies are 4xx in OpenAI’s shape, on the socket and in process', () => {
  const app = (): ReturnType<typeof createApp>['app'] => createApp({ model }).app;
  const send = async (path: string, body: string, method = 'POST') => {
    const init = {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? null : body,
    };
    const socket = await fetch(`${server.url}${path}`, init);
    const inProcess = await app().request(path, init);
    return [
      { status: socket.status, text: await socket.text(), allow: socket.headers.get('allow') },
      { status: inProcess.status, text: await inProcess.text(), allow: inProcess.headers.get('allow') },
    ];
  };
  const nested = (depth: number, leaf = '1'): string => '['.repeat(depth) + leaf + ']'.repeat(depth);

  for (const [name, path, body] of [
    ['input nested 5,000 deep', '/v1/embeddings', `{"model":"gecko","input":${nested(5_000)}}`],
    ['input nested 100,000 deep', '/v1/embeddings', `{"model":"gecko","input":${nested(100_000)}}`],
    [
      'dimensions nested 5,000 deep',
      '/v1/embeddings',
      `{"model":"gecko","input":"a","dimensions":${nested(5_000)}}`,
    ],
    ['search k nested 5,000 deep', '/v1/search', `{"query":"a","k":${nested(5_000)}}`],
  ] as const) {
    it(`${name}: 400 invalid_request_error`, async () => {
      for (const r of await send(path, body)) {
        expect(r.status).toBe(400);
        const err = JSON.parse(r.text) as { error: { type: string; message: string; param: string } };
        expect(err.error.type).toBe('invalid_request_error');
        expect(r.text.length).toBeLessThan(500);
      }
    });
  }

  it('a 7 MB bad value or field name gives a short error that quotes a prefix of it', async () => {
    const huge = 'x'.repeat(7_000_000);
    for (const body of [
      { model: 'gecko', input: 'a', [huge]: 1 },
      { model: huge, input: 'a' },
      { model: 'gecko', input: 'a', encoding_format: huge },
      { model: 'gecko', input: 'a', dimensions: [huge] },
      { model: 'gecko', input: [[1, huge]] },
    ]) {
      const init = { method: 'POST', body: JSON.stringify(body) };
      const r = await createApp({ model }, { maxBodyBytes: 16_000_000 }).app.request('/v1/embeddings', init);
      expect([400, 404]).toContain(r.status);
      const text = await r.text();
      expect(text.length).toBeLessThan(600);
      expect(text).toMatch(/xxxxxxxxxx/);
    }
  });

  it('a wrong method on a known path is 405 with Allow; an unknown path stays 404', async () => {
    for (const r of await send('/v1/embeddings', '', 'GET')) {
      expect(r.status).toBe(405);
      expect(r.allow).toBe('POST');
      expect(JSON.parse(r.text).error.code).toBe('method_not_allowed');
    }
    for (const r of await send('/v1/models', '{}')) {
      expect(r.status).toBe(405);
      expect(r.allow).toBe('GET, HEAD');
    }
    for (const r of await send('/v1/models/gecko', '{}', 'DELETE')) expect(r.status).toBe(405);
    for (const r of await send('/v1/nothing', '{}')) expect(r.status).toBe(404);
  });
});
