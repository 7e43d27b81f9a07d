/**
 * The socket server answers `POST /v1/embeddings` on a plain node:http fast path (src/serve/fastEmbeddings.ts)
 * and everything else through Hono. These tests send the same requests to both (the socket, and the Hono app
 * in process) and require identical statuses, headers that matter, and bodies, for good and bad requests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { createApp, type RunningServer, startServer } from '../../src/serve/createServer.js';
import { tempDir } from '../helpers/tmp.js';
import { saveTestModel } from '../unit/serve/fixtures.js';

const KEY = 'sk-fast-path';
const options = { apiKey: KEY, maxInputs: 4, maxBodyBytes: 2_000 };
let server: RunningServer;
let app: ReturnType<typeof createApp>['app'];

beforeAll(async () => {
  const dir = tempDir('gecko-fast-model-');
  await saveTestModel(dir);
  const model = await loadStaticModel(dir);
  server = await startServer({ model }, { port: 0, ...options });
  app = createApp({ model }, options).app;
});
afterAll(async () => {
  await server?.close();
});

async function both(body: string, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) {
  const init = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body };
  const viaSocket = await fetch(`${server.url}/v1/embeddings`, init);
  const viaHono = await app.request('/v1/embeddings', init);
  return {
    socket: {
      status: viaSocket.status,
      body: await viaSocket.text(),
      type: viaSocket.headers.get('content-type'),
    },
    hono: { status: viaHono.status, body: await viaHono.text(), type: viaHono.headers.get('content-type') },
  };
}

describe('the /v1/embeddings fast path', () => {
  it.each([
    ['a sentence', JSON.stringify({ model: 'gecko', input: 'geckos climb walls' }), 200],
    [
      'a batch as base64',
      JSON.stringify({ model: 'gecko', input: ['a', 'b c'], encoding_format: 'base64' }),
      200,
    ],
    [
      'dimensions and Gecko extensions',
      JSON.stringify({ model: 'gecko', input: 'x', dimensions: 4, kind: 'document' }),
      200,
    ],
    ['malformed JSON', '{"model": "gecko", "input": ', 400],
    ['an empty body', '', 400],
    ['an empty input', JSON.stringify({ model: 'gecko', input: [] }), 400],
    ['too many inputs', JSON.stringify({ model: 'gecko', input: ['a', 'b', 'c', 'd', 'e'] }), 400],
    ['an unknown model', JSON.stringify({ model: 'nope', input: 'x' }), 404],
    ['dimensions of 0', JSON.stringify({ model: 'gecko', input: 'x', dimensions: 0 }), 400],
    ['an oversized body', JSON.stringify({ model: 'gecko', input: 'x'.repeat(3_000) }), 413],
  ])('%s: same status and body as the Hono app', async (_name, body, status) => {
    const { socket, hono } = await both(body);
    expect(hono.status).toBe(status);
    expect(socket).toEqual(hono);
  });

  it('refuses a missing or wrong key like the Hono app', async () => {
    const body = JSON.stringify({ model: 'gecko', input: 'x' });
    for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
      const { socket, hono } = await both(body, headers);
      expect(socket.status).toBe(401);
      expect(socket).toEqual(hono);
    }
  });

  it('keeps serving after bad requests, and other routes still go through Hono', async () => {
    await both('{oops');
    const ok = await both(JSON.stringify({ model: 'gecko', input: 'still here' }));
    expect(ok.socket.status).toBe(200);
    const models = await fetch(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(models.status).toBe(200);
    const wrongMethod = await fetch(`${server.url}/v1/embeddings`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(wrongMethod.status).toBe(405);
  });
});
