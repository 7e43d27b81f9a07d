import { describe, expect, it } from 'vitest';
import { Bm25Retriever } from '../../../src/eval/embedders/Bm25Retriever.js';
import { HashedBowEmbedder } from '../../../src/eval/embedders/HashedBowEmbedder.js';
import { HybridRetriever } from '../../../src/eval/embedders/HybridRetriever.js';
import { openEvalModel } from '../../../src/eval/openModel.js';
import type { TaskMetadata } from '../../../src/eval/tasks/schema.js';
import { RRF_K } from '../../../src/index/CorpusSearcher.js';
import type { Embedder } from '../../../src/model/Embedder.js';

const corpus = [
  { id: 'd1', title: 'geckos', text: 'geckos climb walls with sticky toe pads' },
  { id: 'd2', title: 'lizards', text: 'many lizards shed their tails to escape' },
  { id: 'd3', title: 'walls', text: 'brick walls are built from clay' },
  { id: 'd4', title: 'toes', text: 'toe pads hold van der waals forces' },
];
const queries = [{ id: 'q1', text: 'how do geckos climb walls' }];

describe('HybridRetriever', () => {
  it('fuses the BM25 and dense rankings by reciprocal rank', async () => {
    const embedder = new HashedBowEmbedder({ dimensions: 64 });
    const run = await new HybridRetriever(embedder).retrieve(corpus, queries, 4);
    const bm25 = await new Bm25Retriever().retrieve(corpus, queries, 4);
    const bm25Rank = Object.entries(bm25.q1!)
      .sort((a, b) => b[1] - a[1])
      .map(([id]) => id);
    const q = (
      await embedder.embed(['how do geckos climb walls'], { kind: 'query', task: 'search result' })
    )[0]!;
    const docs = await embedder.embed(
      corpus.map((d) => ({ title: d.title, text: d.text })),
      { kind: 'document' },
    );
    const denseRank = corpus
      .map((d, i) => ({ id: d.id, s: docs[i]!.reduce((a, v, c) => a + v * q[c]!, 0) }))
      .sort((a, b) => b.s - a.s)
      .map((x) => x.id);
    // Every document's fused score is the sum of 1 / (RRF_K + rank) over the lists it appears in.
    for (const d of corpus) {
      const expected = [denseRank, bm25Rank].reduce(
        (a, list) => a + (list.includes(d.id) ? 1 / (RRF_K + list.indexOf(d.id) + 1) : 0),
        0,
      );
      expect(run.q1![d.id] ?? 0).toBeCloseTo(expected, 6);
    }
    expect(Object.keys(run.q1!)[0]).toBe('d1');
  });
});

describe('hybrid:SPEC models', () => {
  it("embed queries with the evaluated task's prompt unless one is given", async () => {
    const seen: (string | undefined)[] = [];
    const inner = new HashedBowEmbedder({ dimensions: 16 });
    const spy: Embedder = {
      id: 'spy',
      dimensions: 16,
      embed: (texts, o) => {
        if (o?.kind === 'query') seen.push(o.task);
        return inner.embed(texts, o);
      },
    };
    const meta = { name: 'Claims', type: 'Retrieval', prompt: 'fact checking' } as TaskMetadata;
    await new HybridRetriever(spy).retrieve(corpus, queries, 2, meta);
    await new HybridRetriever(spy).retrieve(corpus, queries, 2);
    await new HybridRetriever(spy, { task: 'question answering' }).retrieve(corpus, queries, 2, meta);
    expect(seen).toEqual(['fact checking', 'search result', 'question answering']);
  });

  it('open as a retriever over BM25 and the inner embedder; the inner spec must give vectors', async () => {
    const m = await openEvalModel('hybrid:hashed-bow:32');
    expect('lexical' in m && m.lexical.id).toBe('hybrid(bm25,hashed-bow:32+bigrams)');
    await m.close();
    await expect(openEvalModel('hybrid:bm25')).rejects.toThrow(/dense side must be an embedder/);
  });
});
