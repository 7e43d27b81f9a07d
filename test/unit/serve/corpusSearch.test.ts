import { describe, expect, it } from 'vitest';
import { openCorpus } from '../../../src/corpus/Corpus.js';
import { CorpusSearcher, RRF_K } from '../../../src/index/CorpusSearcher.js';
import { buildCorpusIndex, loadCorpusIndex, saveCorpusIndex } from '../../../src/index/corpusIndex.js';
import { tempDir } from '../../helpers/tmp.js';
import { testModel } from './fixtures.js';

const PASSAGES = [
  { id: 'p1', title: 'Climbing', text: 'geckos climb walls with millions of tiny setae on their toes' },
  { id: 'p2', title: 'Voice', text: 'the tokay gecko barks loudly at night' },
  { id: 'p3', title: null, text: 'leopard geckos store fat in their thick tails' },
  { id: 'p4', title: 'Eyes', text: 'many geckos have no eyelids and lick their eyes clean' },
  { id: 'p5', title: 'Tails', text: 'a gecko can drop its tail to escape a predator' },
  { id: 'p6', title: 'Diet', text: 'most geckos eat insects such as crickets and moths' },
];

describe('buildCorpusIndex + CorpusSearcher', () => {
  it('indexes passages as documents and searches them by bm25, dense and hybrid (reciprocal rank fusion)', async () => {
    const work = tempDir('gecko-cs-');
    const corpus = openCorpus(work);
    try {
      await corpus.addPassages(PASSAGES);
      const model = testModel();
      const built = await buildCorpusIndex(model, corpus, { recallQueries: 6 });
      expect(built.report).toMatchObject({ count: 6, kind: 'exact', recallAt10: 1 });
      await saveCorpusIndex(built, `${work}/vector-index`);
      const dense = await loadCorpusIndex(`${work}/vector-index`);
      expect(dense.ids).toEqual(built.ids);
      const searcher = new CorpusSearcher(model, { corpus, dense });
      expect(searcher.modes).toEqual(['bm25', 'dense', 'hybrid']);

      const query = 'gecko tail';
      const [q] = await model.embed([query], { kind: 'query' });
      const docs = await model.embed(
        PASSAGES.map((p) => ({ title: p.title, text: p.text })),
        { kind: 'document' },
      );
      const cos = docs.map((d, i) => ({
        id: PASSAGES[i]!.id,
        s: d.reduce((acc, x, j) => acc + x * q![j]!, 0),
      }));
      const denseOrder = [...cos].sort((a, b) => b.s - a.s).map((c) => c.id);
      const denseHits = await searcher.search(query, { k: 6, mode: 'dense' });
      expect(denseHits.map((h) => h.id)).toEqual(denseOrder);
      expect(denseHits[0]!.text).toBe(PASSAGES.find((p) => p.id === denseOrder[0])!.text);

      const bm25Order = corpus.search(query, 6).map((h) => h.id);
      expect((await searcher.search(query, { k: 6, mode: 'bm25' })).map((h) => h.id)).toEqual(bm25Order);

      const fused = new Map<string, number>();
      for (const list of [denseOrder, bm25Order]) {
        list.forEach((id, r) => {
          fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + r + 1));
        });
      }
      const hybrid = await searcher.search(query, { k: 3 });
      const best = [...fused.entries()].sort((a, b) => b[1] - a[1])[0]!;
      expect(hybrid[0]!.id).toBe(best[0]);
      expect(hybrid[0]!.score).toBeCloseTo(best[1], 10);
      expect(hybrid).toHaveLength(3);
    } finally {
      corpus.close();
    }
  });

  it('without a vector index only bm25 is offered, and dense asks for an index', async () => {
    const corpus = openCorpus(tempDir('gecko-cs-'));
    try {
      await corpus.addPassages(PASSAGES);
      const searcher = new CorpusSearcher(testModel(), { corpus });
      expect(searcher.modes).toEqual(['bm25']);
      expect((await searcher.search('tail')).length).toBeGreaterThan(0);
      await expect(searcher.search('tail', { mode: 'dense' })).rejects.toThrow(/gecko index build/);
      await expect(searcher.search('tail', { k: 0 })).rejects.toThrow(/k must be a positive integer/);
    } finally {
      corpus.close();
    }
  });
});
