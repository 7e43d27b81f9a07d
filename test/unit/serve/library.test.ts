import type { DocumentInterface } from '@langchain/core/documents';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { GeckoEmbeddings, type GeckoModel, loadModel } from '../../../src/index.js';
import type { StaticModel } from '../../../src/model/StaticModel.js';
import { tempDir } from '../../helpers/tmp.js';
import { maxAbsDiff, saveTestModel } from './fixtures.js';

let dir: string;
let gecko: GeckoModel;
let reference: StaticModel;
const docs = [
  'geckos climb walls with millions of setae',
  'the tokay gecko barks at night',
  'leopard geckos store fat in their tails',
  'many geckos lick their eyes clean',
  'a gecko can drop its tail to escape',
];

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

beforeAll(async () => {
  dir = tempDir('gecko-lib-');
  reference = await saveTestModel(dir);
  gecko = await loadModel(dir);
});

describe('loadModel', () => {
  it('embeds one text or many, as the model saved to disk does', async () => {
    const one = await gecko.embed('how do geckos climb');
    const [expected] = await reference.embed(['how do geckos climb']);
    expect(maxAbsDiff(one, expected!)).toBe(0);
    const many = await gecko.embed(docs, { kind: 'document', dimensions: 16 });
    const exp = await reference.embed(docs, { kind: 'document', dimensions: 16 });
    many.forEach((v, i) => {
      expect(maxAbsDiff(v, exp[i]!)).toBe(0);
    });
  });

  it('similarity is the cosine of two texts (both as queries) or of two vectors', async () => {
    const [a, b] = await reference.embed(['gecko toes', 'lamellae and setae']);
    expect(await gecko.similarity('gecko toes', 'lamellae and setae')).toBeCloseTo(dot(a!, b!), 6);
    const v = new Float32Array([3, 4]);
    expect(await gecko.similarity(v, new Float32Array([4, 3]))).toBeCloseTo(24 / 25, 6);
    await expect(gecko.similarity(v, new Float32Array(3))).rejects.toThrow(/2 and 3 dimensions/);
  });

  it('search ranks documents by query-document cosine, and an index gives the same ranking', async () => {
    const query = 'why do geckos stick to walls';
    const [q] = await reference.embed([query], { kind: 'query' });
    const d = await reference.embed(docs, { kind: 'document' });
    const expected = d
      .map((v, i) => ({ i, s: dot(q!, v) }))
      .sort((x, y) => y.s - x.s || x.i - y.i)
      .slice(0, 3);
    const hits = await gecko.search(query, docs, { k: 3 });
    expect(hits.map((h) => h.index)).toEqual(expected.map((e) => e.i));
    hits.forEach((h, i) => {
      expect(h.score).toBeCloseTo(expected[i]!.s, 5);
      expect(h.document).toBe(docs[h.index]);
    });
    const index = await gecko.indexDocuments(docs);
    expect((await gecko.search(query, index, { k: 3 })).map((h) => h.index)).toEqual(
      hits.map((h) => h.index),
    );
    await expect(gecko.search(query, docs, { k: 0 })).rejects.toThrow(/k must be a positive integer/);
  });
});

/** The smallest LangChain vector store: LangChain's own `addDocuments` / `similaritySearch` / retriever call the embeddings. */
class ArrayStore extends VectorStore {
  rows: { v: number[]; doc: DocumentInterface }[] = [];
  _vectorstoreType(): string {
    return 'array';
  }
  async addVectors(vectors: number[][], documents: DocumentInterface[]): Promise<void> {
    vectors.forEach((v, i) => {
      this.rows.push({ v, doc: documents[i]! });
    });
  }
  async addDocuments(documents: DocumentInterface[]): Promise<void> {
    await this.addVectors(
      await this.embeddings.embedDocuments(documents.map((d) => d.pageContent)),
      documents,
    );
  }
  async similaritySearchVectorWithScore(query: number[], k: number): Promise<[DocumentInterface, number][]> {
    return this.rows
      .map((r) => [r.doc, dot(query, r.v)] as [DocumentInterface, number])
      .sort((a, b) => b[1] - a[1])
      .slice(0, k);
  }
}

describe('GeckoEmbeddings (LangChain)', () => {
  it('is LangChain’s EmbeddingsInterface and embeds documents and queries with Gecko’s prompts', async () => {
    const embeddings = new GeckoEmbeddings(gecko, { batchSize: 2, queryTask: 'question answering' });
    expectTypeOf(embeddings).toMatchTypeOf<EmbeddingsInterface>();
    const vectors = await embeddings.embedDocuments(docs);
    const expected = await reference.embed(docs, { kind: 'document' });
    expect(vectors).toHaveLength(docs.length);
    vectors.forEach((v, i) => {
      expect(maxAbsDiff(v, expected[i]!)).toBe(0);
    });
    const q = await embeddings.embedQuery('why are geckos sticky');
    const [eq] = await reference.embed(['why are geckos sticky'], { task: 'question answering' });
    expect(maxAbsDiff(q, eq!)).toBe(0);
    expect(() => new GeckoEmbeddings(gecko, { batchSize: 0 })).toThrow(/batchSize/);
  });

  it('drives a LangChain vector store and retriever', async () => {
    const folder = tempDir('gecko-lc-'); // tempDir folders last one test
    await saveTestModel(folder);
    const embeddings = await GeckoEmbeddings.load(folder, { dimensions: 24 });
    const store = new ArrayStore(embeddings, {});
    await store.addDocuments(docs.map((d, i) => new Document({ pageContent: d, metadata: { i } })));
    expect(store.rows[0]!.v).toHaveLength(24);
    const query = 'tail';
    const results = await store.asRetriever({ k: 2 }).invoke(query);
    const expected = await gecko.search(query, docs, { k: 2, dimensions: 24 });
    expect(results.map((d) => d.metadata.i)).toEqual(expected.map((h) => h.index));
  });
});
