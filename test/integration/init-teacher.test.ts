import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlamaEmbedder } from '../../src/eval/embedders/LlamaEmbedder.js';
import { loadStaticModel } from '../../src/model/formats/loadStaticModel.js';
import { distillVocabulary } from '../../src/model/init/vocabDistill.js';
import { Tokenizer } from '../../src/model/tokenizer/Tokenizer.js';
import { wordPieceTokenizerJson } from '../../src/model/tokenizer/wordPieceJson.js';
import { runGecko } from '../helpers/cli.js';
import { writeTinyLlamaGguf } from '../helpers/gguf/tinyLlama.js';
import { type OpenAIServer, startOpenAIServer } from '../helpers/openaiServer/index.js';
import { SHARED_DATA } from '../helpers/paths.js';
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
  }, 60_000);

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
