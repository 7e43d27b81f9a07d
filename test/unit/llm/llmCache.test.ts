import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withLlmCache } from '../../../src/llm/cache/withLlmCache.js';
import { createOpenAIProvider } from '../../../src/llm/openai/OpenAIProvider.js';
import type { LanguageModel } from '../../../src/llm/types.js';
import { openWorkspace } from '../../../src/workspace/Workspace.js';
import { type OpenAIServer, startOpenAIServer } from '../../helpers/openaiServer/index.js';

const KEY = 'sk-cache-test-secret-987';
let server: OpenAIServer;
let dir: string;
beforeAll(async () => {
  server = await startOpenAIServer();
  dir = mkdtempSync(join(tmpdir(), 'gecko-llmcache-'));
  process.env.GECKO_CACHE_TEST_KEY = KEY;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  delete process.env.GECKO_CACHE_TEST_KEY;
});

const schema = {
  type: 'object',
  properties: { task: { type: 'string' }, query: { type: 'string' } },
  required: ['task', 'query'],
};

/** A small FRet-like job: 40 (task, query) generations, then query and label likelihood for each. */
async function job(llm: LanguageModel): Promise<unknown[]> {
  return Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const passage = `passage ${i}: geckos climb walls`;
      const g = await llm.generate([{ role: 'user', content: passage }], {
        jsonSchema: schema,
        seed: i,
        temperature: 0.7,
      });
      const q = (g.value as { query: string }).query;
      const [ql] = await llm.scoreContinuations(`${passage}\nQuery:`, [` ${q}`], { requireExact: true });
      const rc = await llm.scoreContinuations(`${passage}\nQuery: ${q}\nRelevant:`, [' yes', ' no']);
      return [g.value, ql, rc];
    }),
  );
}

function provider(): LanguageModel {
  return createOpenAIProvider({
    baseUrl: server.baseUrl,
    model: 'fake',
    apiKeyEnv: 'GECKO_CACHE_TEST_KEY',
    concurrency: 8,
  });
}

describe('LLM cache in the workspace', () => {
  it('a second run of the same job makes zero requests and returns identical results', async () => {
    const ws1 = openWorkspace(join(dir, 'w'));
    const first = withLlmCache(provider(), ws1);
    server.reset();
    const r1 = await job(first);
    const requests1 = server.count();
    expect(requests1).toBeGreaterThanOrEqual(40 + 80);
    const s1 = first.stats();
    expect(s1).toMatchObject({ hits: 0, misses: 40 + 40 + 80 });
    expect(s1.spent.promptTokens).toBeGreaterThan(0);
    expect(s1.spent.completionTokens).toBeGreaterThan(0);
    ws1.close();

    const ws2 = openWorkspace(join(dir, 'w'));
    const second = withLlmCache(provider(), ws2);
    server.reset();
    const r2 = await job(second);
    expect(server.count()).toBe(0);
    expect(r2).toEqual(r1);
    const s2 = second.stats();
    expect(s2).toMatchObject({ hits: 160, misses: 0, spent: { promptTokens: 0, completionTokens: 0 } });
    expect(s2.saved.completionTokens).toBe(s1.spent.completionTokens);

    // --no-cache: the same job goes to the model again.
    const third = withLlmCache(provider(), ws2, { enabled: false });
    await job(third);
    expect(server.count()).toBe(requests1);
    expect(third.stats().hits).toBe(0);
    ws2.close();

    // The key was sent, but is stored nowhere in the workspace.
    expect(server.authHeaders).toContain(`Bearer ${KEY}`);
    for (const f of readdirSync(join(dir, 'w'))) {
      expect(readFileSync(join(dir, 'w', f)).includes(KEY)).toBe(false);
    }
  });

  it('scores partly cached continuation lists with one call for the missing ones', async () => {
    const ws = openWorkspace(join(dir, 'partial'));
    const llm = withLlmCache(provider(), ws);
    await llm.scoreContinuations('prompt:', [' a', ' b']);
    server.reset();
    const s = await llm.scoreContinuations('prompt:', [' a', ' b', ' c']);
    expect(server.count('/v1/completions')).toBe(1);
    const sent = server.log[0]?.body as { prompt: string[] };
    expect(sent.prompt).toEqual(['prompt: c']);
    expect(s.map((x) => x.tokenCount)).toEqual([1, 1, 1]);
    expect(llm.stats()).toMatchObject({ hits: 2, misses: 3 });
    ws.close();
  });

  it('shares one model call between concurrent identical calls', async () => {
    const ws = openWorkspace(join(dir, 'dedupe'));
    const llm = withLlmCache(provider(), ws);
    server.reset();
    const rs = await Promise.all(Array.from({ length: 10 }, () => llm.generate('same prompt', { seed: 1 })));
    expect(new Set(rs.map((r) => r.text)).size).toBe(1);
    expect(server.count('/v1/chat/completions')).toBe(1);
    ws.close();
  });
});
