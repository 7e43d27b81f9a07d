import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { writeTinyLlamaGguf } from '../helpers/gguf/tinyLlama.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openaiServer/index.js';

let dir: string;
let server: OpenAIServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gecko-llm-cli-'));
  server = await startOpenAIServer();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gecko llm check', () => {
  it('exercises a local GGUF: capabilities, generation, JSON, scores and timings', async () => {
    const model = writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 4, byteTokens: 'ascii' });
    const r = await runGecko([
      '--work',
      join(dir, 'w1'),
      '--json',
      'llm',
      'check',
      '--llm',
      `llama:${model}`,
      '--max-tokens',
      '16',
    ]);
    expect(r.stderr).not.toMatch(/unexpected/);
    const out = JSON.parse(r.stdout);
    expect(out.capabilities).toMatchObject({ logProbs: 'exact', json: 'grammar' });
    expect(out.generation.usage.completionTokens).toBeGreaterThan(0);
    expect(out.score).toMatchObject({ exact: true, method: 'local' });
    expect(out.score.logProb).toBeLessThan(0);
    expect(out.labels.probYes).toBeGreaterThan(0);
    expect(out.timingsMs.load).toBeGreaterThan(0);
    expect(out.cache).toMatchObject({ hits: 0 });
    if (out.json.error === undefined) expect(Object.keys(out.json.value)).toEqual(['task', 'query']);
    // The GGUF also opens as an embedder, which distill's --init auto starts the student from.
    expect(out.embeddings).toMatchObject({ ok: true, dimensions: 64 });
    expect(out.pipeline).toMatchObject({ canRun: true, autoJudge: 'llm' });
  }, 120_000);

  it('against an OpenAI-compatible server: the second run makes zero requests; the key stays secret', async () => {
    const spec = `openai:${server.baseUrl}#fake`;
    const env = { GECKO_CLI_KEY: 'sk-cli-secret-4242' };
    const args = ['--work', join(dir, 'w2'), 'llm', 'check', '--llm', spec, '--llm-key-env', 'GECKO_CLI_KEY'];
    server.reset();
    const first = await runGecko(args, { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/log-probs: +exact; JSON: schema/);
    expect(first.stdout).toMatch(
      /score: +log P\(" how do geckos climb walls" \| passage\) = -\d+\.\d{4} over 5 tokens \(prompt-logprobs/,
    );
    expect(first.stdout).toMatch(/cache: +0 hits, 5 misses/);
    const n = server.count();
    expect(n).toBeGreaterThan(0);
    expect(server.authHeaders.every((h) => h === 'Bearer sk-cli-secret-4242')).toBe(true);
    const second = await runGecko(args, { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/cache: +5 hits, 0 misses/);
    // Only the probes of `check` itself went out again: two log-probability probes, and the embedder's
    // dimension probe and one text.
    expect(server.count() - n).toBe(4);
    expect(first.stdout).toMatch(/pipeline: +distill can run; --judge auto uses the LLM judge/);
    expect(first.stdout).toMatch(/embeddings +yes +8-dimensional vectors: pass --teacher-embedder openai:/);
    expect(`${first.stdout}${first.stderr}${second.stdout}${second.stderr}`).not.toContain('sk-cli-secret');
    const uncached = await runGecko([...args, '--no-cache'], { env });
    expect(uncached.stdout).toMatch(/cache: +disabled/);
  }, 120_000);

  it('passes a chat-only endpoint, which distill runs with the graded judge, and reports what it lacks', async () => {
    // A chat-completions-only server: no /completions echo, no chat logprobs, no json_schema, no embeddings.
    const chatOnly = await startOpenAIServer({
      features: { completionsEcho: false, chatLogprobs: false, jsonSchema: false, embeddings: false },
    });
    try {
      const spec = `openai:${chatOnly.baseUrl}#chat-only`;
      const args = ['--work', join(dir, 'w6'), 'llm', 'check', '--llm', spec, '--no-cache'];
      const [text, json] = await Promise.all([runGecko(args), runGecko(['--json', ...args])]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/score: +FAILED: .*cannot score continuations/);
      expect(text.stdout).toMatch(/chat +yes/);
      expect(text.stdout).toMatch(/json +yes +JSON output \(prompt\)/);
      expect(text.stdout).toMatch(/query-likelihood +no /);
      expect(text.stdout).toMatch(/graded-fallback +yes .*what --judge auto uses here/);
      expect(text.stdout).toMatch(/embeddings +no +no vectors \(.*HTTP 404/);
      expect(text.stdout).toMatch(/pipeline: +distill can run; --judge auto uses the graded judge/);
      expect(json.code).toBe(0);
      const out = JSON.parse(json.stdout);
      expect(out.pipeline).toMatchObject({ canRun: true, autoJudge: 'graded', blockers: [] });
      const available = Object.fromEntries(
        (out.pipeline.capabilities as { name: string; available: boolean }[]).map((c) => [
          c.name,
          c.available,
        ]),
      );
      expect(available).toEqual({
        chat: true,
        json: true,
        'query-likelihood': false,
        'relevance-labels': false,
        'graded-fallback': true,
        embeddings: false,
      });

      // A server whose chat answers never parse as JSON cannot run FRet generation: that fails, exit 1.
      chatOnly.route('/v1/chat/completions', () => ({
        json: {
          choices: [
            { index: 0, message: { role: 'assistant', content: 'no json here' }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 3 },
        },
      }));
      const broken = await runGecko(args);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/pipeline: +distill cannot run: JSON output failed/);
      expect(broken.stderr).toMatch(/llm check: distill cannot run with this model: JSON output failed/);
    } finally {
      await chatOnly.close();
    }
  }, 120_000);

  it('exits 2 on a malformed spec and 1 with a clear line when offline or missing', async () => {
    // Four independent CLI runs, in parallel to keep the suite short.
    const [bad, missing, offline, unsetKey] = await Promise.all([
      runGecko(['--work', join(dir, 'w3'), 'llm', 'check', '--llm', 'gpt4']),
      runGecko(['--work', join(dir, 'w3'), 'llm', 'check', '--llm', 'llama:./nope.gguf']),
      runGecko(['--work', join(dir, 'w4'), 'llm', 'check', '--llm', 'llama:hf:org/repo/file.gguf'], {
        env: { HF_ENDPOINT: 'http://127.0.0.1:9/', GECKO_MODELS_DIR: join(dir, 'models') },
      }),
      runGecko([
        '--work',
        join(dir, 'w5'),
        'llm',
        'check',
        '--llm',
        `openai:${server.baseUrl}#m`,
        '--llm-key-env',
        'NOPE_UNSET',
      ]),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/LLM spec "gpt4" has an unknown provider/);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Model file not found: .*nope\.gguf/);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(
      /looks offline: download the \.gguf file elsewhere and pass it as a local path/,
    );
    expect(unsetKey.code).toBe(2);
    expect(unsetKey.stderr).toMatch(/NOPE_UNSET is not set/);
  });
});
