import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGecko } from '../helpers/cli.js';
import { tinyStudentArgs, writeExampleCorpus } from '../helpers/distillInputs.js';
import { distillTeacherChat } from '../helpers/distillTeacher.js';
import { startOpenAIServer } from '../helpers/openaiServer/index.js';
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
      writeExampleCorpus(join(dir, 'corpus.jsonl'), 20);
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
        ...tinyStudentArgs(4),
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
