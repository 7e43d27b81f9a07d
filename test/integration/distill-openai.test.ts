import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { distillTeacherChat } from '../helpers/distillTeacher.js';
import { startOpenAIServer } from '../helpers/openaiServer/index.js';
import { ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `gecko distill` with an OpenAI-compatible teacher (the loopback server's deterministic fake model, with
 * JSON-schema output and log-probabilities): the API key is read from the named variable and sent, the
 * dataset is ranked by log-probabilities, and a rerun sends no request at all.
 */
describe('gecko distill with an OpenAI-compatible endpoint', () => {
  it('distils through HTTP, and a rerun makes zero requests', async () => {
    const server = await startOpenAIServer({
      // FRet step 1 gets a short query built from the passage's title; QL and RC the fake model's log-probabilities.
      routes: { 'POST /v1/chat/completions': distillTeacherChat() },
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
