import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaEmbedder } from '../../src/eval/embedders/LlamaEmbedder.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { distillVocabulary } from '../../src/model/init/vocabDistill.js';
import { Tokenizer } from '../../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../../src/model/tokenizer/wordPieceJson.js';
import { runGecko, TSX_LOADER } from '../helpers/cli.js';
import { writeTinyLlamaGguf } from '../helpers/gguf/tinyLlama.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openaiServer/index.js';
import { ROOT, SHARED_DATA } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

/** The first 1,500 lines of the BERT vocabulary: [PAD], ~1,000 [unusedN], the specials, then real pieces. */
const VOCAB = readFileSync(join(SHARED_DATA, 'vocab/bert-base-uncased-vocab.txt'), 'utf8')
  .split('\n')
  .slice(0, 1500);
let server: OpenAIServer;

beforeAll(async () => {
  server = await startOpenAIServer({ features: { embeddingDim: 12 } });
});
afterAll(async () => {
  await server.close();
});

function cacheRows(work: string): number {
  const db = new Database(join(work, 'gecko.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM eval_embedding_cache').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('gecko init teacher', () => {
  it('distils a loopback /v1/embeddings teacher; a rerun is served from the workspace cache', async () => {
    const dir = tempDir();
    const vocab = join(dir, 'vocab.txt');
    writeFileSync(vocab, `${VOCAB.join('\n')}\n`);
    const args = [
      '-w',
      join(dir, 'work'),
      '--json',
      'init',
      'teacher',
      '--teacher-embedder',
      `openai:${server.baseUrl}#fake`,
    ];
    server.reset();
    const r1 = await runGecko([
      ...args,
      '--vocab',
      vocab,
      '--dim',
      '8',
      '--out',
      join(dir, 'm1'),
      '--batch-size',
      '50',
    ]);
    expect(r1.stderr).not.toMatch(/gecko:/);
    expect(r1.code).toBe(0);
    const s1 = JSON.parse(r1.stdout);
    const tokens = VOCAB.filter((t) => !/^\[unused\d+\]$/.test(t)).length;
    expect(s1).toMatchObject({ tokens, teacherDim: 12, dim: 8, weighting: 'zipf', cacheHits: 0 });
    expect(s1.embedded).toBe(cacheRows(join(dir, 'work')));
    const first = server.count('/v1/embeddings');
    expect(first).toBeGreaterThan(1);
    server.reset();
    const r2 = await runGecko([...args, '--vocab', vocab, '--dim', '8', '--out', join(dir, 'm2')]);
    expect(r2.code).toBe(0);
    expect(JSON.parse(r2.stdout)).toMatchObject({ embedded: 0, cacheHits: s1.embedded });
    // Only the embedder's one dimension probe reaches the server; no token is embedded again.
    expect(server.log.map((q) => (q.body as { input: string[] }).input)).toEqual([['dimension probe']]);
    const m1 = await loadStaticModel(join(dir, 'm1'));
    const m2 = await loadStaticModel(join(dir, 'm2'));
    expect(m1.table.length).toBe(VOCAB.length * 8);
    expect(Array.from(m2.table)).toEqual(Array.from(m1.table));
  }, 180_000);

  it('resumes after SIGKILL from the cached batches, to the uninterrupted model', async () => {
    const dir = tempDir();
    const vocab = join(dir, 'vocab.txt');
    writeFileSync(vocab, `${VOCAB.join('\n')}\n`);
    const args = (work: string, out: string): string[] => [
      '-w',
      join(dir, work),
      '--json',
      'init',
      'teacher',
      '--teacher-embedder',
      `openai:${server.baseUrl}#fake`,
      '--vocab',
      vocab,
      '--dim',
      '8',
      '--batch-size',
      '50',
      '--out',
      join(dir, out),
    ];
    const tokenTexts = (): string[] =>
      server.log.flatMap((q) => {
        const input = (q.body as { input: string[] }).input;
        return input[0] === 'dimension probe' ? [] : input;
      });
    // Slow answers, so the kill lands between batches of a run that would otherwise finish in a blink.
    server.reset();
    server.setFaults((q) => (q.path === '/v1/embeddings' ? { kind: 'slow', ms: 100 } : undefined));
    try {
      const child = spawn(
        process.execPath,
        ['--import', TSX_LOADER, join(ROOT, 'src/cli/main.ts'), ...args('killed', 'm-killed')],
        { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      // The probe and three token batches answered (so committed): kill while the fourth waits.
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (server.count('/v1/embeddings') >= 5) {
            clearInterval(t);
            child.kill('SIGKILL');
            resolve();
          }
        }, 5);
        child.on('exit', () => {
          clearInterval(t);
          if (child.signalCode !== 'SIGKILL')
            reject(new Error(`init teacher ended before it was killed: ${stderr}`));
        });
      });
      await exited;
      const beforeResume = tokenTexts().length;
      const cachedBeforeResume = cacheRows(join(dir, 'killed'));
      expect(cachedBeforeResume).toBeGreaterThanOrEqual(100);
      server.setFaults(undefined);
      const resumed = await runGecko(args('killed', 'm-killed'));
      expect(resumed.stderr).not.toMatch(/gecko:/);
      expect(resumed.code).toBe(0);
      const s = JSON.parse(resumed.stdout);
      // Every batch committed before the kill is served from the cache; at most the batch in flight when
      // the process died is embedded twice.
      expect(s.cacheHits).toBe(cachedBeforeResume);
      const all = tokenTexts();
      expect(new Set(all).size).toBe(s.embedded + s.cacheHits);
      expect(all.length - new Set(all).size).toBeLessThanOrEqual(50);
      expect(all.length).toBeGreaterThan(beforeResume);
      server.reset();
      expect((await runGecko(args('clean', 'm-clean'))).code).toBe(0);
      const killed = await loadStaticModel(join(dir, 'm-killed'));
      const clean = await loadStaticModel(join(dir, 'm-clean'));
      expect(Array.from(killed.table)).toEqual(Array.from(clean.table));
    } finally {
      server.setFaults(undefined);
    }
  }, 240_000);

  it('embeds the vocabulary through a tiny GGUF embedding context', async () => {
    const dir = tempDir();
    const gguf = writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 5 });
    const teacher = await createLlamaEmbedder(gguf, { threads: 1 });
    try {
      expect(teacher.dimensions).toBe(64);
      expect(teacher.pooling).toBe('last-token');
      const tokenizer = Tokenizer.fromJSON(wordPieceTokenizerJson(VOCAB.slice(0, 1200)));
      const { model, summary } = await distillVocabulary(tokenizer, teacher, { dim: 16 });
      expect(summary).toMatchObject({ teacherDim: 64, dim: 16, padded: 0, tokens: 1200 - summary.skipped });
      expect(model.table.length).toBe(1200 * 16);
      expect(summary.explainedVariance).toBeGreaterThan(0);
      const [v] = await model.embed(['the gecko']);
      expect(v?.length).toBe(16);
    } finally {
      await teacher.dispose();
    }
  }, 60_000);
});
