import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/workspace/Workspace.js';
import { runGecko } from '../helpers/cli.js';
import { tinyStudentArgs, writeExampleCorpus } from '../helpers/distillInputs.js';
import { distillTeacherChat } from '../helpers/distillTeacher.js';
import { startOpenAIServer } from '../helpers/openaiServer/index.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `gecko distill --retriever`: FRet's candidates come from the retriever the config names, built by the same
 * library function as `gecko fret mine --retriever` (here the hybrid of BM25 and the loopback server's
 * `/v1/embeddings`, with its own key variable); bad values are usage errors naming the field.
 */
describe('gecko distill with a non-BM25 retriever', () => {
  it('mines with the hybrid of BM25 and an OpenAI embeddings endpoint', async () => {
    const server = await startOpenAIServer({ routes: { 'POST /v1/chat/completions': distillTeacherChat() } });
    try {
      const dir = tempDir('gecko-distill-retriever-');
      writeExampleCorpus(join(dir, 'corpus.jsonl'), 12);
      const embedder = `openai:${server.baseUrl}#fake-embed`;
      const args = [
        '--json',
        'distill',
        '--corpus',
        'corpus.jsonl',
        '--llm',
        `openai:${server.baseUrl}#fake`,
        '--out',
        'out',
        '--candidates',
        '4',
        '--retriever',
        'hybrid',
        '--embedder',
        embedder,
        '--embedder-key-env',
        'EMBED_KEY',
        '--rrf-k',
        '30',
        ...tinyStudentArgs(2),
      ];
      const r = await runGecko(args, {
        cwd: dir,
        env: { EMBED_KEY: 'sk-embed', OPENAI_API_KEY: 'sk-teacher' },
      });
      expect(r.code, r.stderr).toBe(0);
      // The passages and the queries were embedded through the endpoint, with the embedder's own key.
      const embeds = server.log.filter((q) => q.path === '/v1/embeddings');
      expect(embeds.length).toBeGreaterThan(0);
      expect(embeds.every((q) => q.headers.authorization === 'Bearer sk-embed')).toBe(true);
      const ws = openWorkspace(join(dir, 'out/work'));
      const jobs = ws.db
        .prepare<[], { config: string }>("SELECT config FROM fret_jobs WHERE job LIKE 'mine-%'")
        .all();
      ws.close();
      expect(jobs.map((j) => JSON.parse(j.config).retriever)).toEqual([
        `hybrid(bm25:unified,dense:openai:${server.baseUrl.replace(/\/v1$/, '')}#fake-embed+gecko-format;k=30)`,
      ]);
      const manifest = JSON.parse(readFileSync(join(dir, 'out/fret/dataset.json'), 'utf8'));
      expect(manifest.counts.examples).toBeGreaterThan(0);
      const saved = JSON.parse(readFileSync(join(dir, 'out/model/gecko.distill.json'), 'utf8'));
      expect(saved.mine).toMatchObject({
        retriever: 'hybrid',
        embedder,
        embedderKeyEnv: 'EMBED_KEY',
        rrfK: 30,
      });
    } finally {
      await server.close();
    }
  }, 240_000);

  it('a bad retriever setting is a usage error naming the field', async () => {
    const dir = tempDir('gecko-distill-retriever-bad-');
    writeFileSync(join(dir, 'c.jsonl'), '{"_id":"a","text":"x"}\n');
    const bad = await runGecko(['distill', '--corpus', 'c.jsonl', '--retriever', 'sparse'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('field "mine.retriever"): expected bm25, dense or hybrid');
    const missing = await runGecko(['distill', '--corpus', 'c.jsonl', '--retriever', 'dense'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('field "mine.embedder"): mine.retriever "dense" needs an embedder');
    const rrf = await runGecko(['distill', '--corpus', 'c.jsonl', '--rrf-k', '-1'], { cwd: dir });
    expect(rrf.code).toBe(2);
    expect(rrf.stderr).toContain('--rrf-k must be a number >= 0, got "-1"');
    expect(`${bad.stderr}${missing.stderr}${rrf.stderr}`).not.toMatch(/\n\s+at /);
  }, 60_000);
});
