import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCorpus } from '../../../src/corpus/Corpus.js';
import { UsageError } from '../../../src/errors/UsageError.js';
import { openRetriever } from '../../../src/fret/retrieve/openRetriever.js';
import { tempDir } from '../../helpers/tmp.js';
import { saveTestModel } from '../serve/fixtures.js';

const PASSAGES = [
  { id: 'a', title: 'Geckos', text: 'Geckos climb walls with millions of tiny hairs on their toes.' },
  { id: 'b', title: 'Cats', text: 'Cats sleep for most of the day and hunt at dusk.' },
  { id: 'c', title: 'Rain', text: 'Rain forms when water vapour condenses into droplets.' },
];

async function corpusWithModel() {
  const dir = tempDir('gecko-open-retriever-');
  const corpus = openCorpus(join(dir, 'work'));
  await corpus.addPassages(PASSAGES, { source: 'test' });
  const modelDir = join(dir, 'model');
  await saveTestModel(modelDir);
  return { corpus, modelDir };
}

const q = { task: 'search result', query: 'how do geckos climb walls' };

describe('openRetriever (FRet step 2 retriever from a spec)', () => {
  it('builds BM25 by default, dense over a static model folder, and their hybrid', async () => {
    const { corpus, modelDir } = await corpusWithModel();
    try {
      const bm25 = await openRetriever(corpus, {});
      expect(bm25.id).toBe('bm25:unified');
      expect((await bm25.retrieve(q, 1))[0]?.id).toBe('a');
      expect((await openRetriever(corpus, { bm25Text: 'query' })).id).toBe('bm25:query');
      const dense = await openRetriever(corpus, { kind: 'dense', embedder: modelDir });
      expect(dense.id).toMatch(/^dense:gecko-static:/);
      expect(await dense.retrieve(q, 3)).toHaveLength(3);
      const hybrid = await openRetriever(corpus, { kind: 'hybrid', embedder: modelDir, rrfK: 10 });
      expect(hybrid.id).toBe(`hybrid(bm25:unified,${dense.id};k=10)`);
      expect((await hybrid.retrieve(q, 3)).map((c) => c.id).sort()).toEqual(['a', 'b', 'c']);
    } finally {
      corpus.close();
    }
  });

  it('names the setting at fault by the caller’s names, and what it accepts', async () => {
    const { corpus } = await corpusWithModel();
    try {
      const names = { kind: 'mine.retriever', embedder: 'mine.embedder', rrfK: 'mine.rrfK' };
      const fails = (spec: Parameters<typeof openRetriever>[1], kinds?: ('bm25' | 'dense' | 'hybrid')[]) =>
        openRetriever(corpus, spec, { names, ...(kinds ? { kinds } : {}) });
      await expect(fails({ kind: 'sparse' })).rejects.toThrow(
        'mine.retriever must be bm25, dense, hybrid or student, got "sparse"',
      );
      await expect(fails({ kind: 'student' }, ['bm25', 'dense', 'hybrid'])).rejects.toThrow(
        'mine.retriever must be bm25, dense or hybrid, got "student"',
      );
      await expect(fails({ kind: 'hybrid' })).rejects.toThrow(
        'mine.retriever hybrid needs mine.embedder SPEC (openai:URL#model, or a static model folder)',
      );
      await expect(fails({ kind: 'dense', embedder: 'openai:nohost#m' })).rejects.toThrow(
        /mine\.embedder "openai:nohost#m" must look like openai:/,
      );
      await expect(fails({ rrfK: -1 })).rejects.toThrow('mine.rrfK must be a number >= 0, got "-1"');
      await expect(openRetriever(corpus, { bm25Text: 'title' })).rejects.toBeInstanceOf(UsageError);
    } finally {
      corpus.close();
    }
  });
});
