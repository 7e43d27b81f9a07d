import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { type ServerRequest, startOpenAIServer } from '../helpers/openaiServer/index.js';
import { defaultRoutes } from '../helpers/openaiServer/routes.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `gecko distill` with an OpenAI-compatible teacher (the loopback server's deterministic fake model, with
 * JSON-schema output and log-probabilities): the API key is read from the named variable and sent, the
 * dataset is ranked by log-probabilities, and a rerun sends no request at all.
 */
describe('gecko distill with an OpenAI-compatible endpoint', () => {
  it('distils through HTTP, and a rerun makes zero requests', async () => {
    const fallback = defaultRoutes()['POST /v1/chat/completions'] as (r: ServerRequest) => unknown;
    const server = await startOpenAIServer({
      routes: {
        // Step 1 answers a short query built from the passage's title; everything else (the QL and RC
        // log-probabilities) comes from the fake model's default routes.
        'POST /v1/chat/completions': async (req) => {
          const body = req.body as {
            messages: { content: string }[];
            response_format?: { json_schema?: { schema?: { properties?: object } } };
          };
          const props = body.response_format?.json_schema?.schema?.properties ?? {};
          if (!('query' in props)) return (await fallback(req)) as { json: unknown };
          const content = body.messages.at(-1)?.content ?? '';
          const passage = content.slice(content.lastIndexOf('Passage: ') + 'Passage: '.length);
          const word = (passage.split(/\W+/).find((w) => w.length > 6) ?? 'geckos').toLowerCase();
          const answer = JSON.stringify({
            task: 'Given a question, retrieve passages that answer it',
            query: `what is known about ${word}`,
          });
          return {
            json: {
              id: 'x',
              object: 'chat.completion',
              model: 'fake',
              choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 50, completion_tokens: 12, total_tokens: 62 },
            },
          };
        },
      },
    });
    try {
      const dir = tempDir('gecko-distill-openai-');
      const lines = readFileSync(join(ROOT, 'examples/corpus.jsonl'), 'utf8').split('\n').slice(0, 20);
      writeFileSync(join(dir, 'corpus.jsonl'), `${lines.join('\n')}\n`);
      const args = [
        '--json',
        'distill',
        '--corpus',
        'corpus.jsonl',
        '--llm',
        `openai:${server.baseUrl}#fake`,
        '--llm-key-env',
        'TEACHER_KEY',
        '--out',
        'out',
        '--candidates',
        '4',
        '--dim',
        '32',
        '--matryoshka',
        '32',
        '--dims',
        '32',
        '--set',
        'student.vocabSize=500',
        'pretrain.steps=4',
        'train.steps=4',
        'train.batchSize=8',
        'pretrain.batchSize=8',
      ];
      const env = { TEACHER_KEY: 'sk-test-distill' };
      const first = await runGecko(args, { cwd: dir, env });
      expect(first.code, first.stderr).toBe(0);
      expect(server.count()).toBeGreaterThan(20);
      expect(server.authHeaders.every((h) => h === 'Bearer sk-test-distill')).toBe(true);
      const manifest = JSON.parse(readFileSync(join(dir, 'out/fret/dataset.json'), 'utf8'));
      expect(manifest.counts.seeds).toBe(20);
      expect(manifest.counts.examples).toBeGreaterThan(0);
      expect(manifest.scoring).toBe('logprobs');
      const saved = JSON.parse(readFileSync(join(dir, 'out/model/gecko.distill.json'), 'utf8'));
      expect(saved).toMatchObject({ llm: `openai:${server.baseUrl}#fake`, llmKeyEnv: 'TEACHER_KEY' });
      expect(JSON.stringify(saved)).not.toContain('sk-test-distill');

      server.reset();
      const second = await runGecko(args, { cwd: dir, env });
      expect(second.code, second.stderr).toBe(0);
      expect(server.count()).toBe(0);
      const r = JSON.parse(second.stdout) as { stages: { skipped: boolean }[] };
      expect(r.stages.every((s) => s.skipped)).toBe(true);
    } finally {
      await server.close();
    }
  }, 240_000);
});
